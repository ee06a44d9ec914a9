"""Recurring schedules the way people type them (``every weekday 9am for 15m``), read into a :class:`Repeat`.

Accepted forms (case-insensitive; commas and "and" separate days; "at" and "on" are optional):

- ``every day 8:30``, ``every 3 days 9am``
- ``every weekday 9am`` (Monday to Friday), ``every weekend 10am``
- ``every monday 10am``, ``every mon,wed 10am``, ``every tue and thu 4pm``, ``every other fri 3pm``
- ``every 2 weeks on fri 3pm``, ``every week on mon, wed 9:30``
- ``every month on the 1st 9am``, ``every 3 months on the 15th 10am``

then optionally ``for <duration>`` (as in one-off meetings) and an end: ``until <day>``
(``until 2027-03-31``, ``until Mar 31``) or a count (``x10``, ``10 times``).

Decisions (documented because users will ask):

- The first meeting is the first matching day, from today on, whose time is still ahead.
- Times are wall-clock times in the caller's zone and stay so across DST changes: a 9am
  standup is at 9am local in summer and in winter (its UTC time shifts). The first
  meeting may not fall in a spring-forward gap (refused, as for one-off meetings).
- Zoom requires an end and allows at most 60 occurrences. With no end given we ask for
  Zoom's maximum, 60, and say so in the reply; ``until`` and ``x<N>`` end sooner. An
  ``until`` that would take more than 60 is refused rather than silently cut short.
- Zoom's interval limits: every 1–99 days, 1–50 weeks, 1–10 months.
- "every 2 weeks" counts weeks from the first meeting's week (weeks start on Sunday, as
  at Zoom), so the series matches what Zoom computes from the same request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from typing import Literal

from bot.services.when.durations import duration_minutes, parse_duration
from bot.services.when.errors import DURATION_EXAMPLE, WhenError
from bot.services.when.moments import is_ambiguous_clock, parse_clock
from bot.services.when.series_words import MONTH_WEEKS, as_every

MAX_OCCURRENCES = 60  # Zoom: end_times is at most 60
MAX_INTERVAL = {"daily": 99, "weekly": 50, "monthly": 10}  # Zoom's repeat_interval limits
RECURRENCE_EXAMPLE = "every weekday 9am for 15m"
WORKWEEK = frozenset(range(5))
WEEKEND = frozenset({5, 6})

Kind = Literal["daily", "weekly", "monthly"]


_DAYS = {
    "mon": 0, "monday": 0, "mondays": 0,
    "tue": 1, "tues": 1, "tuesday": 1, "tuesdays": 1,
    "wed": 2, "weds": 2, "wednesday": 2, "wednesdays": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "thursdays": 3,
    "fri": 4, "friday": 4, "fridays": 4,
    "sat": 5, "saturday": 5, "saturdays": 5,
    "sun": 6, "sunday": 6, "sundays": 6,
}  # fmt: skip
_STARTERS = ("every",)
_COUNT = re.compile(r"x\s*(\d{1,4})|(\d{1,4})\s*(?:x|times|occurrences|meetings)")
_ORDINAL = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?")
_NUMBER = re.compile(r"\d{1,4}")


class RecurrenceError(WhenError):
    """A recurrence we could not accept; ``message`` and ``example`` are safe to show."""

    def __init__(self, message: str, example: str = RECURRENCE_EXAMPLE) -> None:
        super().__init__(message, example)


@dataclass(frozen=True)
class Repeat:
    """What the words said: the rule, the time of day, the meeting length and the end."""

    kind: Kind
    clock: time
    interval: int = 1
    weekdays: frozenset[int] = frozenset()  # Python weekdays (0 = Monday) for weekly
    month_day: int | None = None  # for monthly
    duration: int | None = None  # minutes; None: the handler's default
    count: int | None = None  # "x10"
    until_text: str | None = None  # "until Mar 31", resolved against the caller's clock
    month_week: int | None = None  # monthly by weekday: 1–4 or -1 (last), the weekday in ``weekdays``
    from_day: date | None = None  # the first meeting's earliest day (the form's date); None: today


# --- reading ------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    cleaned = text.lower().replace(",", " , ").replace("’", "'")
    return cleaned.split()


def recurrence_starts(text: str) -> list[int]:
    """Where in ``text`` (character indexes) a word that starts a recurrence stands."""
    return [m.start() for m in re.finditer(r"\S+", text) if m.group().lower() in _STARTERS]


def _take_duration(words: list[str]) -> tuple[list[str], int | None]:
    """Remove ``for <duration>`` (up to an end clause or the end); returns the rest and minutes."""
    for i, word in enumerate(words):
        if word.lower() == "for" and i + 1 < len(words):
            j = i + 1
            while j < len(words) and not _is_end_word(words, j):
                j += 1
            if not words[i + 1][:1].isdigit() and duration_minutes(" ".join(words[i + 1 : j])) is None:
                continue  # "for the team": not a duration
            try:
                minutes = parse_duration(" ".join(words[i + 1 : j]))
            except WhenError as error:  # the caller catches RecurrenceError only
                raise RecurrenceError(error.message, f"every weekday 9am for {DURATION_EXAMPLE}") from None
            return words[:i] + words[j:], minutes
    return words, None


def _is_end_word(words: list[str], j: int) -> bool:
    word = words[j].lower()
    if word == "until" or re.fullmatch(r"x\d{1,4}|\d{1,4}x", word):
        return True
    following = words[j + 1].lower() if j + 1 < len(words) else ""
    return word.isdigit() and following in ("times", "occurrences", "meetings")


def _take_end(words: list[str]) -> tuple[list[str], int | None, str | None]:
    """Remove a trailing ``until …`` or count; returns (rest, count, until_text)."""
    lowered = [w.lower() for w in words]
    if "until" in lowered:
        at = lowered.index("until")
        until = " ".join(words[at + 1 :]).strip()
        if not until:
            raise RecurrenceError(
                "Say until when, like `until 2027-03-31`.", "every weekday 9am until Mar 31"
            )
        return words[:at], None, until
    for size in (2, 1):
        if len(words) > size:
            tail = " ".join(lowered[-size:])
            if (m := _COUNT.fullmatch(tail)) is not None:
                count = int(m.group(1) or m.group(2))
                if not 1 <= count <= MAX_OCCURRENCES:
                    raise RecurrenceError(
                        f"Zoom allows 1 to {MAX_OCCURRENCES} occurrences.", "every weekday 9am x10"
                    )
                return words[:-size], count, None
    return words, None, None


def _read_days(words: list[str]) -> tuple[frozenset[int], list[str]]:
    """Leading day names (``mon , wed and fri``); returns them and the words after."""
    days: set[int] = set()
    i = 0
    while i < len(words):
        word = words[i]
        if word in _DAYS:
            days.add(_DAYS[word])
        elif word in (",", "and", "&") and days:
            pass
        else:
            break
        i += 1
    return frozenset(days), words[i:]


def _unknown_day(word: str) -> RecurrenceError:
    shown = word[:20].replace("`", "'")
    return RecurrenceError(
        f"I don't know the day `{shown}`. Use day names like `mon`, `wed`, `friday`, or `weekday`.",
        "every mon,wed 10am",
    )


def read_recurrence(text: str, clock: time | None = None) -> Repeat:
    """Parse ``every … [for <duration>] [until <day> | x<N>]``; raises :class:`RecurrenceError`.

    Rules without ``every`` (``weekdays at 9am``, ``the first friday of every month``) are
    first put in its words. ``clock`` is a time of day written before the rule (``at 10am
    every monday``). Needs no "now": ``until`` stays text until :func:`plan_series`.
    """
    raw = as_every(text).replace(",", " , ").split()
    if not raw or raw[0].lower() not in _STARTERS:
        raise RecurrenceError("Start a repeating meeting with `every`.")
    # The duration and the end may come in either order after the rule.
    raw, duration = _take_duration(raw)
    raw, count, until_text = _take_end(raw)
    words = [w for w in _words(" ".join(raw)) if w not in ("at", "@")]
    words = words[1:]
    if not words:
        raise RecurrenceError("Say how often, like `every weekday 9am`.")
    interval = 1
    if words[0] == "other":
        interval, words = 2, words[1:]
    elif _NUMBER.fullmatch(words[0]) is not None:
        interval, words = int(words[0]), words[1:]
        if interval < 1:
            raise RecurrenceError(
                "Repeat at least every 1, like `every 2 weeks on fri 3pm`.", "every 2 weeks on fri 3pm"
            )
    if not words:
        raise RecurrenceError("Say how often, like `every 2 weeks on fri 3pm`.", "every 2 weeks on fri 3pm")
    unit, rest = words[0], words[1:]
    kind: Kind
    weekdays: frozenset[int] = frozenset()
    month_day: int | None = None
    if unit in ("day", "days"):
        kind = "daily"
    elif unit in ("weekday", "weekdays", "workday", "workdays", "weekend", "weekends"):
        if interval != 1:
            raise RecurrenceError(
                "For every other week, name the days: `every 2 weeks on mon,fri 9am`.",
                "every 2 weeks on mon,fri 9am",
            )
        kind, weekdays = "weekly", (WEEKEND if unit.startswith("weekend") else WORKWEEK)
    elif unit in ("week", "weeks"):
        kind = "weekly"
        if rest[:1] == ["on"]:
            rest = rest[1:]
        weekdays, rest = _read_days(rest)
        if not weekdays:
            if rest and rest[0].isalpha() and parse_clock(rest[0]) is None:
                raise _unknown_day(rest[0])
            raise RecurrenceError(
                "Say which day, like `every 2 weeks on fri 3pm`.", "every 2 weeks on fri 3pm"
            )
    elif unit in ("month", "months"):
        kind = "monthly"
        if rest[:1] == ["on"]:
            rest = rest[1:]
        if rest[:1] == ["the"]:
            rest = rest[1:]
        if len(rest) >= 2 and rest[0] in MONTH_WEEKS and rest[1] in _DAYS:
            return _finish(
                rest[2:], "monthly", interval, frozenset({_DAYS[rest[1]]}), None, duration, count, until_text,
                clock, month_week=MONTH_WEEKS[rest[0]],
            )  # fmt: skip
        day = _ORDINAL.fullmatch(rest[0]) if rest and parse_clock(rest[0]) is None else None
        if day is None or not 1 <= int(day.group(1)) <= 31:
            raise RecurrenceError(
                "Say which day of the month (1st to 31st), like `every month on the 1st 9am`.",
                "every month on the 1st 9am",
            )
        month_day, rest = int(day.group(1)), rest[1:]
    elif unit in _DAYS:
        kind = "weekly"
        weekdays, rest = _read_days(words)
    elif unit.isalpha() and parse_clock(unit) is None:
        raise _unknown_day(unit)
    else:
        raise RecurrenceError("Say how often before the time, like `every weekday 9am`.")
    return _finish(rest, kind, interval, weekdays, month_day, duration, count, until_text, clock)


def _finish(
    rest: list[str],
    kind: Kind,
    interval: int,
    weekdays: frozenset[int],
    month_day: int | None,
    duration: int | None,
    count: int | None,
    until_text: str | None,
    given_clock: time | None,
    *,
    month_week: int | None = None,
) -> Repeat:
    if rest and rest[0] in ("on", "the"):
        rest = rest[1:]
    if rest and rest[0] in _DAYS:
        raise RecurrenceError(
            "Name the days right after `every`, like `every mon,wed 10am`.", "every mon,wed 10am"
        )
    if interval > MAX_INTERVAL[kind]:
        unit = {"daily": "days", "weekly": "weeks", "monthly": "months"}[kind]
        raise RecurrenceError(f"Zoom repeats at most every {MAX_INTERVAL[kind]} {unit}.")
    if not rest and given_clock is not None:
        return Repeat(
            kind, given_clock, interval, weekdays, month_day, duration, count, until_text, month_week
        )
    if not rest:
        raise RecurrenceError("Add the time of day, like `every weekday 9am`.")
    if given_clock is not None:
        raise RecurrenceError("Give the time of day once, like `every weekday 9am`.")
    written = " ".join(rest)
    bare_hour = re.fullmatch(r"\d{1,2}(?::\d{2})?", written) is not None
    clock = parse_clock(f"at {written}" if bare_hour else written)
    if clock is None and bare_hour and is_ambiguous_clock(f"at {written}"):
        raise RecurrenceError(
            f"Is that {written} in the morning or the evening? Add am or pm.", f"every weekday {written}pm"
        )
    if clock is None:
        if rest[0].isalpha() and rest[0] not in ("noon", "midnight", "midday"):
            raise _unknown_day(rest[0])
        raise RecurrenceError("I couldn't read the time of day. Try `9am`, `14:30` or `noon`.")
    return Repeat(kind, clock, interval, weekdays, month_day, duration, count, until_text, month_week)
