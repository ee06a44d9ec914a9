"""Reading times and durations: the forms people type, DST edges, and the refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.when import (
    WhenError,
    duration_minutes,
    local_datetime,
    looks_like_when,
    parse_clock,
    parse_duration,
    parse_when,
    split_when_and_duration,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
# Wednesday 2026-06-10, 10:00 in Berlin (08:00 UTC)
NOW = datetime(2026, 6, 10, 10, 0, tzinfo=BERLIN)


def at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow 3pm", at(2026, 6, 11, 15, 0)),
        ("Tomorrow at 3 PM", at(2026, 6, 11, 15, 0)),
        ("3pm tomorrow", at(2026, 6, 11, 15, 0)),
        ("today 15:30", at(2026, 6, 10, 15, 30)),
        ("3pm", at(2026, 6, 10, 15, 0)),
        ("3:45pm", at(2026, 6, 10, 15, 45)),
        ("noon", at(2026, 6, 10, 12, 0)),
        ("tomorrow midnight", at(2026, 6, 11, 0, 0)),
        ("mon 9am", at(2026, 6, 15, 9, 0)),
        ("monday 09:00", at(2026, 6, 15, 9, 0)),
        ("next friday 9:30am", at(2026, 6, 12, 9, 30)),
        ("wed 11am", at(2026, 6, 10, 11, 0)),  # today is Wednesday and 11am is still ahead
        ("wed 9am", at(2026, 6, 17, 9, 0)),  # ... 9am has passed: next week
        ("2026-12-03 14:00", at(2026, 12, 3, 14, 0)),
        ("Dec 3 2pm", at(2026, 12, 3, 14, 0)),
        ("3 Dec 14:00", at(2026, 12, 3, 14, 0)),
        ("December 3rd, 2027 at 2 pm", at(2027, 12, 3, 14, 0)),
        ("Jan 5 9am", at(2027, 1, 5, 9, 0)),  # month-name dates without a year look ahead
        ("in 2h", NOW + timedelta(hours=2)),
        ("in 30m", NOW + timedelta(minutes=30)),
        ("in 1h30m", NOW + timedelta(minutes=90)),
        ("in 2 hours", NOW + timedelta(hours=2)),
        ("in 3 days", NOW + timedelta(days=3)),
        ("in a week", NOW + timedelta(days=7)),
        ("in 1 week", NOW + timedelta(days=7)),
        ("in 2 weeks", NOW + timedelta(days=14)),
        ("in an hour", NOW + timedelta(hours=1)),
        ("in a week 9am", at(2026, 6, 17, 9, 0)),  # that day, at the time asked
        ("in a week at 4:30 pm", at(2026, 6, 17, 16, 30)),
        ("in 3 days 9:30", at(2026, 6, 13, 9, 30)),
        ("next week 10am", at(2026, 6, 15, 10, 0)),  # Monday of next week
        ("next week at 9:15", at(2026, 6, 15, 9, 15)),
        ("10am next week", at(2026, 6, 15, 10, 0)),
        ("friday next week 2pm", at(2026, 6, 19, 14, 0)),
        ("next week wed 9am", at(2026, 6, 17, 9, 0)),
    ],
)
def test_accepted_forms(text: str, expected: datetime) -> None:
    result = parse_when(text, now=NOW, tz=BERLIN)
    assert result == expected
    assert result.tzinfo is not None and result.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    ("text", "message_part", "example"),
    [
        ("9am", "in the past", "tomorrow 9am"),
        ("today 9:59", "in the past", "tomorrow 9:59am"),
        ("2026-06-10 10:00", "in the past", None),  # exactly now is not ahead
        ("2025-12-03 14:00", "in the past", None),
        ("tomorrow", "time of day", "tomorrow 3pm"),
        ("12/3 2pm", "Did you mean", "3 dec 2pm"),  # day/month order differs by country: asked
        ("next week", "time of day", "next week 10am"),
        ("in 2 hours 3pm", "couldn't read", None),  # a time of day only after whole days
        ("in 1.5 days 3pm", "couldn't read", None),
        ("next week tomorrow 3pm", "couldn't read", None),
        ("0m ago", "couldn't read", None),
        ("Feb 30 10am", "doesn't exist", None),
        ("2026-13-01 10:00", "doesn't exist", None),
        ("13pm", "couldn't read", None),
        ("25:00", "couldn't read", None),
        ("2040-01-01 10:00", "five years", None),
        ("in 9999 days", "five years", None),
        ("in 0m", "in the past", None),
        ("", "couldn't read", None),
    ],
)
def test_refusals_say_why(text: str, message_part: str, example: str | None) -> None:
    with pytest.raises(WhenError) as caught:
        parse_when(text, now=NOW, tz=BERLIN)
    assert message_part in caught.value.message
    if example is not None:
        assert caught.value.example == example


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("yesterday", "tomorrow 11am"),  # no time asked: the next full hour
        ("yesterday 3pm", "tomorrow 3pm"),
        ("Yesterday at 9:30 am", "tomorrow 9:30am"),
        ("3pm yesterday", "tomorrow 3pm"),
        ("last friday", "friday 11am"),
        ("last friday 10am", "friday 10am"),
        ("last fri at 10am", "friday 10am"),
        ("last wednesday 11am", "wednesday 11am"),  # today is Wednesday and 11am is ahead
        ("last week", "next week 11am"),
        ("last week 10am", "next week 10am"),
        ("2 hours ago", "in 2 hours"),
        ("3 days ago", "in 3 days"),
        ("an hour ago", "in an hour"),
        ("a week ago", "in a week"),
        ("30 min ago", "in 30 min"),
        ("3 days ago at 10am", "in 3 days 10am"),
    ],
)
def test_past_phrasings_are_refused_with_a_future_suggestion(text: str, suggestion: str) -> None:
    assert looks_like_when(text)  # so `/zoom move <id> <text>` gets this hint, not "couldn't read"
    with pytest.raises(WhenError) as caught:
        parse_when(text, now=NOW, tz=BERLIN)
    assert caught.value.message == "That time is in the past."
    assert caught.value.example == suggestion
    assert parse_when(suggestion, now=NOW, tz=BERLIN) > NOW  # the suggestion itself works


def test_past_suggestions_work_late_in_the_evening_and_on_that_weekday() -> None:
    friday_late = datetime(2026, 6, 12, 23, 30, tzinfo=BERLIN)
    for text in ("yesterday", "last friday", "last friday 10am", "last week"):
        with pytest.raises(WhenError) as caught:
            parse_when(text, now=friday_late, tz=BERLIN)
        assert parse_when(caught.value.example, now=friday_late, tz=BERLIN) > friday_late
    with pytest.raises(WhenError) as caught:
        parse_when("last friday 10am", now=friday_late, tz=BERLIN)
    assert parse_when(caught.value.example, now=friday_late, tz=BERLIN) == datetime(
        2026, 6, 19, 10, 0, tzinfo=BERLIN
    )  # the next Friday, since today's 10am has passed


def test_next_week_is_never_this_week() -> None:
    monday = datetime(2026, 6, 15, 8, 0, tzinfo=BERLIN)
    sunday = datetime(2026, 6, 14, 8, 0, tzinfo=BERLIN)
    assert parse_when("next week 10am", now=monday, tz=BERLIN) == datetime(2026, 6, 22, 10, 0, tzinfo=BERLIN)
    assert parse_when("next week 10am", now=sunday, tz=BERLIN) == datetime(2026, 6, 15, 10, 0, tzinfo=BERLIN)


def test_words_like_last_in_a_topic_are_not_a_time() -> None:
    assert not looks_like_when("last retro")
    assert not looks_like_when("week 3pm")


def test_spring_forward_gap_is_refused_with_a_time_that_exists() -> None:
    now = datetime(2026, 3, 28, 12, 0, tzinfo=BERLIN)  # clocks jump 02:00 → 03:00 on 29 March
    with pytest.raises(WhenError) as caught:
        parse_when("tomorrow 2:30am", now=now, tz=BERLIN)
    assert "doesn't exist in Europe/Berlin" in caught.value.message
    suggested = parse_when(caught.value.example, now=now, tz=BERLIN)
    assert suggested == datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN)


def test_fall_back_hour_means_the_first_occurrence() -> None:
    now = datetime(2026, 10, 24, 12, 0, tzinfo=BERLIN)  # 03:00 → 02:00 on 25 October
    result = parse_when("tomorrow 2:30am", now=now, tz=BERLIN)
    assert result.utcoffset() == timedelta(hours=2)  # still summer time
    assert result.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_days_across_a_dst_change_keep_the_wall_clock_time() -> None:
    now = datetime(2026, 3, 7, 12, 0, tzinfo=NEW_YORK)  # US clocks change on 8 March
    result = parse_when("mon 9am", now=now, tz=NEW_YORK)
    assert (result.date(), result.time()) == (date(2026, 3, 9), time(9, 0))
    assert result.utcoffset() == timedelta(hours=-4)


def test_relative_times_are_exact_durations_even_across_dst() -> None:
    now = datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN)
    result = parse_when("in 1h", now=now, tz=BERLIN)
    assert result.astimezone(UTC) - now.astimezone(UTC) == timedelta(hours=1)
    assert result.time() == time(3, 30)  # 02:30 never happened


def test_past_check_uses_real_instants_in_the_repeated_hour() -> None:
    # 02:50 on the second pass (winter time) is later than 02:45 on the first pass.
    now = datetime(2026, 10, 25, 2, 50, fold=1, tzinfo=BERLIN)
    with pytest.raises(WhenError, match="in the past"):
        parse_when("2026-10-25 02:45", now=now, tz=BERLIN)


def test_now_in_another_zone_is_compared_as_an_instant() -> None:
    now_utc = NOW.astimezone(UTC)
    assert parse_when("3pm", now=now_utc, tz=BERLIN) == at(2026, 6, 10, 15, 0)
    with pytest.raises(WhenError):
        parse_when("9am", now=now_utc, tz=BERLIN)


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        parse_when("3pm", now=datetime(2026, 6, 10, 10, 0), tz=BERLIN)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("45m", 45), ("1h", 60), ("1h30m", 90), ("1h30", 90), ("90 min", 90), ("1.5h", 90), ("2 hours", 120),
     ("1 hour 30 minutes", 90), ("90", 90), ("24h", 1440), ("1m", 1)],
)  # fmt: skip
def test_durations(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["0m", "1441m", "25h", "0"])
def test_durations_out_of_range(text: str) -> None:
    with pytest.raises(WhenError, match="between 1 minute and 24 hours"):
        parse_duration(text)


# "ten minutes" used to be refused here; issue 23 makes durations in words understood
@pytest.mark.parametrize("text", ["", "abc", "h", "1.5h 10m", "1x", "-5m", "a few minutes", "a while"])
def test_durations_unreadable(text: str) -> None:
    assert duration_minutes(text) is None
    with pytest.raises(WhenError, match="couldn't read"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow 3pm for 45m", ("tomorrow 3pm", 45)),
        ("tomorrow 3pm FOR 1h 30m", ("tomorrow 3pm", 90)),
        ("tomorrow 3pm", ("tomorrow 3pm", None)),
        ("prep for launch", ("prep for launch", None)),
        ("for 45m", ("", 45)),
    ],
)
def test_split_when_and_duration(text: str, expected: tuple[str, int | None]) -> None:
    assert split_when_and_duration(text) == expected


def test_split_refuses_a_bad_duration() -> None:
    with pytest.raises(WhenError):
        split_when_and_duration("tomorrow 3pm for 2 days")
    with pytest.raises(WhenError):
        split_when_and_duration("tomorrow 3pm for 2000m")


def test_clock_and_shape_helpers() -> None:
    assert parse_clock("8:30") == time(8, 30)
    assert parse_clock("8am") == time(8, 0)
    assert parse_clock("tomorrow 8am") is None
    assert parse_clock("soon") is None
    assert looks_like_when("fri 10am") and not looks_like_when("design review")


def test_local_datetime_refuses_the_gap() -> None:
    with pytest.raises(WhenError):
        local_datetime(date(2026, 3, 8), time(2, 30), NEW_YORK)
    assert local_datetime(date(2026, 3, 8), time(3, 30), NEW_YORK).utcoffset() == timedelta(hours=-4)


ZONES = st.sampled_from(
    [BERLIN, NEW_YORK, ZoneInfo("Asia/Kolkata"), ZoneInfo("Pacific/Chatham"), ZoneInfo("UTC")]
)
WORDS = st.sampled_from(
    [
        "in",
        "at",
        "on",
        "tomorrow",
        "today",
        "mon",
        "dec",
        "3",
        "3pm",
        "15:30",
        "2026-02-29",
        "9999-12-31",
        "0001-01-01",
        "noon",
        "yesterday",
        "last",
        "next",
        "week",
        "ago",
        "a",
        "fri",
        "for",
        "45m",
        "1.5h",
        "99999999d",
        "am",
        "pm",
        "31st",
        "feb",
        "٣",
        "\u200f",
        "\x00",
    ]
)
NOWS = st.datetimes(min_value=datetime(1, 1, 3), max_value=datetime(9999, 12, 29), timezones=st.just(UTC))


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=60), st.lists(WORDS, max_size=6).map(" ".join)), now=NOWS, tz=ZONES)
def test_never_raises_anything_but_when_error(text: str, now: datetime, tz: ZoneInfo) -> None:
    try:
        result = parse_when(text, now=now, tz=tz)
    except WhenError as error:
        assert error.message and error.example
    else:
        assert result.tzinfo is not None and result > now


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(st.text(max_size=40), st.lists(WORDS, max_size=4).map(" ".join)))
def test_duration_helpers_never_raise_anything_else(text: str) -> None:
    minutes = duration_minutes(text)
    assert minutes is None or minutes >= 0
    try:
        split_when_and_duration(text)
        parse_duration(text)
    except WhenError:
        pass
