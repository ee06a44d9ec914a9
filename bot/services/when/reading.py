"""A time typed by a person, placed on the calendar: the moment, what we assumed, or a question.

:func:`read_when` turns the words :mod:`moments` read into an aware datetime in the
caller's zone, with notes on anything we decided for them (a bare ``3:30`` read as
3:30pm, ``12/11`` read month first because their Slack language writes dates so), so
the reply can say it. When two readings are plausible it raises :class:`AmbiguousWhen`
with both, each as words that read unambiguously, and never picks one itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.when.clocks import describe_clock
from bot.services.when.errors import WHEN_EXAMPLE, WhenError
from bot.services.when.moments import (
    MAX_AHEAD,
    NEXT_WEEK,
    CalendarDate,
    Day,
    MonthDay,
    NumericDate,
    PastDay,
    WhenSpec,
    local_datetime,
    read_spec,
)

_MONTH_ABBR = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Slack languages whose short dates put the month first (12/15); every other known one puts the day first.
_MONTH_FIRST = frozenset({"en-US", "en-PH", "ja-JP", "zh-CN", "zh-TW", "ko-KR"})


def month_first(locale: str | None) -> bool | None:
    """Whether the caller's Slack language writes ``12/15`` month first; None when unknown."""
    if not locale:
        return None
    normalized = locale.replace("_", "-")
    if normalized in _MONTH_FIRST:
        return True
    return None if normalized.startswith("en-CA") else False


@dataclass(frozen=True)
class Reading:
    """The moment a text means, and what we decided on the caller's behalf (said in the reply)."""

    start: datetime
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Choice:
    """One reading of an ambiguous time: a label (``Thu 11 Dec, 15:00``) and unambiguous words for it."""

    label: str
    text: str


class AmbiguousWhen(WhenError):
    """Two readings are plausible: ask, offering each (``choices``); never guess."""

    def __init__(self, choices: tuple[Choice, ...]) -> None:
        labels = " or ".join(f"*{choice.label}*" for choice in choices)
        super().__init__(f"Did you mean {labels}?", choices[0].text)
        self.choices = choices


def _unreadable() -> WhenError:
    return WhenError(
        "I couldn't read that time. Try a day and a time, like `tomorrow 3pm`, `mon 9:30am`, "
        "`2026-12-03 14:00`, `Dec 3 2pm` or `in 2h`.",
    )


def parse_when(text: str, *, now: datetime, tz: ZoneInfo, locale: str | None = None) -> datetime:
    """The moment ``text`` means, as an aware datetime in ``tz``; raises :class:`WhenError`."""
    return read_when(text, now=now, tz=tz, locale=locale).start


def read_when(text: str, *, now: datetime, tz: ZoneInfo, locale: str | None = None) -> Reading:
    """The moment ``text`` means and notes on it; raises :class:`WhenError` or :class:`AmbiguousWhen`."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    spec = read_spec(text)
    if spec is None:
        raise _unreadable()
    if spec.clock_choices is not None:
        raise _ask(spec, spec.clock_word, [f"{spec.clock_word}am", f"{spec.clock_word}pm"], now, tz, locale)
    notes: list[str] = [spec.clock_note] if spec.clock_note else []
    if isinstance(spec.day, NumericDate):
        dates = _numeric_readings(spec.day, month_first(locale))
        if not dates:
            raise WhenError("That date doesn't exist.", "Dec 3 2pm")
        if len(dates) > 1 and month_first(locale) is None:
            raise _ask(spec, spec.day.word, [_date_words(d, spec.day.year) for d in dates], now, tz, locale)
        if len(dates) > 1 or not spec.day.dotted and spec.day.first != spec.day.second and locale:
            notes.append(
                f"`{spec.day.word}` read {_order(dates[0], spec.day)}, as your Slack language writes dates"
            )
        spec = replace(spec, day=dates[0])
    return Reading(_resolve(spec, now, tz), tuple(notes))


def _order(day: CalendarDate, written: NumericDate) -> str:
    return "month first" if day.month == written.first and not written.dotted else "day first"


def _date_words(day: CalendarDate, year: int | None) -> str:
    return f"{day.day} {_MONTH_ABBR[day.month - 1]}" + (f" {year}" if year is not None else "")


def _numeric_readings(written: NumericDate, first_is_month: bool | None) -> list[CalendarDate]:
    """The calendar dates ``12/11`` can be, the caller's convention first; impossible ones dropped."""
    pairs = [(written.second, written.first)] if written.dotted else [(written.first, written.second)]
    if not written.dotted:
        pairs.append((written.second, written.first))
        if first_is_month is False:
            pairs.reverse()
    out: list[CalendarDate] = []
    for month, day in pairs:
        if 1 <= month <= 12 and 1 <= day <= 31 and (month, day) not in [(d.month, d.day) for d in out]:
            try:
                date(written.year or 2028, month, day)  # 2028: a leap year, so 29 Feb stands
            except ValueError:
                continue
            out.append(CalendarDate(written.year, month, day))
    return out


def _ask(
    spec: WhenSpec, word: str, replacements: list[str], now: datetime, tz: ZoneInfo, locale: str | None
) -> WhenError:
    """The question for an ambiguous word: each replacement read in full and labelled."""
    choices: list[Choice] = []
    first_error: WhenError | None = None
    for replacement in replacements:
        text = re.sub(rf"(?<!\S){re.escape(word)}(?!\S)", replacement, spec.text, count=1)
        try:
            start = read_when(text, now=now, tz=tz, locale=locale).start
        except AmbiguousWhen as also:  # "3/4 7:30": the day and the clock both read two ways
            choices.extend(also.choices)
            continue
        except WhenError as error:
            first_error = first_error or error
            continue
        choices.append(Choice(f"{start:%a %d %b}, {start:%H:%M}", text))
    if not choices:
        assert first_error is not None
        return first_error
    return AmbiguousWhen(tuple(choices))


def _is_past(moment: datetime, now: datetime) -> bool:
    # Compare instants in UTC: Python compares two datetimes that share a tzinfo by wall
    # clock alone, which is wrong around DST changes.
    return moment.astimezone(UTC) <= now.astimezone(UTC)


def _resolve(spec: WhenSpec, now: datetime, tz: ZoneInfo) -> datetime:
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
                "Add a time of day too.", "next week 10am" if spec.day == NEXT_WEEK else WHEN_EXAMPLE
            )
        day = spec.day if spec.day is not None else (1 if spec.coming_midnight else None)
        if day is None:
            result = local_datetime(now_local.date(), spec.clock, tz)
            if _is_past(result, now):
                raise WhenError("That time is in the past.", f"tomorrow {describe_clock(spec.clock)}")
            return result
        result = local_datetime(_resolve_day(day, spec.clock, now_local.date(), now, tz), spec.clock, tz)
    except OverflowError:
        raise WhenError("That's more than five years ahead.") from None
    if _is_past(result, now):
        raise WhenError("That time is in the past.", f"tomorrow {describe_clock(spec.clock)}")
    if result.astimezone(UTC) - now.astimezone(UTC) > MAX_AHEAD:
        raise WhenError("That's more than five years ahead.")
    return result


def _resolve_day(day: Day, clock: time, today: date, now: datetime, tz: ZoneInfo) -> date:
    if isinstance(day, int):
        return today + timedelta(days=day)
    if isinstance(day, PastDay | NumericDate):
        raise AssertionError("past days are refused and numeric dates decided before they are resolved")
    if isinstance(day, MonthDay):
        return _month_day(day.day, clock, today, now, tz)
    if isinstance(day, str) and day.startswith(NEXT_WEEK):  # "nw" (its Monday) or "nw:N"
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


def _month_day(day: int, clock: time, today: date, now: datetime, tz: ZoneInfo) -> date:
    """``the 15th``: this month's if still ahead, else the next month that has that day."""
    year, month = today.year, today.month
    for _ in range(13):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and not _is_past(datetime.combine(candidate, clock, tzinfo=tz), now):
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise WhenError("No month has that day.", "the 15th at 9am")


def _past_suggestion(spec: WhenSpec, now_local: datetime) -> str | None:
    """For wording in the past, the future wording to suggest instead; None otherwise.

    ``yesterday 3pm`` → ``tomorrow 3pm``, ``last friday 10am`` → ``friday 10am`` (the next
    Friday), ``2 hours ago`` → ``in 2 hours``. Without a time of day, the next full hour.
    """
    if spec.ago is not None:
        return spec.ago
    if not isinstance(spec.day, PastDay):
        return None
    clock = spec.clock or time((now_local.hour + 1) % 24, 0)
    return f"{spec.day.instead} {describe_clock(clock)}"
