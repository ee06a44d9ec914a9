"""What the sandbox sends for typed text: Slack's escaping, modal answers, `wait` durations."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from bot.sandbox.clock import RunningClock, parse_wait
from bot.sandbox.forms import AnswerError, FormField, form_fields, read_answer
from bot.sandbox.typed import escape_typed
from bot.slack.subcommands import parse_command
from bot.slack.views.schedule_form import parse_schedule_submission, schedule_modal

CHANNELS = {"general": "C0GENERAL", "design": "C0DESIGN"}
USERS = {"alice": "U0ALICE", "bob": "U0BOB"}


def test_typed_text_is_escaped_like_slack_does() -> None:
    typed = "remind 812 3456 7890 15m #design to @bob & <team> bob@example.com https://x.example/a?b=1"
    assert escape_typed(typed, channels=CHANNELS, users=USERS) == (
        "remind 812 3456 7890 15m <#C0DESIGN|design> to <@U0BOB|bob> &amp; &lt;team&gt; "
        "<mailto:bob@example.com|bob@example.com> <https://x.example/a?b=1>"
    )


def test_unknown_names_stay_as_typed() -> None:
    assert escape_typed("#nowhere @nobody", channels=CHANNELS, users=USERS) == "#nowhere @nobody"


def test_the_bot_reads_the_escaped_channel() -> None:
    escaped = escape_typed("remind 81234567890 15m #design", channels=CHANNELS, users=USERS)
    parsed = parse_command(escaped)
    assert getattr(parsed, "channel", None) is not None
    assert "C0DESIGN" in repr(parsed)


def _fields() -> dict[str, FormField]:
    view = schedule_modal(initial_channel=None, tz_name="Europe/Berlin", private_metadata="{}")
    return {f.block_id: f for f in form_fields(view)}


def _answer(block_id: str, text: str) -> dict[str, Any]:
    return read_answer(
        _fields()[block_id],
        text,
        today=date(2030, 1, 7),
        channel_id_for=CHANNELS.get,
        current_channel="C0GENERAL",
    )


def test_schedule_form_fields_in_order_with_choices_and_defaults() -> None:
    fields = list(_fields().values())
    assert [f.kind for f in fields] == [
        "plain_text_input",
        "datepicker",
        "timepicker",
        "static_select",
        "plain_text_input",
        "static_select",
        "conversations_select",
    ]
    duration = fields[3]
    assert [c.label for c in duration.choices][:3] == ["15 min", "30 min", "45 min"]
    assert duration.question() == "Duration (number or name) [30 min]: "
    assert fields[4].question() == "Agenda [optional]: "
    assert [c.label for c in fields[5].choices][:2] == ["Does not repeat", "Every weekday (Mon–Fri)"]
    assert fields[6].current_conversation
    assert fields[6].question(channel_default="#general") == "Post a reminder in (#channel) [#general]: "


def test_answers_become_slack_state_entries() -> None:
    assert _answer("topic", " Design review ") == {"type": "plain_text_input", "value": "Design review"}
    assert _answer("date", "tomorrow") == {"type": "datepicker", "selected_date": "2030-01-08"}
    assert _answer("date", "2030-02-01") == {"type": "datepicker", "selected_date": "2030-02-01"}
    assert _answer("time", "3pm") == {"type": "timepicker", "selected_time": "15:00"}
    assert _answer("time", "12am") == {"type": "timepicker", "selected_time": "00:00"}
    assert _answer("time", "9:05") == {"type": "timepicker", "selected_time": "09:05"}
    assert _answer("duration", "3")["selected_option"]["value"] == "45"
    assert _answer("duration", "1 h")["selected_option"]["value"] == "60"
    assert _answer("duration", "")["selected_option"]["value"] == "30"
    assert _answer("agenda", "") == {"type": "plain_text_input", "value": None}
    assert _answer("reminder_channel", "#design") == {
        "type": "conversations_select",
        "selected_conversation": "C0DESIGN",
    }
    assert _answer("reminder_channel", "") == {
        "type": "conversations_select",
        "selected_conversation": "C0GENERAL",
    }


@pytest.mark.parametrize(
    ("block_id", "text", "problem"),
    [
        ("topic", "", "required"),
        ("date", "next week", "2030-01-31"),
        ("time", "25:00", "09:30"),
        ("time", "13pm", "1 to 12"),
        ("time", "9", "09:30"),
        ("duration", "9", "pick 1 to 8"),
        ("reminder_channel", "#nowhere", "no channel"),
    ],
)
def test_bad_answers_say_what_to_type(block_id: str, text: str, problem: str) -> None:
    with pytest.raises(AnswerError, match=problem):
        _answer(block_id, text)


def test_answers_are_what_the_bots_form_parser_accepts() -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    answers = ["Review", "tomorrow", "3pm", "2", "", "1", "#design"]
    values = {
        block_id: {field.action_id: _answer(block_id, text)}
        for (block_id, field), text in zip(_fields().items(), answers, strict=True)
    }
    form = parse_schedule_submission(
        {"values": values}, tz=ZoneInfo("Europe/Berlin"), now=datetime(2030, 1, 7, tzinfo=UTC)
    )
    assert not isinstance(form, dict), form
    assert (form.topic, form.duration, form.channel) == ("Review", 30, "C0DESIGN")
    assert form.start == datetime(2030, 1, 8, 15, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def test_wait_durations() -> None:
    assert parse_wait("10m") == timedelta(minutes=10)
    assert parse_wait("1h30m") == timedelta(minutes=90)
    assert parse_wait("1d 2h") == timedelta(hours=26)
    assert parse_wait("45s") == timedelta(seconds=45)
    for bad in ("", "10", "soon", "10x", "m10", "400d"):
        with pytest.raises(ValueError):
            parse_wait(bad)


def test_running_clock_moves_with_the_wall_and_jumps_on_advance() -> None:
    clock = RunningClock()
    before = clock.now()
    jumped = clock.advance(600)
    assert timedelta(seconds=600) <= jumped - before < timedelta(seconds=605)
    assert clock.now() >= jumped  # still running after the jump
