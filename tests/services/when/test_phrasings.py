"""The phrasing table: times the way people write them in Slack, by category, each read in three
zones on four Fridays at 10:00 that sit just before the US and European DST changes (the clocks
change on the Sunday after 2026-03-06 in New York, after 2026-03-27 in Berlin, after 2026-10-23
in Berlin and after 2026-10-30 in New York; Kolkata never changes). Every "now" is a Friday at
10:00 local, so a day-and-clock answer is the same in every zone and week: the table holds the
answer once and the test proves it everywhere, across the change.

Categories: durations in words, dates, clock forms, relative forms, series without "every",
ranges, and the ambiguous (asked, never guessed). The share of each is in ``test_table_shares``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.services.series import plan_series, zoom_recurrence
from bot.services.when import AmbiguousWhen, WhenError, read_recurrence, read_when
from bot.slack.grammar import Schedule
from bot.slack.hints import UsageError
from bot.slack.subcommands import parse_command

ZONES = ("America/New_York", "Europe/Berlin", "Asia/Kolkata")
FRIDAYS = (date(2026, 3, 6), date(2026, 3, 27), date(2026, 10, 23), date(2026, 10, 30))
NOWS = [(zone, day) for zone in ZONES for day in FRIDAYS]
NOW_IDS = [f"{zone.split('/')[1]}-{day:%m%d}" for zone, day in NOWS]


def now_at(zone: str, day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=ZoneInfo(zone))


# --- durations in words: text after "for" → minutes --------------------------------------------
DURATIONS = [
    ("an hour", 60), ("1 hour", 60), ("one hour", 60), ("a hour", 60), ("half an hour", 30),
    ("half hour", 30), ("a half hour", 30), ("1/2 hour", 30), ("1/2 an hour", 30), ("30 minutes", 30),
    ("thirty minutes", 30), ("an hour and a half", 90), ("1 hour and a half", 90),
    ("one and a half hours", 90), ("1 and a half hours", 90), ("1 1/2 hours", 90), ("ninety minutes", 90),
    ("90 mins", 90), ("a couple of hours", 120), ("a couple hours", 120), ("couple of hours", 120),
    ("two hours", 120), ("2 and a half hours", 150), ("two and a half hours", 150),
    ("2 hours and a half", 150),
    ("three hours", 180), ("a quarter of an hour", 15), ("a quarter hour", 15), ("quarter of an hour", 15),
    ("three quarters of an hour", 45), ("forty-five minutes", 45), ("fortyfive minutes", 45),
    ("forty five minutes", 45), ("fifteen minutes", 15), ("twenty minutes", 20), ("ten minutes", 10),
    ("five minutes", 5), ("an hour 30", 90), ("1 hour 15 minutes", 75), ("1h 15m", 75), ("2 hrs", 120),
    ("one hr", 60), ("sixty minutes", 60), ("a minute", 1), ("twelve hours", 720),
]  # fmt: skip
NOT_DURATIONS = ["a while", "the team", "launch", "a few minutes", "some time", "ever"]

# --- a day and a clock: text → (days after the Friday, hour, minute) ----------------------------
CLOCKS = [
    ("8 tonight", 0, 20, 0), ("8pm tonight", 0, 20, 0), ("tonight at 8", 0, 20, 0),
    ("tonight at 7:30", 0, 19, 30),
    ("at 9 tonight", 0, 21, 0), ("9:15 tonight", 0, 21, 15), ("noon tomorrow", 1, 12, 0),
    ("tomorrow at noon", 1, 12, 0), ("tomorrow noon", 1, 12, 0), ("midday tomorrow", 1, 12, 0),
    ("noon", 0, 12, 0),
    ("half past 3", 0, 15, 30), ("half past 3 tomorrow", 1, 15, 30), ("tomorrow at half past 11", 1, 11, 30),
    ("half past 10", 0, 10, 30), ("quarter past 4", 0, 16, 15), ("a quarter past 4", 0, 16, 15),
    ("quarter to 10 tomorrow", 1, 9, 45), ("quarter to 3", 0, 14, 45), ("a quarter to 5 monday", 3, 16, 45),
    ("quarter to 1", 0, 12, 45), ("quarter till 2", 0, 13, 45), ("quarter of 4 tomorrow", 1, 15, 45),
    ("3 o'clock in the afternoon", 0, 15, 0), ("3 oclock", 0, 15, 0), ("11 o'clock", 0, 11, 0),
    ("9 o'clock tomorrow", 1, 9, 0), ("tomorrow at 9 o'clock", 1, 9, 0),
    ("8 in the morning tomorrow", 1, 8, 0),
    ("tomorrow 7 in the morning", 1, 7, 0), ("4 in the afternoon", 0, 16, 0), ("6 in the evening", 0, 18, 0),
    ("7 this evening", 0, 19, 0), ("this evening at 6", 0, 18, 0), ("this afternoon at 2", 0, 14, 0),
    ("tomorrow morning at 9", 1, 9, 0), ("tomorrow afternoon at 3", 1, 15, 0),
    ("monday morning at 8:30", 3, 8, 30),
    ("1730", 0, 17, 30), ("at 1730", 0, 17, 30), ("1730 tomorrow", 1, 17, 30), ("0900 monday", 3, 9, 0),
    ("1400hrs", 0, 14, 0), ("1400 hrs tomorrow", 1, 14, 0), ("17h30", 0, 17, 30), ("9h15 tomorrow", 1, 9, 15),
    ("14h00 monday", 3, 14, 0), ("midnight", 1, 0, 0), ("midnight tonight", 1, 0, 0),
    ("at midnight", 1, 0, 0),
    ("3:30", 0, 15, 30), ("at 3:30", 0, 15, 30), ("tomorrow 2:15", 1, 14, 15), ("monday 4:45", 3, 16, 45),
    ("tomorrow at 9", 1, 9, 0), ("tomorrow at 11", 1, 11, 0), ("monday at 10", 3, 10, 0),
    ("friday at 4", 0, 16, 0),
    ("at 1 tomorrow", 1, 13, 0), ("at 12 tomorrow", 1, 12, 0), ("tuesday at 8", 4, 8, 0),
    ("11:15", 0, 11, 15),
    ("tomorrow 09:30", 1, 9, 30), ("tomorrow 07:30", 1, 7, 30), ("tomorrow 19:30", 1, 19, 30),
    ("tomorrow 3pm", 1, 15, 0), ("3pm tomorrow", 1, 15, 0), ("mon 9am", 3, 9, 0), ("friday 9am", 7, 9, 0),
    ("Tomorrow at 3 PM", 1, 15, 0), ("tmrw 10am", 1, 10, 0), ("next tuesday 2pm", 4, 14, 0),
    ("monday next week at 11am", 3, 11, 0), ("friday next week 3pm", 7, 15, 0), ("sunday 6pm", 2, 18, 0),
]  # fmt: skip
CLOCK_NOTES = ["3:30", "half past 3", "friday at 4", "tomorrow 2:15"]  # said in the reply

# --- dates: text → (month, day, hour, minute), the next such day that is still ahead ----------
DATES = [
    ("12/15 3pm", 12, 15, 15, 0), ("12/15 at 3pm", 12, 15, 15, 0), ("on 12/15 at 10am", 12, 15, 10, 0),
    ("15/12 3pm", 12, 15, 15, 0), ("12/25 9am", 12, 25, 9, 0), ("25/12 9am", 12, 25, 9, 0),
    ("15.12. 14:00", 12, 15, 14, 0), ("15.12. 2pm", 12, 15, 14, 0), ("3.11. 9am", 11, 3, 9, 0),
    ("1.12. at 10am", 12, 1, 10, 0), ("24.12. 11am", 12, 24, 11, 0), ("7/7 9am", 7, 7, 9, 0),
    ("Dec 15th 3pm", 12, 15, 15, 0), ("Dec 15 3pm", 12, 15, 15, 0), ("December 15th at 3pm", 12, 15, 15, 0),
    ("15 December 3pm", 12, 15, 15, 0), ("15th December 10am", 12, 15, 10, 0),
    ("15 Dec at 2pm", 12, 15, 14, 0),
    ("on Dec 1st at 9am", 12, 1, 9, 0), ("nov 3rd 4pm", 11, 3, 16, 0), ("Nov 30 10:30am", 11, 30, 10, 30),
    ("January 2nd 9am", 1, 2, 9, 0), ("jan 22nd 1pm", 1, 22, 13, 0), ("feb 14 noon", 2, 14, 12, 0),
    ("31 May 9am", 5, 31, 9, 0), ("june 1st 8am", 6, 1, 8, 0), ("sept 9 9am", 9, 9, 9, 0),
    ("Dec 15th at 3", 12, 15, 15, 0), ("12/15 half past 3", 12, 15, 15, 30), ("15.12. 17h30", 12, 15, 17, 30),
]  # fmt: skip
# "the 15th": day of month only → (day, hour, minute): this month's if still ahead, else the next month's
MONTH_DAYS = [
    ("the 15th at 2pm", 15, 14, 0), ("on the 3rd at 9am", 3, 9, 0), ("the 1st at 10am", 1, 10, 0),
    ("the 20th 3pm", 20, 15, 0), ("on the 28th at noon", 28, 12, 0), ("the 2nd at 11", 2, 11, 0),
    ("the 22nd at 4:30pm", 22, 16, 30), ("the 9th at 9", 9, 9, 0),
]  # fmt: skip
# the caller's Slack language decides 11/12 → (locale, text, month, day)
LOCALE_DATES = [
    ("en-US", "11/12 3pm", 11, 12), ("en-GB", "11/12 3pm", 12, 11), ("de-DE", "11/12 3pm", 12, 11),
    ("fr-FR", "4/5 10am", 5, 4), ("en-US", "4/5 10am", 4, 5), ("ja-JP", "4/5 10am", 4, 5),
    ("en-AU", "1/2 9am", 2, 1), ("en-US", "1/2 9am", 1, 2), ("es-ES", "10/11 14:00", 11, 10),
    ("en_US", "10/11 14:00", 10, 11), ("en-GB", "12/25 9am", 12, 25), ("en-US", "25/12 9am", 12, 25),
]  # fmt: skip

# --- relative: text → an exact span from now, or (days, hour, minute) ---------------------------
RELATIVE_SPANS = [
    ("in half an hour", 30), ("in a half hour", 30), ("in an hour", 60), ("in one hour", 60),
    ("in a couple of hours", 120), ("in a couple hours", 120), ("in two hours", 120),
    ("3 hours from now", 180),
    ("three hours from now", 180), ("an hour from now", 60), ("half an hour from now", 30),
    ("in an hour and a half", 90), ("in ninety minutes", 90), ("in 45 minutes", 45),
    ("in twenty minutes", 20),
    ("in fifteen minutes", 15), ("in a quarter of an hour", 15), ("20 minutes from now", 20), ("in 2h", 120),
    ("in 1h30m", 90), ("2 hours later", 120), ("in ten minutes", 10), ("in five minutes", 5),
]  # fmt: skip
RELATIVE_DAYS = [
    ("a week from tomorrow at 10am", 8, 10, 0), ("a week from today at 3pm", 7, 15, 0),
    ("2 days from tomorrow at 9am", 3, 9, 0), ("one week from tomorrow at 11am", 8, 11, 0),
    ("in a week at 10am", 7, 10, 0), ("in 3 days at 9:30am", 3, 9, 30), ("in two days at 4pm", 2, 16, 0),
    ("2 weeks from today at noon", 14, 12, 0), ("a day from tomorrow at 1pm", 2, 13, 0),
]  # fmt: skip

# --- series without "every": text → (kind, interval, weekdays, month_day, month_week, hour, minute, count)
SERIES = [
    ("daily at 9", "daily", 1, (), None, None, 9, 0, None),
    ("daily at 9am", "daily", 1, (), None, None, 9, 0, None),
    ("daily 10:30am", "daily", 1, (), None, None, 10, 30, None),
    ("everyday at 8:45am", "daily", 1, (), None, None, 8, 45, None),
    ("weekdays at 9am", "weekly", 1, (0, 1, 2, 3, 4), None, None, 9, 0, None),
    ("weekdays at 9:15", "weekly", 1, (0, 1, 2, 3, 4), None, None, 9, 15, None),
    ("weekdays 9am 10x", "weekly", 1, (0, 1, 2, 3, 4), None, None, 9, 0, 10),
    ("weekdays at 9am 10 times", "weekly", 1, (0, 1, 2, 3, 4), None, None, 9, 0, 10),
    ("workdays at 8:30am", "weekly", 1, (0, 1, 2, 3, 4), None, None, 8, 30, None),
    ("mondays and thursdays at 2pm", "weekly", 1, (0, 3), None, None, 14, 0, None),
    ("mondays at 10am", "weekly", 1, (0,), None, None, 10, 0, None),
    ("on tuesdays at 3", "weekly", 1, (1,), None, None, 15, 0, None),
    ("tuesdays and fridays at 11am x6", "weekly", 1, (1, 4), None, None, 11, 0, 6),
    ("mondays, wednesdays and fridays at 9am", "weekly", 1, (0, 2, 4), None, None, 9, 0, None),
    ("weekly on tue 3pm", "weekly", 1, (1,), None, None, 15, 0, None),
    ("weekly on tue at 3pm", "weekly", 1, (1,), None, None, 15, 0, None),
    ("weekly on monday at 10", "weekly", 1, (0,), None, None, 10, 0, None),
    ("biweekly on fri 2pm", "weekly", 2, (4,), None, None, 14, 0, None),
    ("fortnightly on wednesday at 4pm", "weekly", 2, (2,), None, None, 16, 0, None),
    ("every other week on tue 10am", "weekly", 2, (1,), None, None, 10, 0, None),
    ("every other week on thursday at 4pm", "weekly", 2, (3,), None, None, 16, 0, None),
    ("every other monday at 9am", "weekly", 2, (0,), None, None, 9, 0, None),
    ("the first friday of every month at 4pm", "monthly", 1, (4,), None, 1, 16, 0, None),
    ("first friday of the month at 10am", "monthly", 1, (4,), None, 1, 10, 0, None),
    ("every first monday of the month at 9am", "monthly", 1, (0,), None, 1, 9, 0, None),
    ("the last thursday of the month at 3pm", "monthly", 1, (3,), None, -1, 15, 0, None),
    ("the last friday of every month at 4pm x6", "monthly", 1, (4,), None, -1, 16, 0, 6),
    ("the second tuesday of each month at 11am", "monthly", 1, (1,), None, 2, 11, 0, None),
    ("the third wednesday of the month at 2pm", "monthly", 1, (2,), None, 3, 14, 0, None),
    ("monthly on the last friday 3pm", "monthly", 1, (4,), None, -1, 15, 0, None),
    ("monthly on the first monday at 9am", "monthly", 1, (0,), None, 1, 9, 0, None),
    ("every month on the 4th 9am", "monthly", 1, (), 4, None, 9, 0, None),
    ("every month on the 4th at 9am", "monthly", 1, (), 4, None, 9, 0, None),
    ("monthly on the 15th at 10am", "monthly", 1, (), 15, None, 10, 0, None),
    ("monthly on the 1st at noon", "monthly", 1, (), 1, None, 12, 0, None),
    ("every 2 months on the first monday 9am", "monthly", 2, (0,), None, 1, 9, 0, None),
    ("daily at 9 for half an hour x10", "daily", 1, (), None, None, 9, 0, 10),
    ("weekdays at 9am for 15 minutes", "weekly", 1, (0, 1, 2, 3, 4), None, None, 9, 0, None),
]  # fmt: skip
# the clock before the rule: (whole schedule text, topic, hour, minute, weekdays)
CLOCK_FIRST = [
    ("Standup at 10am every monday", "Standup", 10, 0, (0,)),
    ("Standup at 9:30am weekdays", "Standup", 9, 30, (0, 1, 2, 3, 4)),
    ("Sync 2pm every tuesday and thursday", "Sync", 14, 0, (1, 3)),
    ("Retro at 4pm every other friday", "Retro", 16, 0, (4,)),
    ("Standup at 9 every weekday", "Standup", 9, 0, (0, 1, 2, 3, 4)),
]

# --- ranges: schedule text → (topic, days, hour, minute, minutes) ------------------------------
RANGES = [
    ("Design review 3-4pm", "Design review", 0, 15, 0, 60),
    ("Design review from 2:30 to 4", "Design review", 0, 14, 30, 90),
    ("Review friday 9 to 11am", "Review", 7, 9, 0, 120), ("Review 11-1pm tomorrow", "Review", 1, 11, 0, 120),
    ("Sync tomorrow 3pm-4:30pm", "Sync", 1, 15, 0, 90), ("Sync tomorrow 10:00–11:30", "Sync", 1, 10, 0, 90),
    ("Sync monday 2 to 3pm", "Sync", 3, 14, 0, 60), ("Offsite monday 9am-5pm", "Offsite", 3, 9, 0, 480),
    ("Lunch tomorrow 12-1", "Lunch", 1, 12, 0, 60), ("Call tomorrow from 4 to 5pm", "Call", 1, 16, 0, 60),
    ("Call from 3 to 3:30 tomorrow", "Call", 1, 15, 0, 30), ("1:1 monday 11:30-12", "1:1", 3, 11, 30, 30),
    ("Workshop tomorrow 1-3pm", "Workshop", 1, 13, 0, 120), ("Demo 4pm-5pm", "Demo", 0, 16, 0, 60),
    ("Planning 15:00-16:30 tomorrow", "Planning", 1, 15, 0, 90),
    ("Prep tomorrow 8 till 9am", "Prep", 1, 8, 0, 60),
    ('"Board" tomorrow 2-4pm', "Board", 1, 14, 0, 120),
    ("Interview tuesday 10-10:45am", "Interview", 4, 10, 0, 45),
]  # fmt: skip

# --- two readings: asked, never guessed (text, the labels' times of day or days offered) --------
AMBIGUOUS = [
    "3/4 2pm",
    "4/3 2pm",
    "12/11 3pm",
    "6/7 10am",
    "1/2 9am",
    "10/11 14:00",
    "5/6 at noon",
    "2/3 at 4pm",
    "tomorrow 7:30",
    "tomorrow at 6",
    "monday at 7",
    "tomorrow 6:45",
    "7:15 tomorrow",
    "at 6 monday",
    "3/4 7:30",
    "tuesday 7:00",
]
# never read: refused (and so nothing is made), whatever the zone
REFUSED = [
    "2 tonight",
    "12 tonight",
    "13:61",
    "25:00",
    "4-3pm tomorrow",
    "32/12 3pm",
    "15.13. 3pm",
    "the 35th at 9am",
]


@pytest.mark.parametrize(("words", "minutes"), DURATIONS)
def test_durations_in_words(words: str, minutes: int) -> None:
    command = parse_command(f'schedule "Sync" tomorrow 3pm for {words}')
    assert isinstance(command, Schedule), command
    assert command.duration_minutes == minutes and command.when_text == "tomorrow 3pm"


@pytest.mark.parametrize("words", NOT_DURATIONS)
def test_words_after_for_that_are_no_duration_stay_in_the_topic(words: str) -> None:
    command = parse_command(f"schedule Prep for {words} tomorrow 3pm")
    assert isinstance(command, Schedule), command
    assert command.topic == f"Prep for {words}" and command.duration_minutes is None


def _day_and_clock(text: str, zone: str, friday: date, locale: str | None = None) -> datetime:
    return read_when(text, now=now_at(zone, friday), tz=ZoneInfo(zone), locale=locale).start


@pytest.mark.parametrize(("zone", "friday"), NOWS, ids=NOW_IDS)
@pytest.mark.parametrize(("text", "days", "hour", "minute"), CLOCKS)
def test_clock_forms(text: str, days: int, hour: int, minute: int, zone: str, friday: date) -> None:
    start = _day_and_clock(text, zone, friday)
    assert (start.date(), start.hour, start.minute) == (friday + timedelta(days=days), hour, minute)
    assert start.tzinfo == ZoneInfo(zone)


@pytest.mark.parametrize("text", CLOCK_NOTES)
def test_a_clock_without_am_pm_read_by_working_hours_says_so(text: str) -> None:
    reading = read_when(text, now=now_at(ZONES[0], FRIDAYS[0]), tz=ZoneInfo(ZONES[0]))
    assert reading.start.hour >= 12 and any("working hours" in note for note in reading.notes)


def _next(month: int, day: int, clock: time, now: datetime) -> date:
    for year in (now.year, now.year + 1):
        if datetime.combine(date(year, month, day), clock, tzinfo=now.tzinfo) > now:
            return date(year, month, day)
    raise AssertionError("unreachable")


@pytest.mark.parametrize(("zone", "friday"), NOWS, ids=NOW_IDS)
@pytest.mark.parametrize(("text", "month", "day", "hour", "minute"), DATES)
def test_dates_as_people_write_them(
    text: str, month: int, day: int, hour: int, minute: int, zone: str, friday: date
) -> None:
    start = _day_and_clock(text, zone, friday)
    now = now_at(zone, friday)
    assert start.date() == _next(month, day, time(hour, minute), now) and (start.hour, start.minute) == (
        hour,
        minute,
    )


@pytest.mark.parametrize(("zone", "friday"), NOWS, ids=NOW_IDS)
@pytest.mark.parametrize(("text", "day", "hour", "minute"), MONTH_DAYS)
def test_the_nth_is_the_next_such_day(
    text: str, day: int, hour: int, minute: int, zone: str, friday: date
) -> None:
    start = _day_and_clock(text, zone, friday)
    expected = friday if friday.day <= day else (friday.replace(day=1) + timedelta(days=32)).replace(day=1)
    expected = expected.replace(day=day)
    assert (start.date(), start.hour, start.minute) == (expected, hour, minute)


@pytest.mark.parametrize(("locale", "text", "month", "day"), LOCALE_DATES)
def test_numeric_dates_follow_the_callers_slack_language(
    locale: str, text: str, month: int, day: int
) -> None:
    for zone in ZONES:
        start = _day_and_clock(text, zone, FRIDAYS[3], locale)
        assert (start.month, start.day) == (month, day)


@pytest.mark.parametrize(("zone", "friday"), NOWS, ids=NOW_IDS)
@pytest.mark.parametrize(("text", "minutes"), RELATIVE_SPANS)
def test_relative_spans_are_exact_even_across_the_dst_change(
    text: str, minutes: int, zone: str, friday: date
) -> None:
    now = now_at(zone, friday)
    start = _day_and_clock(text, zone, friday)
    assert start.astimezone(UTC) - now.astimezone(UTC) == timedelta(minutes=minutes)


@pytest.mark.parametrize(("zone", "friday"), NOWS, ids=NOW_IDS)
@pytest.mark.parametrize(("text", "days", "hour", "minute"), RELATIVE_DAYS)
def test_relative_days_keep_the_wall_clock(
    text: str, days: int, hour: int, minute: int, zone: str, friday: date
) -> None:
    start = _day_and_clock(text, zone, friday)
    assert (start.date(), start.hour, start.minute) == (friday + timedelta(days=days), hour, minute)


@pytest.mark.parametrize(("zone", "friday"), NOWS, ids=NOW_IDS)
@pytest.mark.parametrize(
    ("text", "kind", "interval", "weekdays", "month_day", "month_week", "hour", "minute", "count"), SERIES
)
def test_series_without_every(
    text: str, kind: str, interval: int, weekdays: tuple[int, ...], month_day: int | None,
    month_week: int | None, hour: int, minute: int, count: int | None, zone: str, friday: date,
) -> None:  # fmt: skip
    repeat = read_recurrence(text)
    assert (repeat.kind, repeat.interval, repeat.weekdays, repeat.month_day, repeat.month_week) == (
        kind, interval, frozenset(weekdays), month_day, month_week,
    )  # fmt: skip
    assert (repeat.clock, repeat.count) == (time(hour, minute), count)
    plan = plan_series(repeat, now=now_at(zone, friday), tz=ZoneInfo(zone))
    assert plan.first > now_at(zone, friday)
    for start in plan.starts:  # the wall clock holds across the DST change
        assert (start.hour, start.minute) == (hour, minute)
        if kind == "weekly":
            assert start.weekday() in weekdays
        if month_week is not None:
            (weekday,) = weekdays
            assert start.weekday() == weekday
            following = start + timedelta(days=7)
            assert (
                1 <= (start.day - 1) // 7 + 1 == month_week
                if month_week > 0
                else following.month != start.month
            )
        if month_day is not None:
            assert start.day == month_day
    if month_week is not None:
        sent = zoom_recurrence(plan)
        assert (sent.monthly_week, sent.monthly_week_day) == (month_week, (weekdays[0] + 1) % 7 + 1)


@pytest.mark.parametrize(("text", "topic", "hour", "minute", "weekdays"), CLOCK_FIRST)
def test_the_clock_before_the_rule(
    text: str, topic: str, hour: int, minute: int, weekdays: tuple[int, ...]
) -> None:
    command = parse_command(f"schedule {text}")
    assert isinstance(command, Schedule) and command.repeat is not None, command
    assert command.topic == topic and command.repeat.clock == time(hour, minute)
    assert command.repeat.weekdays == frozenset(weekdays)


@pytest.mark.parametrize(("zone", "friday"), NOWS, ids=NOW_IDS)
@pytest.mark.parametrize(("text", "topic", "days", "hour", "minute", "minutes"), RANGES)
def test_ranges_are_a_start_and_a_length(
    text: str, topic: str, days: int, hour: int, minute: int, minutes: int, zone: str, friday: date
) -> None:
    command = parse_command(f"schedule {text}")
    assert isinstance(command, Schedule), command
    assert command.topic == topic and command.duration_minutes == minutes
    start = _day_and_clock(command.when_text, zone, friday)
    assert (start.date(), start.hour, start.minute) == (friday + timedelta(days=days), hour, minute)


@pytest.mark.parametrize(("zone", "friday"), NOWS, ids=NOW_IDS)
@pytest.mark.parametrize("text", AMBIGUOUS)
def test_two_readings_are_asked_with_both(text: str, zone: str, friday: date) -> None:
    now = now_at(zone, friday)
    with pytest.raises(AmbiguousWhen) as asked:
        read_when(text, now=now, tz=ZoneInfo(zone))
    readings = set()
    for choice in asked.value.choices:  # each offered reading reads on its own, and differently
        start = read_when(choice.text, now=now, tz=ZoneInfo(zone)).start
        assert choice.label == f"{start:%a %d %b}, {start:%H:%M}"
        readings.add(start)
    assert len(readings) == len(asked.value.choices) >= 1


def test_a_day_and_a_clock_both_ambiguous_offer_every_combination() -> None:
    now = now_at(ZONES[0], FRIDAYS[0])
    with pytest.raises(AmbiguousWhen) as asked:
        read_when("3/4 7:30", now=now, tz=ZoneInfo(ZONES[0]))
    starts = {read_when(c.text, now=now, tz=ZoneInfo(ZONES[0])).start for c in asked.value.choices}
    assert {(s.month, s.day, s.hour) for s in starts} == {(3, 4, 7), (3, 4, 19), (4, 3, 7), (4, 3, 19)}


@pytest.mark.parametrize("text", REFUSED)
def test_contradictions_are_refused_not_guessed(text: str) -> None:
    for zone in ZONES:
        with pytest.raises(WhenError):
            read_when(text, now=now_at(zone, FRIDAYS[0]), tz=ZoneInfo(zone))
    command = parse_command(f'schedule "Sync" {text}')
    assert isinstance(command, UsageError) or not isinstance(command, Schedule) or command.repeat is None


def test_table_shares() -> None:
    """The table's size by category (reported with the work); every category is well represented."""
    categories = {
        "durations in words": len(DURATIONS) + len(NOT_DURATIONS),
        "dates": len(DATES) + len(MONTH_DAYS) + len(LOCALE_DATES),
        "clock forms": len(CLOCKS) + len(CLOCK_NOTES),
        "relative": len(RELATIVE_SPANS) + len(RELATIVE_DAYS),
        "series without every": len(SERIES) + len(CLOCK_FIRST),
        "ranges": len(RANGES),
        "ambiguous or refused": len(AMBIGUOUS) + len(REFUSED),
    }
    total = sum(categories.values())
    assert total >= 250
    assert all(size / total >= 0.05 for size in categories.values()), categories
