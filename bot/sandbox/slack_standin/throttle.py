"""Slack-style refusals: the per-channel posting rate limit and injected faults."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    """``chat.postMessage`` allows about one message per second per channel, plus a short burst."""

    per_second: float = 1.0
    burst: int = 3


class ChannelRateLimiter:
    """A token bucket per channel, driven by an injectable clock."""

    def __init__(self, limit: RateLimit, clock: Callable[[], float]) -> None:
        if limit.per_second <= 0 or limit.burst < 1:
            raise ValueError("rate limit needs per_second > 0 and burst >= 1")
        self._limit = limit
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # channel -> (tokens, last refill)
        self._lock = threading.Lock()

    def take(self, channel: str) -> int | None:
        """Spend one token for ``channel``; None if allowed, else whole seconds to wait."""
        with self._lock:
            now = self._clock()
            tokens, last = self._buckets.get(channel, (float(self._limit.burst), now))
            tokens = min(float(self._limit.burst), tokens + (now - last) * self._limit.per_second)
            if tokens >= 1.0:
                self._buckets[channel] = (tokens - 1.0, now)
                return None
            self._buckets[channel] = (tokens, now)
            # Slack's Retry-After is whole seconds, never 0 when refusing.
            return max(1, math.ceil((1.0 - tokens) / self._limit.per_second))


@dataclass(frozen=True)
class UpdateRateLimit:
    """``chat.update``: Tier 3 (about 50 a minute per workspace), and Slack asks for at most
    one update a second per message."""

    per_message_per_second: float = 1.0
    per_message_burst: int = 1
    per_minute: float = 50.0
    burst: int = 20


class UpdateRateLimiter:
    """Both of ``chat.update``'s limits: a bucket per message and one for the workspace."""

    def __init__(self, limit: UpdateRateLimit, clock: Callable[[], float]) -> None:
        self._per_message = ChannelRateLimiter(
            RateLimit(limit.per_message_per_second, limit.per_message_burst), clock
        )
        self._workspace = ChannelRateLimiter(RateLimit(limit.per_minute / 60.0, limit.burst), clock)

    def take(self, channel: str, ts: str) -> int | None:
        """None if the update may go out now, else whole seconds to wait (Retry-After)."""
        wait = self._per_message.take(f"{channel}/{ts}")
        if wait is not None:
            return wait
        return self._workspace.take("workspace")


@dataclass
class Fault:
    status: int
    error: str
    retry_after: int | None
    remaining: int | None  # None: until cleared


class FaultPlan:
    """Answers to force on the next calls of a method (or of ``"response_url"`` posts)."""

    def __init__(self) -> None:
        self._faults: dict[str, list[Fault]] = {}
        self._lock = threading.Lock()

    def inject(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        times: int | None = 1,
    ) -> None:
        if times is not None and times < 1:
            raise ValueError("times must be at least 1 (or None for 'until cleared')")
        if error is None:
            error = "ratelimited" if status == 429 else "internal_error" if status >= 500 else "fatal_error"
        with self._lock:
            self._faults.setdefault(method, []).append(Fault(status, error, retry_after, times))

    def take(self, method: str) -> Fault | None:
        with self._lock:
            queue = self._faults.get(method)
            if not queue:
                return None
            fault = queue[0]
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining == 0:
                    queue.pop(0)
            return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
