"""Everything the bot did to the stand-in, in arrival order, plus a way to wait for more."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from bot.slack.standin.records import ApiCall, Message, ViewRecord

T = TypeVar("T")


class Recorder:
    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self.messages: list[Message] = []
        self.views: list[ViewRecord] = []
        self._lock = threading.Lock()

    def call(self, call: ApiCall) -> None:
        with self._lock:
            self.calls.append(call)

    def message(self, message: Message) -> None:
        with self._lock:
            self.messages.append(message)

    def view(self, view: ViewRecord) -> None:
        with self._lock:
            self.views.append(view)

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()
            self.messages.clear()
            self.views.clear()


async def wait_for(predicate: Callable[[], T], timeout: float = 2.0, *, what: str = "condition") -> T:
    """Poll ``predicate`` until it returns something truthy, and return that.

    Listener work continues after the ack (Bolt runs it as a background task), so a test
    awaits its effects here. Polling rather than an event: the stand-in may be served on
    another thread's event loop.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{what} not met within {timeout:g}s")
        await asyncio.sleep(0.005)
