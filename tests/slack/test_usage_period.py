"""`/zoom usage`'s period as admins write it, and the sparkline it is drawn with."""

from __future__ import annotations

import pytest

from bot.services.account_reports import CalendarMonth, LastDays, MonthsAgo
from bot.slack.grammar import ShowUsage
from bot.slack.hints import UsageError
from bot.slack.subcommands import parse_command
from bot.slack.views.account_figures import sparkline


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("usage", LastDays(7)),
        ("usage 7d", LastDays(7)),
        ("usage 30 days", LastDays(30)),
        ("usage last 14 days", LastDays(14)),
        ("usage  the past 3 days", LastDays(3)),
        ("usage week", LastDays(7)),
        ("usage this month", MonthsAgo(0)),
        ("usage last month", MonthsAgo(1)),
        ("usage Nov", CalendarMonth(11)),
        ("usage november 2026", CalendarMonth(11, 2026)),
        ("usage sept", CalendarMonth(9)),
        ("usage 2026-11", CalendarMonth(11, 2026)),
        ("usage 11/2026", CalendarMonth(11, 2026)),
    ],
)
def test_periods_people_write(text: str, period: object) -> None:
    assert parse_command(text) == ShowUsage(period)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text", ["usage 0d", "usage 32d", "usage yesterday-ish", "usage 2026-00", "usage smarch"]
)
def test_unreadable_periods_get_the_usage_line(text: str) -> None:
    error = parse_command(text)
    assert isinstance(error, UsageError) and error.subcommand == "usage"
    assert error.usage.startswith("/zoom usage")


def test_sparkline_scales_to_the_largest_value() -> None:
    assert sparkline([0, 1, 2, 4, 8]) == "▁▁▂▄█"
    assert sparkline([0, 0, 0]) == "▁▁▁"
    assert sparkline([]) == ""
