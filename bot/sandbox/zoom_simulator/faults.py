"""Injected faults: make the next N calls to a route slow, fail, or never answer.

A fault is consumed when a request for its route arrives. Route keys are the stats
keys: ``"POST /v2/users/{userId}/meetings"``, ``"POST /oauth/token"``, and for the
token endpoint also the grant-qualified ``"POST /oauth/token:refresh_token"``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import anyio


@dataclass
class Fault:
    route: str
    status: int | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    latency: float = 0.0
    times: int = 1
    # Perform the real operation first, then answer the forced response (or hang):
    # this is how a test loses a create's or a refresh's response after Zoom acted on it.
    after_effect: bool = False
    # Hang until the client gives up instead of answering.
    drop: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "route": self.route,
            "status": self.status,
            "body": self.body,
            "headers": self.headers,
            "latency": self.latency,
            "times": self.times,
            "after_effect": self.after_effect,
            "drop": self.drop,
        }


class FaultBook:
    """Pending faults, in the order they were injected. Thread-safe."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        if fault.times < 1:
            raise ValueError("times must be at least 1")
        with self._lock:
            self._faults.append(fault)

    def take(self, route_keys: Iterable[str]) -> Fault | None:
        """Consume one use of the first fault matching any of ``route_keys``."""
        keys = set(route_keys)
        with self._lock:
            for fault in self._faults:
                if fault.route in keys:
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)


class Hangs:
    """Requests told to hang (``drop=True``) wait here until released or a long timeout.

    :meth:`release` ends the requests hanging now (a held answer is then delivered, or the
    forced one); requests that start hanging later wait for the next release.
    :meth:`release_all` ends every hang for good (server shutdown). The wait polls
    thread-safe state rather than an asyncio event, because the simulator may serve from
    another thread's event loop; it is also an ordinary cancellable sleep, so a server
    shutdown that cancels tasks ends it at once.
    """

    LONGEST = 600.0

    def __init__(self) -> None:
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._round = 0
        self._waiting = 0

    @property
    def waiting(self) -> int:
        """How many requests are hanging right now."""
        with self._lock:
            return self._waiting

    async def wait(self) -> None:
        with self._lock:
            started_in = self._round
            self._waiting += 1
        try:
            deadline = time.monotonic() + self.LONGEST
            while (  # noqa: ASYNC110
                not self._released.is_set() and self._round == started_in and time.monotonic() < deadline
            ):
                await anyio.sleep(0.05)
        finally:
            with self._lock:
                self._waiting -= 1

    def release(self) -> int:
        """End the hangs under way now; returns how many there were."""
        with self._lock:
            self._round += 1
            return self._waiting

    def release_all(self) -> None:
        self._released.set()

    def rearm(self) -> None:
        self._released.clear()
