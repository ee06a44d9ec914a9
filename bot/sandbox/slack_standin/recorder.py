"""Everything the bot did to the stand-in, in arrival order, plus a way to wait for more."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from bot.sandbox.slack_standin.records import ApiCall, Message, ViewRecord

T = TypeVar("T")


class Recorder:
    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self.messages: list[Message] = []
        self.views: list[ViewRecord] = []
        self._lock = threading.Lock()
        self._held = threading.local()

    @contextmanager
    def effects_after_call(self) -> Iterator[None]:
        """Hold the messages and views a Web API call makes until its call record is in.

        A test that waits for a message and then inspects ``calls`` must find the call
        that made it; the method's effects happen before its answer (and record) exist.
        """
        self._held.effects = []
        try:
            yield
        finally:
            held, self._held.effects = self._held.effects, None
            for effect in held:
                self._append(effect)

    def call(self, call: ApiCall) -> None:
        with self._lock:
            self.calls.append(call)

    def message(self, message: Message) -> None:
        self._hold_or_append(message)

    def view(self, view: ViewRecord) -> None:
        self._hold_or_append(view)

    def _hold_or_append(self, effect: Message | ViewRecord) -> None:
        held = getattr(self._held, "effects", None)
        if held is not None:
            held.append(effect)
        else:
            self._append(effect)

    def _append(self, effect: Message | ViewRecord) -> None:
        with self._lock:
            if isinstance(effect, Message):
                self.messages.append(effect)
            else:
                self.views.append(effect)

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()
            self.messages.clear()
            self.views.clear()


async def wait_for(predicate: Callable[[], T], timeout: float = 30.0, *, what: str = "condition") -> T:
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
