"""Moments the way people type them (``tomorrow 3pm``, ``in 2h``, ``Dec 3 10:00``), in the caller's zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.when.clocks import BareClock, describe_clock, read_bare
from bot.services.when.durations import SPAN_PART
from bot.services.when.errors import WhenError
from bot.services.when.phrasing import rephrase

MAX_AHEAD = timedelta(days=5 * 366)


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
_MILITARY = re.compile(r"([01]\d|2[0-3])([0-5]\d)")  # "1730"
_SLASH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?")  # "12/15", "15/12/2026"
_DOT_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})?")  # "15.12.", "15.12.2026": always day.month
_ORDINAL_DAY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)")  # "the 15th"
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_OF_MONTH = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?")
_YEAR = re.compile(r"\d{4}")


@dataclass(frozen=True)
class CalendarDate:
    year: int | None
    month: int
    day: int


@dataclass(frozen=True)
class NumericDate:
    """``12/15``: which number is the month depends on the writer; ``dotted`` (``15.12.``) is day first."""

    first: int
    second: int
    year: int | None
    dotted: bool
    word: str  # as written, to offer each reading in its place


@dataclass(frozen=True)
class MonthDay:
    """``the 15th``: that day of this month, or of the next month that has it."""

    day: int


@dataclass(frozen=True)
class PastDay:
    """A day worded in the past ("yesterday", "last friday"); ``instead`` is its future twin."""

    instead: str


# days from today | "wd:N" (next weekday N) | "nw" (Monday of next week) | "nw:N" (weekday N
# of next week) | a calendar date | a day in the past
Day = int | str | CalendarDate | PastDay | NumericDate | MonthDay
NEXT_WEEK = "nw"


@dataclass(frozen=True)
class WhenSpec:
    """What the words said, before any calendar arithmetic."""

    relative: timedelta | None = None
    day: Day | None = None
    clock: time | None = None
    ago: str | None = None  # worded as "… ago": what to suggest instead ("in 2 hours")
    clock_note: str | None = None  # how a clock without am/pm was read ("3:30 read as 3:30pm")
    clock_choices: tuple[time, time] | None = None  # a clock without am/pm we must ask about
    coming_midnight: bool = False  # "midnight" with no day: the next one, not the one just gone
    text: str = ""  # the words as read (rephrased), for offering each reading of an ambiguity
    clock_word: str = ""  # the clock as written, when it is the ambiguous part


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


def _read_in(words: list[str]) -> WhenSpec | None:
    """``in 2h``, ``in a week``; whole days may end with a time (``in a week 10am``)."""
    relative = _read_relative(words)
    if relative is not None:
        return WhenSpec(relative=relative)
    for size in (1, 2):  # "10am", "10 am"
        if len(words) <= size:
            continue
        clock = parse_clock(" ".join(words[-size:]))
        days = _read_relative(words[:-size])
        if clock is not None and days is not None and days == timedelta(days=days.days) and days.days > 0:
            return WhenSpec(day=days.days, clock=clock)
    return None


def _read_ago(words: list[str]) -> WhenSpec | None:
    """``2 hours ago``, ``3 days ago 10am``: read only to be refused, with ``ago`` = the
    future wording to suggest (``in 2 hours``, ``in 3 days 10am``)."""
    at = words.index("ago")
    span_words, clock_words = words[:at], words[at + 1 :]
    span = _read_relative(span_words)
    if span is None or span <= timedelta(0):
        return None
    instead = "in " + " ".join(span_words)
    if not clock_words:
        return WhenSpec(ago=instead)
    clock = parse_clock(" ".join(clock_words))
    if clock is None:
        return None
    whole_days = span == timedelta(days=span.days)
    return WhenSpec(ago=f"{instead} {describe_clock(clock)}" if whole_days else instead)


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


def _combine_days(day: Day, found: Day) -> Day | None:
    """``friday next week``: a weekday and next week make one day; any other pair is refused."""
    for one, other in ((day, found), (found, day)):
        if one == NEXT_WEEK and isinstance(other, str) and other.startswith("wd:"):
            return f"{NEXT_WEEK}:{other[3:]}"
    return None


def read_spec(text: str) -> WhenSpec | None:
    """Parse the words of a time expression; None if they are not one."""
    plain = text.lower().replace(",", " ").replace("’", "'").split()
    if "ago" in plain:  # read as written, so the suggestion echoes the user's words ("in an hour")
        return _read_ago(_join_phrases(plain))
    rephrased = rephrase(text)
    if rephrased is None:
        return None
    # "at 9": a bare hour is a clock only after "at" (a number alone may be part of a topic)
    rephrased = re.sub(r"(?:^|(?<=\s))(?:at|@) (\d{1,2})(?=\s|$)", r"at \1:00", rephrased)
    words = _join_phrases(rephrased.split())
    if not words or len(words) > 8:
        return None
    if words[0] == "in":
        return _read_in(words[1:])

    day: Day | None = None
    clock: time | None = None
    bare: BareClock | None = None
    bare_word = ""
    midnight = False
    i = 0
    while i < len(words):
        word = words[i]
        following = words[i + 1] if i + 1 < len(words) else ""
        consumed = 1
        found_day: Day | None = None
        found_clock: time | None = None
        if word in ("noon", "midday"):
            found_clock = time(12, 0)
        elif word == "midnight":
            found_clock, midnight = time(0, 0), True
        elif word in _RELATIVE_DAYS:
            found_day = _RELATIVE_DAYS[word]
        elif word == "yesterday":
            found_day = PastDay("tomorrow")
        elif word == "<next-week>":
            found_day = NEXT_WEEK
        elif word == "<last-week>":
            found_day = PastDay("next week")
        elif word.startswith("<last-"):
            found_day = PastDay(_WEEKDAY_NAMES[_WEEKDAYS[word[len("<last-") : -1]]])
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
            if bare is not None:
                return None
            bare, bare_word = read_bare(m.group(1), int(m.group(2))), word
            if bare.clock is None and bare.choices is None:
                return None
            found_clock = bare.clock or bare.choices[0]  # type: ignore[index]
        elif (m := _MILITARY.fullmatch(word)) is not None:
            found_clock = time(int(m.group(1)), int(m.group(2)))
        elif (m := _SLASH_DATE.fullmatch(word)) is not None or (m := _DOT_DATE.fullmatch(word)) is not None:
            year = m.group(3)
            full_year = None if year is None else int(year) + (2000 if len(year) == 2 else 0)
            found_day = NumericDate(int(m.group(1)), int(m.group(2)), full_year, "." in word, word)
        elif (m := _ORDINAL_DAY.fullmatch(word)) is not None and following not in _MONTHS:
            found_day = MonthDay(int(m.group(1)))
        elif (m := _ISO_DATE.fullmatch(word)) is not None:
            found_day = CalendarDate(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        elif (named := _month_and_day(word, following)) is not None:
            # "dec 15" or "15 dec", maybe with a year after: "dec 15 2026"
            after = words[i + 2] if i + 2 < len(words) else ""
            year = int(after) if _YEAR.fullmatch(after) else None
            consumed = 2 if year is None else 3
            found_day = CalendarDate(year, *named)
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
    if bare is not None and bare.choices is not None:
        return WhenSpec(
            day=day, clock=clock, clock_choices=bare.choices, text=rephrased, clock_word=bare_word
        )
    if midnight and day == 0 and "tonight" in words:
        day = 1  # "midnight tonight": the one that ends today
    note = bare.note if bare is not None else None
    return WhenSpec(
        day=day, clock=clock, clock_note=note, coming_midnight=midnight and day is None, text=rephrased
    )


def parse_clock(text: str) -> time | None:
    """A bare time of day (``8:30``, ``8am``, ``noon``); None if ``text`` is anything else."""
    spec = read_spec(text)
    if spec is None or spec.day is not None or spec.relative is not None or spec.ago is not None:
        return None
    if spec.clock_choices is not None:
        return None  # "7:30": morning or evening is asked, never picked
    return spec.clock


def is_ambiguous_clock(text: str) -> bool:
    """Whether ``text`` is a clock that could be morning or evening (``7:30``), to ask about it."""
    spec = read_spec(text)
    return spec is not None and spec.clock_choices is not None


def looks_like_when(text: str) -> bool:
    """Whether ``text`` is worded like a time (no calendar checks) — used to split topics."""
    return read_spec(text) is not None


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


def _month_and_day(word: str, following: str) -> tuple[int, int] | None:
    """``(month, day)`` from a month name and a day of the month, in either order."""
    if word in _MONTHS and (m := _DAY_OF_MONTH.fullmatch(following)) is not None:
        return _MONTHS[word], int(m.group(1))
    if following in _MONTHS and (m := _DAY_OF_MONTH.fullmatch(word)) is not None:
        return _MONTHS[following], int(m.group(1))
    return None
