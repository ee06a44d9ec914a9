"""Repeat rules written without ``every`` put in its words.

``weekdays at 9am`` → ``every weekday at 9am``, ``the first friday of every month`` →
``every month on the first friday``.

A topic may start with one of these words ("Daily standup tomorrow 9am"), so a rule found
this way counts only if the whole of it reads; the grammar falls back to a one-off meeting
otherwise (:func:`soft_starts` marks where such a rule could begin).
"""

from __future__ import annotations

import re

MONTH_WEEKS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "last": -1,
}
_PLURAL_DAYS = ("mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays")
_LEADS = {
    "daily": "every day",
    "everyday": "every day",
    "weekdays": "every weekday",
    "workdays": "every weekday",
    "weekends": "every weekend",
    "weekly": "every week",
    "biweekly": "every 2 weeks",
    "fortnightly": "every 2 weeks",
    "monthly": "every month",
    "each": "every",
}
_ORDINAL_WORDS = "|".join(MONTH_WEEKS)
_MONTH_WEEK = re.compile(
    rf"(?:every |each )?(?:on )?(?:the )?({_ORDINAL_WORDS}) ([a-z]+) (?:of|in) (?:every|each|the|a) month\b"
)


def as_every(text: str) -> str:
    """``text`` with its rule in ``every …`` words; unchanged when it starts no rule we know."""
    stripped = text.strip()
    lowered = stripped.lower()
    if (match := _MONTH_WEEK.match(lowered)) is not None:
        return f"every month on the {match.group(1)} {match.group(2)}{stripped[match.end() :]}"
    first, _, rest = lowered.partition(" ")
    first = first.rstrip(",")
    if first == "on" and rest.split(" ", 1)[0] in _PLURAL_DAYS:
        return f"every {stripped[3:]}"
    if first in _PLURAL_DAYS:
        return f"every {stripped}"
    if first in _LEADS:
        return f"{_LEADS[first]}{stripped[len(first) :]}"
    return stripped


def soft_starts(text: str) -> list[int]:
    """Where in ``text`` (character indexes) a rule without ``every`` could begin."""
    return [
        m.start()
        for m in re.finditer(r"\S+", text)
        if m.group().lower() != "every" and as_every(text[m.start() :]) != text[m.start() :].strip()
    ]
