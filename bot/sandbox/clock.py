"""Sandbox time: the wall clock plus however far `wait` has fast-forwarded it.

The simulator and the bot share one such clock (it *is* a ``ManualClock``, so the
simulator's ``/_sim/clock/advance`` works too), which is what makes ``wait 10m`` fire a
reminder due in ten minutes without anyone waiting ten minutes.
"""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

from bot.sandbox.zoom_simulator import ManualClock


class RunningClock(ManualClock):
    """Runs like the wall clock; ``advance`` and ``set`` shift it. Safe across threads."""

    def __init__(self) -> None:
        super().__init__(datetime.now(UTC))
        self._offset = timedelta()
        self._offset_lock = threading.Lock()

    def now(self) -> datetime:
        with self._offset_lock:
            return datetime.now(UTC) + self._offset

    def advance(self, seconds: float) -> datetime:
        with self._offset_lock:
            self._offset += timedelta(seconds=seconds)
            return datetime.now(UTC) + self._offset

    def set(self, dt: datetime) -> None:
        if dt.tzinfo is None:
            raise ValueError("the sandbox clock needs an aware datetime")
        with self._offset_lock:
            self._offset = dt.astimezone(UTC) - datetime.now(UTC)


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_PART = re.compile(r"(\d+)\s*([smhd])")
MAX_WAIT = timedelta(days=366)


def parse_wait(text: str) -> timedelta:
    """``10m``, ``90s``, ``2h``, ``1d``, ``1h30m`` → a duration; ValueError when unreadable."""
    compact = text.strip().lower().replace(" ", "")
    if not compact or _PART.sub("", compact):
        raise ValueError("say how long, e.g. `wait 10m`, `wait 1h30m` or `wait 2d` (s, m, h, d)")
    total = timedelta(seconds=sum(int(n) * _UNITS[unit] for n, unit in _PART.findall(compact)))
    if total > MAX_WAIT:
        raise ValueError("that is more than a year; try a shorter wait")
    return total
