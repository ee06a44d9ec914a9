"""The account's usage and live meetings for Zoom admins, read from Zoom at the least cost.

Periods, the months Zoom is asked for, totals against the period before, and a shared
short-lived cache of the live dashboard.

Zoom's daily report answers one whole month per (Heavy) call and keeps six months; its live
dashboard is Resource-intensive (10–20 calls a minute per account). So a usage read-out asks
at most the two or three months its periods touch, and live read-outs within a minute share
one call, whoever asks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.zoom.reports import AccountReports, DayUsage, LiveMeeting

REPORT_MONTHS = 6  # Zoom keeps the daily report for this month and the five before
LIVE_FRESH_SECONDS = 60.0  # one dashboard call a minute at most, whoever asks


@dataclass(frozen=True)
class LastDays:
    """`/zoom usage 7d`: the last N days, today included."""

    days: int


@dataclass(frozen=True)
class CalendarMonth:
    """`/zoom usage nov`, `2026-11`: a month; with no year, the latest one not in the future."""

    month: int
    year: int | None = None


@dataclass(frozen=True)
class MonthsAgo:
    """`/zoom usage last month` (1), `this month` (0)."""

    months: int


PeriodAsk = LastDays | CalendarMonth | MonthsAgo


class PeriodError(ValueError):
    """A period Zoom cannot answer: in the future, or older than it keeps."""

    def __init__(self, reason: str, first: date) -> None:
        super().__init__(f"{reason}: {first.isoformat()}")
        self.reason = reason  # "future" or "too_old"
        self.first = first


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    whole_month: bool  # a calendar month (its label names the month) or a run of days

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass(frozen=True)
class Totals:
    meetings: int = 0
    participants: int = 0
    meeting_minutes: int = 0
    new_users: int = 0


@dataclass(frozen=True)
class UsageReport:
    period: Period
    days: list[DayUsage]  # every day of the period, in order (zeros where Zoom had none)
    totals: Totals
    previous: Period | None  # None when Zoom no longer keeps the period before
    previous_totals: Totals | None


@dataclass(frozen=True)
class LiveReadout:
    meetings: list[LiveMeeting]
    as_of: datetime  # when Zoom was asked (a cached answer is this old)


def resolve_period(ask: PeriodAsk, today: date) -> Period:
    """The dates ``ask`` means for someone whose today is ``today``; PeriodError if Zoom can't answer."""
    if isinstance(ask, LastDays):
        period = Period(today - timedelta(days=ask.days - 1), today, whole_month=False)
    else:
        if isinstance(ask, MonthsAgo):
            first = _month_start(today, -ask.months)
        elif ask.year is None:
            first = date(today.year, ask.month, 1)
            if first > today:
                first = first.replace(year=today.year - 1)
        else:
            first = date(ask.year, ask.month, 1)
        if first > today:
            raise PeriodError("future", first)
        period = Period(first, min(_month_end(first), today), whole_month=True)
    if period.first < oldest_kept(today):
        raise PeriodError("too_old", period.first)
    return period


def oldest_kept(today: date) -> date:
    return _month_start(today, -(REPORT_MONTHS - 1))


def previous_of(period: Period, today: date) -> Period | None:
    """The period before, of the same kind (the month before, or as many days before)."""
    if period.whole_month:
        first = _month_start(period.first, -1)
        before = Period(first, _month_end(first), whole_month=True)
    else:
        before = Period(
            period.first - timedelta(days=period.days), period.first - timedelta(days=1), whole_month=False
        )
    return before if before.first >= oldest_kept(today) else None


def totals_of(days: list[DayUsage]) -> Totals:
    return Totals(
        meetings=sum(d.meetings for d in days),
        participants=sum(d.participants for d in days),
        meeting_minutes=sum(d.meeting_minutes for d in days),
        new_users=sum(d.new_users for d in days),
    )


class AccountFigures:
    """Usage and live read-outs for an admin's :class:`AccountReports` (account mode)."""

    def __init__(self, *, clock: Callable[[], datetime], live_fresh: float = LIVE_FRESH_SECONDS) -> None:
        self._clock = clock
        self._live_fresh = live_fresh
        self._live: LiveReadout | None = None
        self._live_lock = asyncio.Lock()

    async def usage(self, reports: AccountReports, ask: PeriodAsk, *, tz: str) -> UsageReport:
        today = self._clock().astimezone(ZoneInfo(tz)).date()
        period = resolve_period(ask, today)
        previous = previous_of(period, today)
        wanted = [period] + ([previous] if previous is not None else [])
        months = sorted({(d.year, d.month) for p in wanted for d in _dates(p)})
        answers = await asyncio.gather(*(reports.daily_usage(year, month) for year, month in months))
        by_day = {usage.day: usage for answer in answers for usage in answer}
        days = [by_day.get(day) or DayUsage(day, 0, 0, 0, 0) for day in _dates(period)]
        before = [by_day[day] for day in _dates(previous) if day in by_day]
        return UsageReport(
            period=period,
            days=days,
            totals=totals_of(days),
            previous=previous,
            previous_totals=totals_of(before) if previous is not None else None,
        )

    async def live(self, reports: AccountReports) -> LiveReadout:
        """Meetings in progress, at most ``live_fresh`` seconds old; callers meanwhile share one call."""
        async with self._live_lock:
            now = self._clock()
            cached = self._live
            if cached is not None and (now - cached.as_of).total_seconds() < self._live_fresh:
                return cached
            meetings = await reports.live_meetings(now.date())
            self._live = LiveReadout(meetings, as_of=now)
            return self._live


def _dates(period: Period | None) -> list[date]:
    if period is None:
        return []
    return [period.first + timedelta(days=n) for n in range(period.days)]


def _month_start(day: date, shift: int) -> date:
    index = day.year * 12 + (day.month - 1) + shift
    return date(index // 12, index % 12 + 1, 1)


def _month_end(first: date) -> date:
    return _month_start(first, 1) - timedelta(days=1)
