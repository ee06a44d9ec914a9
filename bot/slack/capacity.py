"""How much `/zoom` work one process takes on.

A fixed number of commands do their Zoom work at once (``working``); a bounded number
more wait for a turn (``waiting``). Beyond that the command is not started and its ack
says so at once: under a flood, memory stays bounded and people learn in a second that
they should retry, instead of getting an answer many seconds late — or never, if the
process runs out of memory holding thousands of queued commands.
"""

from __future__ import annotations

import asyncio


class Overloaded(Exception):
    """This process has as many commands working and waiting as it takes on."""


class CommandCapacity:
    def __init__(self, *, working: int, waiting: int) -> None:
        # Waiting on a semaphore is cheap; thousands of requests waiting inside an HTTP
        # client's connection pool are not (each pool change rescans every waiter).
        self.working = asyncio.Semaphore(working)
        self._limit = working + waiting
        self._admitted = 0

    @property
    def admitted(self) -> int:
        """Commands started and not finished yet (working or waiting)."""
        return self._admitted

    def try_admit(self) -> bool:
        if self._admitted >= self._limit:
            return False
        self._admitted += 1
        return True

    def release(self) -> None:
        self._admitted -= 1
