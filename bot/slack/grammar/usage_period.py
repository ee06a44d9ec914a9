"""`/zoom usage`'s period, as admins write it.

`7d`, `30 days`, `this month`, `last month`, `nov`, `november 2026`, `2026-11`, `11/2026`.
"""

from __future__ import annotations

import re

from bot.services.account_reports import CalendarMonth, LastDays, MonthsAgo, PeriodAsk
from bot.slack.grammar.commands import Command, ShowUsage
from bot.slack.grammar.words import plain_words
from bot.slack.hints import UsageError

MAX_USAGE_DAYS = 31  # one sparkline character a day

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_DAYS = re.compile(r"(?:(?:the\s+)?(?:last|past)\s+)?(\d{1,3})\s*(?:d|days?)?")
_ISO_MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})")
_SLASH_MONTH = re.compile(r"(\d{1,2})[-/.](\d{4})")
_NAMED_MONTH = re.compile(r"([a-z]+)\.?(?:,?\s+(\d{4}))?")
_RELATIVE: dict[str, PeriodAsk] = {
    "week": LastDays(7),
    "this week": LastDays(7),
    "month": LastDays(30),
    "this month": MonthsAgo(0),
    "last month": MonthsAgo(1),
    "previous month": MonthsAgo(1),
}


def read_usage(rest: str) -> Command | UsageError:
    text = " ".join(plain_words(rest).lower().split())
    if not text:
        return ShowUsage()
    period = _period(text)
    if isinstance(period, str):
        return UsageError.for_subcommand("usage", period)
    return ShowUsage(period)


def _period(text: str) -> PeriodAsk | str:
    """The period, or what is wrong with it (in the user's words)."""
    if text in _RELATIVE:
        return _RELATIVE[text]
    if (m := _DAYS.fullmatch(text)) is not None:
        days = int(m.group(1))
        if not 1 <= days <= MAX_USAGE_DAYS:
            return f"Pick between 1 and {MAX_USAGE_DAYS} days, or a month like `nov`."
        return LastDays(days)
    found = _ISO_MONTH.fullmatch(text) or _SLASH_MONTH.fullmatch(text)
    if found is not None:
        year, month = (
            (int(found.group(1)), int(found.group(2)))
            if found.re is _ISO_MONTH
            else (int(found.group(2)), int(found.group(1)))
        )
        if not 1 <= month <= 12:
            return f"`{text}` has no month {month}."
        return CalendarMonth(month, year)
    if (m := _NAMED_MONTH.fullmatch(text)) is not None and m.group(1) in _MONTHS:
        return CalendarMonth(_MONTHS[m.group(1)], int(m.group(2)) if m.group(2) else None)
    return "Give a number of days (`7d`, `30d`) or a month (`nov`, `2026-11`, `last month`)."
