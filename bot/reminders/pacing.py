"""One message per second per channel, as Slack's ``chat.postMessage`` limit asks.

A pacer belongs to one process: it spaces that process's posts to each channel. Other
processes posting to the same channel are not seen here; Slack's 429 covers that case
(:meth:`ChannelPacer.hold`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable

SLACK_SECONDS_PER_POST = 1.0
_FORGET_AFTER_S = 60.0


class ChannelPacer:
    def __init__(
        self, interval: float = SLACK_SECONDS_PER_POST, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._interval = interval
        self._monotonic = monotonic
        self._next: dict[Hashable, float] = {}  # channel -> earliest moment of its next post

    def delay(self, channel: Hashable) -> float:
        """Seconds until ``channel`` may get its next post (0 when it may now)."""
        return max(0.0, self._next.get(channel, 0.0) - self._monotonic())

    def sent(self, channel: Hashable) -> None:
        """A post to ``channel`` goes out now: the next one waits a full interval."""
        now = self._monotonic()
        self._next[channel] = max(now, self._next.get(channel, 0.0)) + self._interval
        if len(self._next) > 10_000:  # bound memory: forget channels idle for a while
            self._next = {k: v for k, v in self._next.items() if v > now - _FORGET_AFTER_S}

    def hold(self, channel: Hashable, seconds: float) -> None:
        """Slack said "retry after ``seconds``": nothing goes to ``channel`` before then."""
        until = self._monotonic() + seconds
        self._next[channel] = max(self._next.get(channel, 0.0), until)
