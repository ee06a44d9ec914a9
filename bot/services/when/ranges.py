"""A time range (``3-4pm``, ``from 2:30 to 4``, ``friday 9 to 11am``) as a start and a length.

The end's am/pm carries to the start when that keeps the start first (``9 to 11am`` is
9am–11am, ``11-1pm`` is 11am–1pm), and the start's to the end likewise. With neither
written the start is read within working hours (as for any clock without am/pm) and the
end is the first such time after it. A range that ends where it starts, or lasts over a
day, is not one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from bot.services.when.clocks import read_bare

_CLOCK = r"(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?"
_MAX_INFERRED = 10 * 60
_RANGE = re.compile(rf"(?:(?<=\s)|^)(?:from\s+)?{_CLOCK}\s*(?:-|–|—|to|till|until)\s*{_CLOCK}(?=\s|$)")


@dataclass(frozen=True)
class TimeRange:
    """The text with the range replaced by its start (``friday 09:00``), and its length in minutes."""

    text: str
    minutes: int
    start: str  # the start as put in the text, "09:00"


def _with_meridiem(hour: int, minute: int, meridiem: str) -> time | None:
    if not 1 <= hour <= 12 or minute > 59:
        return None
    return time(hour % 12 + (12 if meridiem.startswith("p") else 0), minute)


def _minutes(clock: time) -> int:
    return clock.hour * 60 + clock.minute


def _start_and_end(match: re.Match[str]) -> tuple[time, time] | None:
    h1, m1, mer1, h2, m2, mer2 = match.groups()
    a_hour, a_min, b_hour, b_min = int(h1), int(m1 or 0), int(h2), int(m2 or 0)
    if mer1 and mer2:
        start, end = _with_meridiem(a_hour, a_min, mer1), _with_meridiem(b_hour, b_min, mer2)
    elif mer2:
        end = _with_meridiem(b_hour, b_min, mer2)
        same = _with_meridiem(a_hour, a_min, mer2)
        other = _with_meridiem(a_hour, a_min, "am" if mer2.startswith("p") else "pm")
        start = same if same and end and _minutes(same) < _minutes(end) else other
    elif mer1:
        start = _with_meridiem(a_hour, a_min, mer1)
        same = _with_meridiem(b_hour, b_min, mer1)
        other = _with_meridiem(b_hour, b_min, "pm" if mer1.startswith("a") else "am")
        end = same if same and start and _minutes(same) > _minutes(start) else other
    else:
        start = read_bare(h1, a_min).clock
        later = [c for c in _bare_candidates(h2, b_min) if start and _minutes(c) > _minutes(start)]
        end = min(later, key=_minutes) if later else None
    if start is None or end is None:
        return None
    return start, end


def _bare_candidates(hour_text: str, minute: int) -> list[time]:
    hour = int(hour_text)
    if minute > 59 or hour > 23:
        return []
    if hour_text.startswith("0") or hour == 0 or hour >= 13:
        return [time(hour, minute)]
    return [time(hour % 12, minute), time(hour % 12 + 12, minute)]


def split_range(text: str) -> TimeRange | None:
    """The last range in ``text`` as a start and a length; None if there is none (or it makes no sense)."""
    matches = list(_RANGE.finditer(text.lower()))
    if not matches:
        return None
    match = matches[-1]
    found = _start_and_end(match)
    if found is None:
        return None
    start, end = found
    minutes = _minutes(end) - _minutes(start)
    both_written = bool(match.group(3) and match.group(6))
    # A length we had to infer am/pm for stays within a working day: "4-3pm" is no range.
    if minutes <= 0 or (not both_written and minutes > _MAX_INFERRED):
        return None
    shown = f"{start:%H:%M}"
    return TimeRange(f"{text[: match.start()]}{shown}{text[match.end() :]}".strip(), minutes, shown)
