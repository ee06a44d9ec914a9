"""Usage periods: which dates a period means, the one before it, and what Zoom no longer keeps."""

from __future__ import annotations

from datetime import date

import pytest

from bot.services.account_reports import (
    CalendarMonth,
    LastDays,
    MonthsAgo,
    Period,
    PeriodError,
    previous_of,
    resolve_period,
)

TODAY = date(2026, 1, 10)


@pytest.mark.parametrize(
    ("ask", "first", "last"),
    [
        (LastDays(7), date(2026, 1, 4), date(2026, 1, 10)),
        (LastDays(30), date(2025, 12, 12), date(2026, 1, 10)),
        (MonthsAgo(0), date(2026, 1, 1), date(2026, 1, 10)),  # this month: so far
        (MonthsAgo(1), date(2025, 12, 1), date(2025, 12, 31)),
        (CalendarMonth(11), date(2025, 11, 1), date(2025, 11, 30)),  # no year: the latest November
        (CalendarMonth(2, 2025), None, None),  # 11 months back: too old
        (CalendarMonth(8, 2025), date(2025, 8, 1), date(2025, 8, 31)),  # the oldest Zoom keeps
    ],
)
def test_a_period_means_these_dates(ask: object, first: date | None, last: date | None) -> None:
    if first is None:
        with pytest.raises(PeriodError) as caught:
            resolve_period(ask, TODAY)  # type: ignore[arg-type]
        assert caught.value.reason == "too_old"
        return
    period = resolve_period(ask, TODAY)  # type: ignore[arg-type]
    assert (period.first, period.last) == (first, last)


def test_a_month_ahead_is_refused() -> None:
    with pytest.raises(PeriodError) as caught:
        resolve_period(CalendarMonth(2, 2026), TODAY)
    assert caught.value.reason == "future"


def test_the_period_before_is_of_the_same_kind_and_only_while_zoom_keeps_it() -> None:
    week = resolve_period(LastDays(7), TODAY)
    assert previous_of(week, TODAY) == Period(date(2025, 12, 28), date(2026, 1, 3), whole_month=False)
    march = Period(date(2025, 12, 1), date(2025, 12, 31), whole_month=True)
    assert previous_of(march, TODAY) == Period(date(2025, 11, 1), date(2025, 11, 30), whole_month=True)
    oldest = resolve_period(CalendarMonth(8, 2025), TODAY)
    assert previous_of(oldest, TODAY) is None
