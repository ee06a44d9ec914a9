"""How much `/zoom` work one process takes on.

A fixed number of commands do their Zoom work at once (``working``); a bounded number
more wait for a turn (``waiting``). Beyond that the command is not started and its ack
says so at once: under a flood, memory stays bounded and people learn in a second that
they should retry, instead of getting an answer many seconds late — or never, if the
process runs out of memory holding thousands of queued commands.
"""

from __future__ import annotations

import asyncio

LOG_EVERY_S = 10.0  # at most one log line per this many seconds about refused commands


class Overloaded(Exception):
    """This process has as many commands working and waiting as it takes on."""


class CommandCapacity:
    def __init__(self, *, working: int, waiting: int) -> None:
        # Waiting on a semaphore is cheap; thousands of requests waiting inside an HTTP
        # client's connection pool are not (each pool change rescans every waiter).
        self.working = asyncio.Semaphore(working)
        self._limit = working + waiting
        self._admitted = 0
        self._refused = 0  # since the last log line
        self._logged_at = float("-inf")

    @property
    def admitted(self) -> int:
        """Commands started and not finished yet (working or waiting)."""
        return self._admitted

    def try_admit(self) -> bool:
        if self._admitted >= self._limit:
            self._refused += 1
            return False
        self._admitted += 1
        return True

    def release(self) -> None:
        self._admitted -= 1

    def refusals_to_log(self, now: float) -> int:
        """Commands refused since the last report, once per ``LOG_EVERY_S`` (else 0):
        a flood of commands must not become a flood of log lines."""
        if not self._refused or now - self._logged_at < LOG_EVERY_S:
            return 0
        refused, self._refused, self._logged_at = self._refused, 0, now
        return refused
