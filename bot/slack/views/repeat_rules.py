"""A repeat rule in words (``every weekday``, ``every 2 weeks on Fri``), ours or Zoom's."""

from __future__ import annotations

from bot.services.series import ZOOM_KINDS, python_weekdays
from bot.services.when import WEEKEND, WORKWEEK, Kind, describe_clock
from bot.zoom.models import Recurrence

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

__all__ = ["describe_clock", "describe_days", "describe_rule", "describe_zoom_rule"]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def describe_days(weekdays: frozenset[int]) -> str:
    if weekdays == WORKWEEK:
        return "weekday"
    if weekdays == WEEKEND:
        return "weekend day"
    return ", ".join(WEEKDAY_NAMES[d] for d in sorted(weekdays))


_MONTH_WEEK_NAMES = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}


def describe_rule(
    kind: Kind, interval: int, weekdays: frozenset[int], month_day: int | None, month_week: int | None = None
) -> str:
    """``every weekday``, ``every 2 weeks on Fri``, ``every 3 days``, ``every month on the 1st``,
    ``every month on the first Fri``."""
    if kind == "monthly" and month_week in _MONTH_WEEK_NAMES and len(weekdays) == 1:
        on = f" on the {_MONTH_WEEK_NAMES[month_week]} {WEEKDAY_NAMES[next(iter(weekdays))]}"
        return ("every month" if interval == 1 else f"every {interval} months") + on
    if kind == "daily":
        return "every day" if interval == 1 else f"every {interval} days"
    if kind == "weekly":
        days = describe_days(weekdays) if weekdays else "week"
        if interval == 1:
            return f"every {days}"
        return f"every {interval} weeks on {days}"
    on = f" on the {_ordinal(month_day)}" if month_day else ""
    return ("every month" if interval == 1 else f"every {interval} months") + on


def describe_zoom_rule(recurrence: Recurrence) -> str | None:
    """Zoom's ``recurrence`` object in words (``every weekday``); None for a kind we don't know."""
    kind = ZOOM_KINDS.get(recurrence.type)
    if kind is None:
        return None
    if recurrence.monthly_week is not None and recurrence.monthly_week_day is not None:
        weekday = python_weekdays(str(recurrence.monthly_week_day))
        return describe_rule(kind, recurrence.repeat_interval, weekday, None, recurrence.monthly_week)
    weekdays = python_weekdays(recurrence.weekly_days or "")
    return describe_rule(kind, recurrence.repeat_interval, weekdays, recurrence.monthly_day)
