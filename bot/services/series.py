"""A recurring series placed on the calendar (every occurrence, its end), and as Zoom's ``recurrence``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, FR, MO, MONTHLY, SA, SU, TH, TU, WE, WEEKLY, rrule

from bot.services.when import (
    MAX_OCCURRENCES,
    Kind,
    RecurrenceError,
    Repeat,
    WhenError,
    local_datetime,
    parse_when,
)
from bot.zoom.models import Recurrence

ZOOM_KINDS: dict[int, Kind] = {1: "daily", 2: "weekly", 3: "monthly"}
_ZOOM_TYPES = {kind: number for number, kind in ZOOM_KINDS.items()}


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


_WEEKDAYS = (MO, TU, WE, TH, FR, SA, SU)


def _rule(repeat: Repeat, first: date) -> rrule:
    """The series as a calendar rule from ``first`` on (enough for Zoom's 60 occurrences and one more).

    Weeks start on Sunday, as at Zoom, so "every 2 weeks" counts the same weeks Zoom does;
    a month without the day asked for (the 31st) is skipped, as at Zoom.
    """
    start = datetime.combine(first, time())
    count = MAX_OCCURRENCES + 1
    if repeat.kind == "daily":
        return rrule(DAILY, interval=repeat.interval, dtstart=start, count=count)
    if repeat.kind == "weekly":
        days = [_WEEKDAYS[d] for d in sorted(repeat.weekdays)]
        return rrule(WEEKLY, interval=repeat.interval, byweekday=days, wkst=SU, dtstart=start, count=count)
    if repeat.month_week is not None:
        (weekday,) = repeat.weekdays
        nth = _WEEKDAYS[weekday](repeat.month_week)
        return rrule(MONTHLY, interval=repeat.interval, byweekday=nth, dtstart=start, count=count)
    assert repeat.month_day is not None
    return rrule(MONTHLY, interval=repeat.interval, bymonthday=repeat.month_day, dtstart=start, count=count)


def _days_from(repeat: Repeat, first: date) -> list[date]:
    """Meeting days from ``first`` on, in order."""
    return [moment.date() for moment in _rule(repeat, first)]


def _first_day(repeat: Repeat, now: datetime, tz: ZoneInfo) -> date:
    """The first matching day, on or after ``repeat.from_day`` if given, whose time is still ahead."""
    today = max(now.astimezone(tz).date(), repeat.from_day or date.min)
    probe = Repeat(
        repeat.kind, repeat.clock, 1, repeat.weekdays, repeat.month_day, month_week=repeat.month_week
    )
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


def zoom_weekday(weekday: int) -> int:
    """A Python weekday (0 = Monday) as Zoom's (1 = Sunday … 7 = Saturday)."""
    return (weekday + 1) % 7 + 1


def zoom_weekdays(weekdays: frozenset[int]) -> str:
    """Python weekdays as Zoom's ``weekly_days``: ``"2,3,4,5,6"`` (1 = Sunday … 7 = Saturday)."""
    return ",".join(str(zoom_weekday(d)) for d in sorted(weekdays, key=lambda d: (d + 1) % 7))


def python_weekdays(weekly_days: str) -> frozenset[int]:
    """Zoom's ``weekly_days`` back to Python weekdays; unknown pieces are skipped."""
    found = set()
    for piece in weekly_days.split(","):
        piece = piece.strip()
        if piece.isdigit() and 1 <= int(piece) <= 7:
            found.add((int(piece) - 2) % 7)
    return frozenset(found)


def zoom_recurrence(plan: SeriesPlan) -> Recurrence:
    """The ``recurrence`` object for Zoom: the rule, and ``end_date_time`` or ``end_times``."""
    repeat = plan.repeat
    return Recurrence(
        type=_ZOOM_TYPES[repeat.kind],
        repeat_interval=repeat.interval,
        weekly_days=zoom_weekdays(repeat.weekdays) if repeat.kind == "weekly" else None,
        monthly_day=repeat.month_day if repeat.kind == "monthly" else None,
        monthly_week=repeat.month_week,
        monthly_week_day=zoom_weekday(next(iter(repeat.weekdays))) if repeat.month_week is not None else None,
        end_times=None if plan.until is not None else len(plan.starts),
        end_date_time=plan.until,
    )
