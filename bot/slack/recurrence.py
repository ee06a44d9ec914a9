"""Reading recurring schedules the way people type them: ``every weekday 9am for 15m``.

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

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.slack.when import WhenError, local_datetime, parse_clock, parse_duration, parse_when
from bot.zoom.models import Recurrence

MAX_OCCURRENCES = 60  # Zoom: end_times is at most 60
MAX_INTERVAL = {"daily": 99, "weekly": 50, "monthly": 10}  # Zoom's repeat_interval limits
RECURRENCE_EXAMPLE = "every weekday 9am for 15m"
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
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
_STARTERS = ("every",)  # only "every": "Daily standup tomorrow 9am" is a one-off topic
_COUNT = re.compile(r"x\s*(\d{1,4})|(\d{1,4})\s*(?:times|occurrences|meetings)")
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


@dataclass(frozen=True)
class SeriesPlan:
    """A recurrence placed on the calendar: what to send Zoom and what to tell the caller."""

    repeat: Repeat
    starts: tuple[datetime, ...]  # every occurrence, aware in the caller's zone
    until: datetime | None  # the end instant sent as ``end_date_time`` (None: ``end_times``)
    default_end: bool  # no end was given: Zoom's maximum was asked for

    @property
    def first(self) -> datetime:
        return self.starts[0]

    @property
    def last(self) -> datetime:
        return self.starts[-1]


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
        if word.lower() == "for" and i + 1 < len(words) and words[i + 1][:1].isdigit():
            j = i + 1
            while j < len(words) and not _is_end_word(words, j):
                j += 1
            return words[:i] + words[j:], parse_duration(" ".join(words[i + 1 : j]))
    return words, None


def _is_end_word(words: list[str], j: int) -> bool:
    word = words[j].lower()
    if word == "until" or re.fullmatch(r"x\d{1,4}", word):
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


def read_recurrence(text: str) -> Repeat:
    """Parse ``every … [for <duration>] [until <day> | x<N>]``; raises :class:`RecurrenceError`.

    Needs no clock: ``until`` stays text until :func:`plan_series`.
    """
    raw = text.replace(",", " , ").split()
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
    return _finish(rest, kind, interval, weekdays, month_day, duration, count, until_text)


def _finish(
    rest: list[str],
    kind: Kind,
    interval: int,
    weekdays: frozenset[int],
    month_day: int | None,
    duration: int | None,
    count: int | None,
    until_text: str | None,
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
    if not rest:
        raise RecurrenceError("Add the time of day, like `every weekday 9am`.")
    clock = parse_clock(" ".join(rest))
    if clock is None:
        if rest[0].isalpha() and rest[0] not in ("noon", "midnight", "midday"):
            raise _unknown_day(rest[0])
        raise RecurrenceError("I couldn't read the time of day. Try `9am`, `14:30` or `noon`.")
    return Repeat(kind, clock, interval, weekdays, month_day, duration, count, until_text)


# --- placing it on the calendar -------------------------------------------------------------


def _sunday_week(day: date) -> date:
    """The Sunday that starts ``day``'s week (Zoom's weeks start on Sunday)."""
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _days_from(repeat: Repeat, first: date) -> list[date]:
    """Candidate meeting days from ``first`` on, in order (enough for 60 occurrences)."""
    out: list[date] = []
    if repeat.kind == "daily":
        return [first + timedelta(days=repeat.interval * k) for k in range(MAX_OCCURRENCES + 1)]
    if repeat.kind == "weekly":
        week = _sunday_week(first)
        for k in range(MAX_OCCURRENCES + 1):
            base = week + timedelta(weeks=repeat.interval * k)
            for offset in range(7):
                day = base + timedelta(days=offset)
                if day.weekday() in repeat.weekdays and day >= first:
                    out.append(day)
            if len(out) > MAX_OCCURRENCES:
                break
        return out
    assert repeat.month_day is not None
    year, month = first.year, first.month
    for _ in range((MAX_OCCURRENCES + 1) * 2):
        if repeat.month_day <= calendar.monthrange(year, month)[1]:
            day = date(year, month, repeat.month_day)
            if day >= first:
                out.append(day)
        month += repeat.interval
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        if len(out) > MAX_OCCURRENCES:
            break
    return out


def _first_day(repeat: Repeat, now: datetime, tz: ZoneInfo) -> date:
    """The first matching day whose meeting time is still ahead."""
    today = now.astimezone(tz).date()
    probe = Repeat(repeat.kind, repeat.clock, 1, repeat.weekdays, repeat.month_day)
    for day in _days_from(probe, today)[:3]:
        moment = datetime.combine(day, repeat.clock, tzinfo=tz)
        if moment.astimezone(UTC) > now.astimezone(UTC):
            return day
    raise AssertionError("unreachable: one of the first three matching days is ahead")  # pragma: no cover


def _wall(day: date, clock: time, tz: ZoneInfo) -> datetime:
    # Later occurrences in a spring-forward gap land an hour later, as the clocks say.
    return datetime.combine(day, clock, tzinfo=tz)


def plan_series(repeat: Repeat, *, now: datetime, tz: ZoneInfo) -> SeriesPlan:
    """The occurrences ``repeat`` means from ``now`` on in ``tz``; raises :class:`RecurrenceError`."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    first_day = _first_day(repeat, now, tz)
    local_datetime(first_day, repeat.clock, tz)  # refuses a first meeting in a DST gap
    days = _days_from(repeat, first_day)
    starts = [_wall(day, repeat.clock, tz) for day in days]
    until: datetime | None = None
    if repeat.until_text is not None:
        try:
            until = parse_when(f"{repeat.until_text} 23:59", now=now, tz=tz)
        except WhenError as error:
            shown = repeat.until_text[:40].replace("`", "'")
            reason = (
                "it is in the past" if "past" in error.message else "try `until 2027-03-31` or `until Mar 31`"
            )
            raise RecurrenceError(
                f"I couldn't use the end date `{shown}`: {reason}.", "every weekday 9am until Mar 31"
            ) from None
        until = until.replace(second=59)
        within = [s for s in starts if s.astimezone(UTC) <= until.astimezone(UTC)]
        if not within:
            raise RecurrenceError(
                "That end date is before the first meeting.", "every weekday 9am until Mar 31"
            )
        if len(within) > MAX_OCCURRENCES:
            raise RecurrenceError(
                f"That's more than {MAX_OCCURRENCES} meetings, Zoom's limit for a series. "
                "Pick an earlier end date, or leave it out to get the first 60.",
                "every weekday 9am x60",
            )
        starts = within
    else:
        starts = starts[: repeat.count or MAX_OCCURRENCES]
    return SeriesPlan(repeat, tuple(starts), until, repeat.count is None and until is None)


# --- describing -------------------------------------------------------------------------------


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def describe_days(weekdays: frozenset[int]) -> str:
    if weekdays == WORKWEEK:
        return "weekday"
    if weekdays == WEEKEND:
        return "weekend day"
    return ", ".join(WEEKDAY_NAMES[d] for d in sorted(weekdays))


def describe_rule(kind: Kind, interval: int, weekdays: frozenset[int], month_day: int | None) -> str:
    """``every weekday``, ``every 2 weeks on Fri``, ``every 3 days``, ``every month on the 1st``."""
    if kind == "daily":
        return "every day" if interval == 1 else f"every {interval} days"
    if kind == "weekly":
        days = describe_days(weekdays) if weekdays else "week"
        if interval == 1:
            return f"every {days}"
        return f"every {interval} weeks on {days}"
    on = f" on the {_ordinal(month_day)}" if month_day else ""
    return ("every month" if interval == 1 else f"every {interval} months") + on


def zoom_weekdays(weekdays: frozenset[int]) -> str:
    """Python weekdays as Zoom's ``weekly_days``: ``"2,3,4,5,6"`` (1 = Sunday … 7 = Saturday)."""
    return ",".join(str((d + 1) % 7 + 1) for d in sorted(weekdays, key=lambda d: (d + 1) % 7))


def python_weekdays(weekly_days: str) -> frozenset[int]:
    """Zoom's ``weekly_days`` back to Python weekdays; unknown pieces are skipped."""
    found = set()
    for piece in weekly_days.split(","):
        piece = piece.strip()
        if piece.isdigit() and 1 <= int(piece) <= 7:
            found.add((int(piece) - 2) % 7)
    return frozenset(found)


def describe_clock(clock: time) -> str:
    hour = clock.hour % 12 or 12
    suffix = "am" if clock.hour < 12 else "pm"
    return f"{hour}{suffix}" if clock.minute == 0 else f"{hour}:{clock.minute:02d}{suffix}"


_ZOOM_KINDS: dict[int, Kind] = {1: "daily", 2: "weekly", 3: "monthly"}
_ZOOM_TYPES = {kind: number for number, kind in _ZOOM_KINDS.items()}


def describe_zoom_rule(recurrence: Recurrence) -> str | None:
    """Zoom's ``recurrence`` object in words (``every weekday``); None for a kind we don't know."""
    kind = _ZOOM_KINDS.get(recurrence.type)
    if kind is None:
        return None
    weekdays = python_weekdays(recurrence.weekly_days or "")
    return describe_rule(kind, recurrence.repeat_interval, weekdays, recurrence.monthly_day)


def zoom_recurrence(plan: SeriesPlan) -> Recurrence:
    """The ``recurrence`` object for Zoom: the rule, and ``end_date_time`` or ``end_times``."""
    repeat = plan.repeat
    return Recurrence(
        type=_ZOOM_TYPES[repeat.kind],
        repeat_interval=repeat.interval,
        weekly_days=zoom_weekdays(repeat.weekdays) if repeat.kind == "weekly" else None,
        monthly_day=repeat.month_day if repeat.kind == "monthly" else None,
        end_times=None if plan.until is not None else len(plan.starts),
        end_date_time=plan.until,
    )
