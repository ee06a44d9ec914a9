"""Zoom's rate limits: per-account requests per second by category, and the per-host
daily cap on meeting create + update (100 a day, reset at 00:00 UTC)."""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as dt_time

from bot.sandbox.zoom_simulator.model import zoom_time
from bot.sandbox.zoom_simulator.responses import ZoomRefusal

QPS_MESSAGE = "You have reached the maximum per-second rate limit for this API. Try again later."


def daily_message(limit: int) -> str:
    return (
        f"You have exceeded the daily rate limit ({limit}) of Meeting Create/Update API requests "
        "permitted for this particular user. You may resume these requests at GMT 00:00:00."
    )


# Zoom's per-account limits by plan and rate label (Resource-intensive: a minute's worth).
PLAN_LIMITS: dict[str, dict[str, int]] = {
    "basic": {"Light": 4, "Medium": 2, "Heavy": 1, "Resource-intensive": 10},
    "pro": {"Light": 30, "Medium": 20, "Heavy": 10, "Resource-intensive": 10},
    "business": {"Light": 80, "Medium": 60, "Heavy": 40, "Resource-intensive": 20},
}


class QpsLimiter:
    """A sliding window of real (monotonic) time per account and category: one second, or as
    ``windows`` says (Zoom counts Resource-intensive calls per minute).

    ``limits`` is one table for every account, or a function giving an account's table (its
    plan's). A limit of 0 turns the check off for that category.
    """

    def __init__(
        self,
        limits: dict[str, int] | Callable[[str], dict[str, int]],
        monotonic: Callable[[], float] = time.monotonic,
        *,
        windows: dict[str, float] | None = None,
    ) -> None:
        self._limits = limits
        self._windows = windows or {}
        self._monotonic = monotonic
        self._seen: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self.refused: dict[str, int] = defaultdict(int)  # 429s answered, per category
        self._lock = threading.Lock()

    def check(self, account_id: str, category: str) -> None:
        table = self._limits(account_id) if callable(self._limits) else self._limits
        limit = table.get(category, 0)
        if limit <= 0:
            return
        now = self._monotonic()
        span = self._windows.get(category, 1.0)
        with self._lock:
            window = self._seen[(account_id, category)]
            while window and now - window[0] >= span:
                window.popleft()
            if len(window) >= limit:
                self.refused[category] += 1
                wait = max(1, math.ceil(span - (now - window[0])))
                raise ZoomRefusal(
                    429,
                    429,
                    QPS_MESSAGE,
                    headers={
                        "Retry-After": str(wait),
                        "X-RateLimit-Category": category,
                        "X-RateLimit-Type": "QPS",
                        "X-RateLimit-Limit": str(limit),
                        "X-RateLimit-Remaining": "0",
                    },
                )
            window.append(now)


class DailyCreateUpdateLimit:
    """Counts meeting creates and updates per host user per UTC day (simulator clock)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._counts: dict[tuple[str, date], int] = defaultdict(int)
        self._lock = threading.Lock()

    def consume(self, host_id: str, now: datetime) -> None:
        """Count one call for ``host_id``, or refuse it with Zoom's daily 429."""
        day = now.date()
        with self._lock:
            if self._counts[(host_id, day)] >= self.limit:
                reset = datetime.combine(day + timedelta(days=1), dt_time(0), tzinfo=now.tzinfo)
                raise ZoomRefusal(
                    429,
                    429,
                    daily_message(self.limit),
                    headers={
                        "Retry-After": zoom_time(reset),
                        "X-RateLimit-Category": "Light",
                        "X-RateLimit-Type": "Daily-limit",
                        "X-RateLimit-Limit": str(self.limit),
                        "X-RateLimit-Remaining": "0",
                    },
                )
            self._counts[(host_id, day)] += 1
