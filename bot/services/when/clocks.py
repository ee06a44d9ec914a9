"""A clock written without am/pm (``3:30``, ``at 9``) read by working hours, and said so.

Decision: the caller's working hours are taken as 8am–6pm (Slack does not tell us a
person's hours). An hour from 8 to 12 is the morning or noon as written; 1 to 5 means
the afternoon (``3:30`` → 3:30pm), and the reply says so; 6 and 7 fall outside working
hours either way, so we ask. A zero-padded hour (``07:30``) or a 24-hour one (``15:30``,
``0:15``) is taken as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

WORK_START = 8  # 8am
WORK_END = 18  # 6pm


@dataclass(frozen=True)
class BareClock:
    """How a clock without am/pm reads: one time (with a note when we chose), or two to ask about."""

    clock: time | None
    note: str | None = None
    choices: tuple[time, time] | None = None


def describe_clock(clock: time) -> str:
    """``9am``, ``3:30pm``: a clock time as people write it."""
    hour = clock.hour % 12 or 12
    suffix = "am" if clock.hour < 12 else "pm"
    return f"{hour}{suffix}" if clock.minute == 0 else f"{hour}:{clock.minute:02d}{suffix}"


def read_bare(hour_text: str, minute: int) -> BareClock:
    """``3``/``03`` and minutes as a time of day; ``clock`` None when it is no time at all."""
    hour = int(hour_text)
    if minute > 59 or hour > 23:
        return BareClock(None)
    written = time(hour, minute)
    if hour_text.startswith("0") or hour == 0 or hour >= 13 or WORK_START <= hour <= 12:
        return BareClock(written)
    afternoon = time(hour + 12, minute)
    if afternoon.hour < WORK_END:
        note = f"{describe_clock(afternoon)}: a time without am/pm is read within working hours (8am–6pm)"
        return BareClock(afternoon, note=note)
    return BareClock(None, choices=(written, afternoon))
