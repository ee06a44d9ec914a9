"""Moments the way people type them (``tomorrow 3pm``, ``in 2h``, ``Dec 3 10:00``), in the caller's zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.when.durations import SPAN_PART
from bot.services.when.errors import WHEN_EXAMPLE, WhenError

MAX_AHEAD = timedelta(days=5 * 366)


def describe_clock(clock: time) -> str:
    """``9am``, ``3:30pm``: a clock time as people write it."""
    hour = clock.hour % 12 or 12
    suffix = "am" if clock.hour < 12 else "pm"
    return f"{hour}{suffix}" if clock.minute == 0 else f"{hour}:{clock.minute:02d}{suffix}"


_WEEKDAYS = {
    "mon": 0, "monday": 0,
    "tue": 1, "tues": 1, "tuesday": 1,
    "wed": 2, "weds": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3,
    "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5,
    "sun": 6, "sunday": 6,
}  # fmt: skip
_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10,
    "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_FILLER = {"at", "on", "next", "this", "@", "the", "of"}
_RELATIVE_DAYS = {"today": 0, "tonight": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1, "tomorow": 1}

_CLOCK_12H = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)")
_CLOCK_24H = re.compile(r"(\d{1,2}):(\d{2})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_OF_MONTH = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?")
_YEAR = re.compile(r"\d{4}")


@dataclass(frozen=True)
class _CalendarDate:
    year: int | None
    month: int
    day: int


@dataclass(frozen=True)
class _PastDay:
    """A day worded in the past ("yesterday", "last friday"); ``instead`` is its future twin."""

    instead: str


# days from today | "wd:N" (next weekday N) | "nw" (Monday of next week) | "nw:N" (weekday N
# of next week) | a calendar date | a day in the past
_Day = int | str | _CalendarDate | _PastDay
_NEXT_WEEK = "nw"


@dataclass(frozen=True)
class _WhenSpec:
    """What the words said, before any calendar arithmetic."""

    relative: timedelta | None = None
    day: _Day | None = None
    clock: time | None = None
    ago: str | None = None  # worded as "… ago": what to suggest instead ("in 2 hours")


def _clock_from(hour: int, minute: int, meridiem: str | None) -> time | None:
    if minute > 59:
        return None
    if meridiem is None:
        return time(hour, minute) if hour <= 23 else None
    if not 1 <= hour <= 12:
        return None
    hour %= 12
    if meridiem.startswith("p"):
        hour += 12
    return time(hour, minute)


def _read_relative(words: list[str]) -> timedelta | None:
    text = " ".join("1" if word in ("a", "an") else word for word in words).replace(" and ", " ")
    total = timedelta()
    position = 0
    for match in SPAN_PART.finditer(text):
        if text[position : match.start()].strip():
            return None
        amount = float(match.group(1))
        unit = match.group(2)
        if unit.startswith("w"):
            total += timedelta(weeks=amount)
        elif unit.startswith("d"):
            total += timedelta(days=amount)
        elif unit.startswith("h"):
            total += timedelta(hours=amount)
        else:
            total += timedelta(minutes=amount)
        position = match.end()
    if position == 0 or text[position:].strip():
        return None
    return total


def _read_in(words: list[str]) -> _WhenSpec | None:
    """``in 2h``, ``in a week``; whole days may end with a time (``in a week 10am``)."""
    relative = _read_relative(words)
    if relative is not None:
        return _WhenSpec(relative=relative)
    for size in (1, 2):  # "10am", "10 am"
        if len(words) <= size:
            continue
        clock = parse_clock(" ".join(words[-size:]))
        days = _read_relative(words[:-size])
        if clock is not None and days is not None and days == timedelta(days=days.days) and days.days > 0:
            return _WhenSpec(day=days.days, clock=clock)
    return None


def _read_ago(words: list[str]) -> _WhenSpec | None:
    """``2 hours ago``, ``3 days ago 10am``: read only to be refused, with ``ago`` = the
    future wording to suggest (``in 2 hours``, ``in 3 days 10am``)."""
    at = words.index("ago")
    span_words, clock_words = words[:at], words[at + 1 :]
    span = _read_relative(span_words)
    if span is None or span <= timedelta(0):
        return None
    instead = "in " + " ".join(span_words)
    if not clock_words:
        return _WhenSpec(ago=instead)
    clock = parse_clock(" ".join(clock_words))
    if clock is None:
        return None
    whole_days = span == timedelta(days=span.days)
    return _WhenSpec(ago=f"{instead} {describe_clock(clock)}" if whole_days else instead)


def _join_phrases(words: list[str]) -> list[str]:
    """Two-word days become one token before filler words go ("next" is filler alone)."""
    joined: list[str] = []
    i = 0
    while i < len(words):
        pair = (words[i], words[i + 1] if i + 1 < len(words) else "")
        if pair == ("next", "week"):
            joined.append("<next-week>")
            i += 2
        elif pair[0] == "last" and (pair[1] == "week" or pair[1] in _WEEKDAYS):
            joined.append(f"<last-{pair[1]}>")
            i += 2
        else:
            if words[i] not in _FILLER:
                joined.append(words[i])
            i += 1
    return joined


def _combine_days(day: _Day, found: _Day) -> _Day | None:
    """``friday next week``: a weekday and next week make one day; any other pair is refused."""
    for one, other in ((day, found), (found, day)):
        if one == _NEXT_WEEK and isinstance(other, str) and other.startswith("wd:"):
            return f"{_NEXT_WEEK}:{other[3:]}"
    return None


def _read_spec(text: str) -> _WhenSpec | None:
    """Parse the words of a time expression; None if they are not one."""
    cleaned = text.lower().replace(",", " ").replace("’", "'")
    words = _join_phrases(cleaned.split())
    if not words or len(words) > 8:
        return None
    if words[0] == "in":
        return _read_in(words[1:])
    if "ago" in words:
        return _read_ago(words)

    day: _Day | None = None
    clock: time | None = None
    i = 0
    while i < len(words):
        word = words[i]
        following = words[i + 1] if i + 1 < len(words) else ""
        consumed = 1
        found_day: _Day | None = None
        found_clock: time | None = None
        if word in ("noon", "midday"):
            found_clock = time(12, 0)
        elif word == "midnight":
            found_clock = time(0, 0)
        elif word in _RELATIVE_DAYS:
            found_day = _RELATIVE_DAYS[word]
        elif word == "yesterday":
            found_day = _PastDay("tomorrow")
        elif word == "<next-week>":
            found_day = _NEXT_WEEK
        elif word == "<last-week>":
            found_day = _PastDay("next week")
        elif word.startswith("<last-"):
            found_day = _PastDay(_WEEKDAY_NAMES[_WEEKDAYS[word[len("<last-") : -1]]])
        elif word in _WEEKDAYS:
            found_day = f"wd:{_WEEKDAYS[word]}"
        elif (m := _CLOCK_12H.fullmatch(word)) is not None:
            found_clock = _clock_from(int(m.group(1)), int(m.group(2) or 0), m.group(3))
            if found_clock is None:
                return None
        elif following in ("am", "pm", "a.m.", "p.m.") and (
            (m := re.fullmatch(r"(\d{1,2})(?:[:.](\d{2}))?", word)) is not None
        ):
            found_clock = _clock_from(int(m.group(1)), int(m.group(2) or 0), following)
            if found_clock is None:
                return None
            consumed = 2
        elif (m := _CLOCK_24H.fullmatch(word)) is not None:
            found_clock = _clock_from(int(m.group(1)), int(m.group(2)), None)
            if found_clock is None:
                return None
        elif (m := _ISO_DATE.fullmatch(word)) is not None:
            found_day = _CalendarDate(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        elif word in _MONTHS and (m := _DAY_OF_MONTH.fullmatch(following)) is not None:
            consumed = 2
            year = None
            after = words[i + 2] if i + 2 < len(words) else ""
            if _YEAR.fullmatch(after):
                year, consumed = int(after), 3
            found_day = _CalendarDate(year, _MONTHS[word], int(m.group(1)))
        elif (m := _DAY_OF_MONTH.fullmatch(word)) is not None and following in _MONTHS:
            consumed = 2
            year = None
            after = words[i + 2] if i + 2 < len(words) else ""
            if _YEAR.fullmatch(after):
                year, consumed = int(after), 3
            found_day = _CalendarDate(year, _MONTHS[following], int(m.group(1)))
        else:
            return None
        if found_day is not None:
            if day is not None:
                combined = _combine_days(day, found_day)
                if combined is None:
                    return None
                found_day = combined
            day = found_day
        if found_clock is not None:
            if clock is not None:
                return None
            clock = found_clock
        i += consumed
    if day is None and clock is None:
        return None
    return _WhenSpec(day=day, clock=clock)


def parse_clock(text: str) -> time | None:
    """A bare time of day (``8:30``, ``8am``, ``noon``); None if ``text`` is anything else."""
    spec = _read_spec(text)
    if spec is None or spec.day is not None or spec.relative is not None or spec.ago is not None:
        return None
    return spec.clock


def looks_like_when(text: str) -> bool:
    """Whether ``text`` is worded like a time (no calendar checks) — used to split topics."""
    return _read_spec(text) is not None


def _is_past(moment: datetime, now: datetime) -> bool:
    # Compare instants in UTC: Python compares two datetimes that share a tzinfo by wall
    # clock alone, which is wrong around DST changes.
    return moment.astimezone(UTC) <= now.astimezone(UTC)


def _resolve_day(day: _Day, clock: time, today: date, now: datetime, tz: ZoneInfo) -> date:
    if isinstance(day, int):
        return today + timedelta(days=day)
    if isinstance(day, _PastDay):
        raise AssertionError("days in the past are refused before they are resolved")
    if isinstance(day, str) and day.startswith(_NEXT_WEEK):  # "nw" (its Monday) or "nw:N"
        monday = today + timedelta(days=7 - today.weekday())
        return monday + timedelta(days=int(day[3:]) if ":" in day else 0)
    if isinstance(day, str):  # "wd:N"
        weekday = int(day[3:])
        ahead = (weekday - today.weekday()) % 7
        candidate = today + timedelta(days=ahead)
        if ahead == 0 and _is_past(datetime.combine(candidate, clock, tzinfo=tz), now):
            candidate += timedelta(days=7)
        return candidate
    try:
        if day.year is not None:
            return date(day.year, day.month, day.day)
        candidate = date(today.year, day.month, day.day)
        if _is_past(datetime.combine(candidate, clock, tzinfo=tz), now):
            candidate = date(today.year + 1, day.month, day.day)
        return candidate
    except ValueError:
        raise WhenError("That date doesn't exist.", "Dec 3 2pm") from None


def local_datetime(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """The wall-clock time in ``tz``; first occurrence if ambiguous, error if it never happens."""
    local = datetime.combine(day, clock).replace(tzinfo=tz, fold=0)
    round_trip = local.astimezone(UTC).astimezone(tz)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise WhenError(
            f"{describe_clock(clock)} on {day:%a %d %b} doesn't exist in {tz.key}: "
            "the clocks jump forward then. Pick a time outside that gap.",
            f"{day:%Y-%m-%d} {(clock.hour + 1) % 24:02d}:{clock.minute:02d}",
        )
    return local


def parse_when(text: str, *, now: datetime, tz: ZoneInfo) -> datetime:
    """The moment ``text`` means, as an aware datetime in ``tz``; raises :class:`WhenError`."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    spec = _read_spec(text)
    if spec is None:
        raise WhenError(
            "I couldn't read that time. Try a day and a time, like `tomorrow 3pm`, `mon 9:30am`, "
            "`2026-12-03 14:00`, `Dec 3 2pm` or `in 2h`.",
        )
    now_local = now.astimezone(tz)
    past = _past_suggestion(spec, now_local)
    if past is not None:
        raise WhenError("That time is in the past.", past)
    try:
        if spec.relative is not None:
            if spec.relative <= timedelta(0):
                raise WhenError("That time is in the past.", "in 30m")
            if spec.relative > MAX_AHEAD:
                raise WhenError("That's more than five years ahead.", "in 2h")
            # Add in UTC: wall-clock arithmetic would land in DST gaps ("in 1h" at 01:30).
            return (now.astimezone(UTC) + spec.relative).astimezone(tz)
        if spec.clock is None:
            raise WhenError(
                "Add a time of day too.", "next week 10am" if spec.day == _NEXT_WEEK else WHEN_EXAMPLE
            )
        if spec.day is None:
            result = local_datetime(now_local.date(), spec.clock, tz)
            if _is_past(result, now):
                raise WhenError("That time is in the past.", f"tomorrow {describe_clock(spec.clock)}")
            return result
        result = local_datetime(_resolve_day(spec.day, spec.clock, now_local.date(), now, tz), spec.clock, tz)
    except OverflowError:
        raise WhenError("That's more than five years ahead.") from None
    if _is_past(result, now):
        raise WhenError("That time is in the past.", f"tomorrow {describe_clock(spec.clock)}")
    if result.astimezone(UTC) - now.astimezone(UTC) > MAX_AHEAD:
        raise WhenError("That's more than five years ahead.")
    return result


def _past_suggestion(spec: _WhenSpec, now_local: datetime) -> str | None:
    """For wording in the past, the future wording to suggest instead; None otherwise.

    ``yesterday 3pm`` → ``tomorrow 3pm``, ``last friday 10am`` → ``friday 10am`` (the next
    Friday), ``2 hours ago`` → ``in 2 hours``. Without a time of day, the next full hour.
    """
    if spec.ago is not None:
        return spec.ago
    if not isinstance(spec.day, _PastDay):
        return None
    clock = spec.clock or time((now_local.hour + 1) % 24, 0)
    return f"{spec.day.instead} {describe_clock(clock)}"
