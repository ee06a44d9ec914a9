"""Refusals that handlers raise are worded in the hints, and explained like any other failure."""

from __future__ import annotations

from bot.slack.hints import hint_for
from bot.slack.hints.refusals import no_occurrences_left, unresolved_channel


def test_a_bare_channel_name_asks_for_slacks_autocomplete() -> None:
    hint = hint_for(unresolved_channel("team"), mode="user")
    assert hint.title == "I couldn't set that reminder"
    assert "#team" in hint.what and "autocomplete" in hint.what
    assert "/zoom remind" in hint.fix


def test_a_series_with_nothing_left_to_move_suggests_a_new_series() -> None:
    hint = hint_for(no_occurrences_left(), mode="user", operation="move")
    assert hint.title == "I couldn't use that time"
    assert "no occurrences left" in hint.what
    assert "every weekday 9am" in hint.fix and "/zoom move" in hint.fix
