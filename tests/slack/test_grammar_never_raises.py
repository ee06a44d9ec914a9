"""No text makes the `/zoom` reader raise: arbitrary text, and text built from the words times are
made of, always reads as a Command or a usage hint, and the handler's reading of its time (a
moment or a series) either succeeds or refuses with a wording for the user."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.services.series import plan_series
from bot.services.when import WhenError, parse_when
from bot.slack.grammar import Command, MoveMeeting, Schedule
from bot.slack.hints import UsageError
from bot.slack.subcommands import parse_command

ZONES = (ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Kolkata"))
NOWS = (
    datetime(2026, 3, 8, 6, 30, tzinfo=UTC),  # New York's spring-forward night
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # Europe's fall-back night
    datetime(2026, 12, 4, 15, 0, tzinfo=UTC),
)
# The words times, durations and series are made of, plus the pieces that break naive readers.
TIME_WORDS = st.sampled_from(
    [
        "every", "daily", "weekly", "weekdays", "mondays", "and", "other", "week", "month", "the",
        "first", "last", "friday", "of", "on", "at", "for", "an", "a", "hour", "half", "and", "ninety",
        "minutes", "couple", "hours", "in", "from", "now", "to", "past", "quarter", "o'clock", "noon",
        "midnight", "tonight", "tomorrow", "3pm", "3:30", "15.12.", "12/15", "1730", "17h30", "3-4pm",
        "10x", "10", "times", "x10", "until", "Dec", "15th", "1.", "1e5", "99999", "0", "-", "1/2", "h",
        "m", "9", "11am", "2:30", "4", "ago", "yesterday", "next", ",", "&", "1.5h", "31st", "99",
    ]
)  # fmt: skip
SUBCOMMAND = st.sampled_from(
    ["schedule Standup", 'schedule "Standup"', "move 812 3456 7890", "remind 81234567890"]
)


def _read(command: Command, now: datetime, tz: ZoneInfo) -> None:
    """What the handler does with a command's time: only a WhenError may come out."""
    try:
        if isinstance(command, (Schedule, MoveMeeting)):
            if command.repeat is not None:
                plan_series(command.repeat, now=now, tz=tz)
            else:
                parse_when(command.when_text, now=now, tz=tz)
    except WhenError as error:
        assert error.message and error.example


@settings(max_examples=400, deadline=None)
@given(
    head=SUBCOMMAND,
    words=st.lists(TIME_WORDS, min_size=1, max_size=9),
    now=st.sampled_from(NOWS),
    tz=st.sampled_from(ZONES),
)
@example(head="schedule Standup", words=["every", "a", "for", "for", "0"], now=NOWS[0], tz=ZONES[0])
@example(head="schedule T", words=["every", "1e5", "x", "for", "1.", "1h"], now=NOWS[0], tz=ZONES[0])
@example(head="move 812 3456 7890", words=["every", "day", "9am", "for", "0"], now=NOWS[0], tz=ZONES[0])
def test_time_words_never_raise(head: str, words: list[str], now: datetime, tz: ZoneInfo) -> None:
    result = parse_command(f"{head} {' '.join(words)}")
    if isinstance(result, UsageError):
        assert result.message != "I couldn't read that command."  # the safety net is not an answer
        assert result.message and result.example
        return
    _read(result, now, tz)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=120), tz=st.sampled_from(ZONES))
def test_arbitrary_text_never_raises(text: str, tz: ZoneInfo) -> None:
    for head in ("schedule T ", "move 812 3456 7890 ", ""):
        result = parse_command(head + text)
        if isinstance(result, UsageError):
            assert result.message != "I couldn't read that command."
            continue
        _read(result, NOWS[2], tz)
