"""Reading recurring schedules: the forms, Zoom's recurrence object, DST in the caller's zone, refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.series import plan_series, python_weekdays, zoom_recurrence, zoom_weekdays
from bot.services.when import MAX_OCCURRENCES, RecurrenceError, WhenError, read_recurrence
from bot.slack.views.repeat_rules import describe_rule, describe_zoom_rule
from bot.zoom.models import Recurrence

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
# Wednesday 2026-12-02, 10:00 in New York (15:00 UTC)
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=NEW_YORK)


def plan(text: str, *, now: datetime = NOW, tz: ZoneInfo = NEW_YORK) -> tuple[Recurrence, list[datetime]]:
    series = plan_series(read_recurrence(text), now=now, tz=tz)
    return zoom_recurrence(series), list(series.starts)


@pytest.mark.parametrize(
    ("text", "zoom", "first", "count"),
    [
        (
            "every weekday 9am for 15m",
            {"type": 2, "repeat_interval": 1, "weekly_days": "2,3,4,5,6", "end_times": 60},
            datetime(2026, 12, 3, 9, 0, tzinfo=NEW_YORK),  # 9am today has passed: Thursday
            60,
        ),
        (
            "every monday 10am",
            {"type": 2, "repeat_interval": 1, "weekly_days": "2", "end_times": 60},
            datetime(2026, 12, 7, 10, 0, tzinfo=NEW_YORK),
            60,
        ),
        (
            "every day 8:30",
            {"type": 1, "repeat_interval": 1, "end_times": 60},
            datetime(2026, 12, 3, 8, 30, tzinfo=NEW_YORK),
            60,
        ),
        (
            "every Mon, Wed and Fri at 10:30am x10",
            {"type": 2, "repeat_interval": 1, "weekly_days": "2,4,6", "end_times": 10},
            datetime(2026, 12, 2, 10, 30, tzinfo=NEW_YORK),  # today, still ahead
            10,
        ),
        (
            "every 2 weeks on fri 3pm 6 times",
            {"type": 2, "repeat_interval": 2, "weekly_days": "6", "end_times": 6},
            datetime(2026, 12, 4, 15, 0, tzinfo=NEW_YORK),
            6,
        ),
        (
            "every other sunday noon x3",
            {"type": 2, "repeat_interval": 2, "weekly_days": "1", "end_times": 3},
            datetime(2026, 12, 6, 12, 0, tzinfo=NEW_YORK),
            3,
        ),
        (
            "every 3 days 7am x4",
            {"type": 1, "repeat_interval": 3, "end_times": 4},
            datetime(2026, 12, 3, 7, 0, tzinfo=NEW_YORK),
            4,
        ),
        (
            "every month on the 1st 9am x12",
            {"type": 3, "repeat_interval": 1, "monthly_day": 1, "end_times": 12},
            datetime(2027, 1, 1, 9, 0, tzinfo=NEW_YORK),
            12,
        ),
    ],
)
def test_forms_become_zooms_recurrence(
    text: str, zoom: dict[str, object], first: datetime, count: int
) -> None:
    recurrence, starts = plan(text)
    assert recurrence.to_zoom() == zoom
    assert starts[0] == first and len(starts) == count


def test_every_weekday_skips_weekends_and_keeps_nine_local() -> None:
    _, starts = plan("every weekday 9am x10")
    assert [s.weekday() for s in starts] == [3, 4, 0, 1, 2, 3, 4, 0, 1, 2]
    assert all(s.astimezone(NEW_YORK).time() == time(9) for s in starts)


def test_every_two_weeks_counts_weeks_from_the_first_meeting() -> None:
    _, starts = plan("every 2 weeks on tue,thu 4pm x4")
    assert [s.date() for s in starts] == [
        date(2026, 12, 3),
        date(2026, 12, 15),
        date(2026, 12, 17),
        date(2026, 12, 29),
    ]


def test_a_monthly_day_skips_months_without_it() -> None:
    _, starts = plan("every month on the 31st 9am x3")
    assert [s.date() for s in starts] == [date(2026, 12, 31), date(2027, 1, 31), date(2027, 3, 31)]


def test_duration_and_end_come_in_either_order() -> None:
    a = read_recurrence("every weekday 9am for 15m until Dec 18")
    b = read_recurrence("every weekday 9am until Dec 18 for 15m")
    assert a == b and a.duration == 15 and a.until_text == "Dec 18"


def test_until_ends_the_series_that_day_in_the_callers_zone() -> None:
    recurrence, starts = plan("every weekday 9am until Dec 18")
    assert starts[-1] == datetime(2026, 12, 18, 9, 0, tzinfo=NEW_YORK) and len(starts) == 12
    assert recurrence.end_times is None
    assert recurrence.end_date_time == datetime(2026, 12, 18, 23, 59, 59, tzinfo=NEW_YORK)
    assert recurrence.to_zoom()["end_date_time"] == "2026-12-19T04:59:59Z"


def test_no_end_asks_for_zooms_maximum() -> None:
    series = plan_series(read_recurrence("every day 9am"), now=NOW, tz=NEW_YORK)
    assert series.default_end and len(series.starts) == MAX_OCCURRENCES == 60


# --- DST in the caller's zone ------------------------------------------------------------------


def test_a_daily_meeting_keeps_its_wall_clock_when_new_york_falls_back() -> None:
    now = datetime(2026, 10, 29, 12, 0, tzinfo=NEW_YORK)
    _, starts = plan("every day 9am x5", now=now)
    assert [s.astimezone(NEW_YORK).hour for s in starts] == [9] * 5
    # Fri 30 Oct, Sat 31 Oct on EDT (13:00 UTC); from Sun 1 Nov (clocks back at 2am) EST, 14:00 UTC.
    assert [s.astimezone(UTC).hour for s in starts] == [13, 13, 14, 14, 14]


def test_a_weekly_meeting_keeps_its_wall_clock_when_berlin_springs_forward() -> None:
    now = datetime(2027, 3, 20, 12, 0, tzinfo=BERLIN)
    _, starts = plan("every mon 9:30 x2", now=now, tz=BERLIN)
    assert [s.astimezone(UTC).hour for s in starts] == [8, 7]  # CET then CEST (28 Mar 2027)
    assert all(s.astimezone(BERLIN).time() == time(9, 30) for s in starts)


def test_a_first_meeting_in_the_spring_forward_gap_is_refused() -> None:
    now = datetime(2027, 3, 13, 12, 0, tzinfo=NEW_YORK)  # Sat; clocks jump 2:00 → 3:00 on Sun 14 Mar
    with pytest.raises(WhenError, match="jump forward"):
        plan("every sunday 2:30am", now=now)


def test_later_occurrences_in_the_gap_land_when_the_clocks_say() -> None:
    now = datetime(2027, 3, 12, 12, 0, tzinfo=NEW_YORK)
    _, starts = plan("every day 2:30am x3", now=now)
    # Sat 2:30 EST, Sun 14 Mar has no 2:30 (the same instant reads 3:30 EDT), Mon 2:30 EDT.
    assert [s.astimezone(UTC) - starts[0].astimezone(UTC) for s in starts] == [
        timedelta(0),
        timedelta(hours=24),
        timedelta(hours=47),
    ]


# --- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("every", "how often"),
        ("every 0 weeks on fri 3pm", "at least every 1"),
        ("every blursday 9am", "`blursday`"),
        ("every weekday", "time of day"),
        ("every week 9am", "which day"),
        ("every month 9am", "day of the month"),
        ("every month on the 32nd 9am", "day of the month"),
        ("every 2 weekdays 9am", "name the days"),
        ("every 100 days 9am", "99 days"),
        ("every 51 weeks on mon 9am", "50 weeks"),
        ("every 11 months on the 1st 9am", "10 months"),
        ("every weekday 9am x61", "1 to 60"),
        ("every weekday 9am x0", "1 to 60"),
        ("every weekday 9am until", "until when"),
        ("every weekday 25:00", "time of day"),
        ("every weekday 9am for 2000m", "24 hours"),
    ],
)
def test_bad_recurrences_say_what_is_wrong(text: str, words: str) -> None:
    with pytest.raises(WhenError) as caught:
        plan(text)
    assert words in caught.value.message
    assert caught.value.example  # always a form to copy


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("every day 9am until 2026-11-01", "in the past"),
        ("every day 9am until blursday", "until 2027-03-31"),
        ("every day 9am until 2027-06-01", "more than 60"),
    ],
)
def test_bad_end_dates_are_refused_not_cut_short(text: str, words: str) -> None:
    with pytest.raises(RecurrenceError, match=words):
        plan(text)


# --- Zoom's weekly_days and describing ----------------------------------------------------------


def test_weekly_days_use_zooms_numbers_sunday_first() -> None:
    assert zoom_weekdays(frozenset({0, 1, 2, 3, 4})) == "2,3,4,5,6"
    assert zoom_weekdays(frozenset({6, 5})) == "1,7"
    for days in ({0}, {6}, {2, 6}, set(range(7))):
        assert python_weekdays(zoom_weekdays(frozenset(days))) == days


@pytest.mark.parametrize(
    ("recurrence", "words"),
    [
        (Recurrence(type=2, weekly_days="2,3,4,5,6"), "every weekday"),
        (Recurrence(type=2, weekly_days="2,4"), "every Mon, Wed"),
        (Recurrence(type=2, repeat_interval=2, weekly_days="6"), "every 2 weeks on Fri"),
        (Recurrence(type=1), "every day"),
        (Recurrence(type=1, repeat_interval=3), "every 3 days"),
        (Recurrence(type=3, monthly_day=1), "every month on the 1st"),
        (Recurrence(type=3, repeat_interval=2, monthly_day=22), "every 2 months on the 22nd"),
    ],
)
def test_zooms_rule_in_words(recurrence: Recurrence, words: str) -> None:
    assert describe_zoom_rule(recurrence) == words


def test_words_round_trip_through_zoom() -> None:
    for text in (
        "every weekday 9am",
        "every 2 weeks on fri 3pm",
        "every tue,thu 4pm",
        "every month on the 3rd 9am",
    ):
        repeat = read_recurrence(text)
        recurrence = zoom_recurrence(plan_series(repeat, now=NOW, tz=NEW_YORK))
        assert describe_zoom_rule(recurrence) == describe_rule(
            repeat.kind, repeat.interval, repeat.weekdays, repeat.month_day
        )


# --- never anything but a hint --------------------------------------------------------------------

WORDS = st.sampled_from(
    ["every", "other", "2", "0", "99", "weekday", "weekend", "week", "weeks", "on", "the", "mon", "fri,",
     "sun", "month", "1st", "31st", "day", "9am", "8:30", "noon", "for", "15m", "until", "dec", "1", "x10",
     "times", ",", "and", "blursday", "2027-03-01", "at", "tomorrow"]
)  # fmt: skip
ZONES = st.sampled_from([NEW_YORK, BERLIN, ZoneInfo("Asia/Kolkata"), ZoneInfo("Australia/Lord_Howe"), UTC])
NOWS = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC))


@settings(max_examples=400, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=60), st.lists(WORDS, max_size=9).map(" ".join).map(lambda t: "every " + t)
    ),
    now=NOWS,
    tz=ZONES,
)
def test_any_text_gives_a_plan_or_a_hint(text: str, now: datetime, tz: ZoneInfo) -> None:
    try:
        series = plan_series(read_recurrence(text), now=now, tz=tz)
    except WhenError as error:
        assert error.message and error.example
        return
    assert 1 <= len(series.starts) <= MAX_OCCURRENCES
    assert all(s.astimezone(UTC) > now for s in series.starts)
    assert list(series.starts) == sorted(series.starts)
    zoom_recurrence(series).to_zoom()  # always a valid object for Zoom
