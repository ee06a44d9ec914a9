"""Reading times, durations and repeat rules the way people type them in `/zoom`.

Pure: text, the caller's clock and zone in; datetimes, minutes and rules out. No I/O and
nothing of Slack, so the grammar (``bot/slack/grammar``) and series planning
(``bot/services/series.py``) both build on it. ``moments`` reads times, ``durations``
meeting lengths, ``recurrence`` ``every …`` rules (its own docstring has its decisions).

Accepted forms (case-insensitive; "at", "on", "next", "this" and commas are ignored):

- relative: ``in 30m``, ``in 2h``, ``in 1h30m``, ``in 2 hours``, ``in 3 days``,
  ``in a week``, ``in 2 weeks``; whole days may take a time: ``in a week 10am``
- a day: ``today``, ``tomorrow``, a weekday (``mon``, ``monday`` …), ``next week``
  (its Monday), ``friday next week``, an ISO date ``2026-12-03``, or a month-name date
  ``Dec 3``, ``3 Dec``, ``December 3rd 2026``
- a clock time: ``3pm``, ``3:30 pm``, ``15:30``, ``09:00``, ``noon``, ``midnight``, and as
  people say them (``phrasing``): ``half past 3``, ``quarter to 10``, ``3 o'clock in the
  afternoon``, ``8 tonight``, ``1730``, ``17h30``; ``at 9`` (a bare hour only after "at")
- more days: ``12/15`` and ``15.12.`` (``reading``), ``the 15th``; relative ``in half an
  hour``, ``3 hours from now``, ``a week from tomorrow``; ranges (``ranges``) ``3-4pm``
- day and time in either order: ``tomorrow 3pm``, ``3pm tomorrow``, ``2026-12-03 14:00``
- worded in the past — ``yesterday 3pm``, ``last friday 10am``, ``last week``, ``2 hours
  ago``, ``3 days ago`` — is read only to be refused with "that time is in the past" and
  the nearest future wording (``tomorrow 3pm``, ``friday 10am``, ``in 2 hours``)

Decisions (documented because users will ask):

- A time with no day means *today*; if that moment has passed we refuse with "that time
  is in the past" and suggest ``tomorrow …`` rather than silently moving to tomorrow.
- A weekday means the next such day; today only if the time is still ahead.
- ``next week`` is the Monday of the coming week (never today), with the time asked for.
- A month-name date without a year means its next occurrence (this year, or next year
  if it has passed). An explicit year is taken literally.
- Numeric forms like ``12/3`` follow the caller's Slack language; unknown and both real
  dates, we ask (:class:`AmbiguousWhen`). ``15.12.`` is always day first.
- A clock without am/pm is read within working hours (``clocks``); 6 and 7 are asked.
- ``midnight`` alone (or ``midnight tonight``) is the coming one.
- Times are wall-clock times in the caller's zone. A time that does not exist (the
  spring-forward gap) is refused; an ambiguous one (the fall-back hour) means the first
  occurrence.
- Anything at or before ``now`` is refused, and so is anything over five years ahead.

Durations: ``45m``, ``1h``, ``1h30m``, ``1h30``, ``90 min``, ``1.5h``, ``2 hours``, a bare
number of minutes, or in words (``an hour and a half``, ``1/2 hour``, ``a couple of hours``);
1–1440 minutes (Zoom's limits).
"""

from __future__ import annotations

from bot.services.when.clocks import describe_clock
from bot.services.when.durations import (
    MAX_DURATION,
    MIN_DURATION,
    duration_minutes,
    parse_duration,
    split_when_and_duration,
)
from bot.services.when.errors import DURATION_EXAMPLE, WHEN_EXAMPLE, WhenError
from bot.services.when.moments import (
    MAX_AHEAD,
    local_datetime,
    looks_like_when,
    parse_clock,
)
from bot.services.when.reading import AmbiguousWhen, Choice, Reading, month_first, parse_when, read_when
from bot.services.when.recurrence import (
    MAX_INTERVAL,
    MAX_OCCURRENCES,
    RECURRENCE_EXAMPLE,
    WEEKEND,
    WORKWEEK,
    Kind,
    RecurrenceError,
    Repeat,
    read_recurrence,
    recurrence_starts,
)

__all__ = [
    "AmbiguousWhen",
    "Choice",
    "Reading",
    "month_first",
    "read_when",
    "DURATION_EXAMPLE",
    "MAX_AHEAD",
    "MAX_DURATION",
    "MAX_INTERVAL",
    "MAX_OCCURRENCES",
    "MIN_DURATION",
    "RECURRENCE_EXAMPLE",
    "WEEKEND",
    "WHEN_EXAMPLE",
    "WORKWEEK",
    "Kind",
    "RecurrenceError",
    "Repeat",
    "WhenError",
    "describe_clock",
    "duration_minutes",
    "local_datetime",
    "looks_like_when",
    "parse_clock",
    "parse_duration",
    "parse_when",
    "read_recurrence",
    "recurrence_starts",
    "split_when_and_duration",
]
