"""The subcommand records: one per usage entry, every command the grammar reads has a handler."""

from __future__ import annotations

import typing

import pytest

from bot.slack.grammar import Command, OpenScheduleModal
from bot.slack.hints import USAGE
from bot.slack.subcommands import SUBCOMMANDS, describe, parse_command


def test_every_usage_entry_has_one_record_and_every_record_its_usage() -> None:
    names = [sub.name for sub in SUBCOMMANDS]
    assert len(names) == len(set(names))
    assert set(names) == set(USAGE)


def test_no_alias_is_claimed_twice_or_shadows_a_name() -> None:
    words = [word for sub in SUBCOMMANDS for word in (sub.name, *sub.aliases)]
    assert len(words) == len(set(words))


def test_every_command_type_has_a_handler_except_the_form() -> None:
    handled = {kind for sub in SUBCOMMANDS for kind in sub.actions}
    assert handled == set(typing.get_args(Command)) - {OpenScheduleModal}


@pytest.mark.parametrize("sub", SUBCOMMANDS, ids=lambda sub: sub.name)
def test_each_aliases_reads_like_its_name(sub) -> None:  # type: ignore[no-untyped-def]
    example = sub.usage.example.removeprefix("/zoom").strip()
    rest = example.partition(" ")[2]
    expected = parse_command(example)
    assert type(expected) in sub.actions, expected  # the usage example reads as this record's command
    for alias in sub.aliases:
        assert parse_command(f"{alias} {rest}".strip()) == expected


def test_describe_names_the_operation_and_falls_back_for_unknown_objects() -> None:
    assert describe(parse_command("list today")) == "list your meetings"
    assert describe(object()) == "do that"
