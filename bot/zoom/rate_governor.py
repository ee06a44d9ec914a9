"""Paces this bot's Zoom calls per Zoom account and rate label, under the plan's limits.

Zoom counts requests per account and per rate label (Light, Medium, Heavy,
Resource-intensive), shared by every app and every process on the account; past the limit
it answers 429. A 429 costs a round trip and, for a command, usually a second one after
``Retry-After``, so the bot keeps its own calls under the limit instead of finding it:

- each process keeps a sliding window of the calls it sent per (account, label) and lets a
  call go when the window has room, else at the moment it will (first come, first served);
- a call that wakes late (a busy event loop runs timers late, and runs the late ones
  together) is checked once more against the moments calls really left, so a late batch
  and the on-time batch reserved after it do not reach Zoom inside one of its windows;
- processes share the limit by splitting it: each takes ``limit × SAFETY ÷ processes``,
  where ``processes`` is how many bot processes were alive a moment ago (the composition
  counts them in the database, see ``bot/store/processes.py``). No database step per call,
  and the sum of the shares stays under the limit whatever each process's load;
- a command waits at most ``command_wait`` seconds (what a person tolerates on top of
  Zoom's own time); past that it is answered at once with when to retry, without calling
  Zoom. Background work (digests, reminders, live-card reads; marked with
  :func:`background`) takes only two thirds of each window and never reserves ahead, so a
  command never queues behind it.

Other apps on the same account also spend its limit: Zoom's 429s remain possible and are
still handled by the HTTP core (``Retry-After``).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.zoom.errors import Outcome, ZoomError, ZoomErrorKind

# Zoom's per-label limits by plan (requests per window; Resource-intensive counts a minute).
PLANS: dict[str, dict[str, tuple[int, float]]] = {
    "pro": {"Light": (30, 1.0), "Medium": (20, 1.0), "Heavy": (10, 1.0), "Resource-intensive": (10, 60.0)},
    "business": {
        "Light": (80, 1.0),
        "Medium": (60, 1.0),
        "Heavy": (40, 1.0),
        "Resource-intensive": (20, 60.0),
    },
}
# Zoom's clock and ours differ, and a request's trip to Zoom varies: keep a tenth in hand and
# count a slightly longer window than Zoom does.
SAFETY = 0.9
WINDOW_SLACK = 1.05
COMMAND_WAIT_S = 3.0
BACKGROUND_WAIT_S = 120.0
_BACKGROUND_POLL_S = 0.05
_SAME_MOMENT = 1e-6  # seconds: float sums of the same instant may differ in the last bit

log = logging.getLogger(__name__)
BEAT_S = 5.0  # how often a process says it is alive and counts the others
ALIVE_WITHIN = timedelta(seconds=3 * BEAT_S)

_background: contextvars.ContextVar[bool] = contextvars.ContextVar("zoom_background", default=False)


@contextmanager
def background() -> Iterator[None]:
    """Zoom calls made inside (and in tasks started inside) yield to commands."""
    token = _background.set(True)
    try:
        yield
    finally:
        _background.reset(token)


def rate_label(method: str, path_template: str) -> str:
    """Zoom's rate label of a call, from its API reference: dashboards are Resource-intensive,
    reports Heavy, lists Medium, single resources Light."""
    if path_template.startswith("/metrics/"):
        return "Resource-intensive"
    if path_template.startswith("/report/"):
        return "Heavy"
    if method == "GET" and path_template.rsplit("/", 1)[-1] in _LISTS:
        return "Medium"
    return "Light"


_LISTS = {"users", "meetings", "recordings", "participants", "schedulers", "assistants"}


# Windows kept before the idle ones are swept out (one per account and label ever called).
SWEEP_AT = 10_000


class RateGovernor:
    def __init__(
        self,
        plan: str = "pro",
        *,
        command_wait: float = COMMAND_WAIT_S,
        background_wait: float = BACKGROUND_WAIT_S,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if plan not in PLANS:
            raise ValueError(f"unknown Zoom plan {plan!r}: one of {', '.join(PLANS)}")
        self.plan = plan
        self.processes = 1  # bot processes sharing the accounts, counted by the composition
        self._command_wait = command_wait
        self._background_wait = background_wait
        self._monotonic = monotonic
        self._sleep = sleep
        self._windows: dict[tuple[str, str], _Window] = {}
        self._sweep_at = SWEEP_AT
        self.waited = 0  # calls that waited for room (metrics)
        self.held = 0  # calls that woke late and waited again for what really left to age
        self.refused = 0  # commands answered "try again" instead of waiting

    def share(self, label: str) -> tuple[int, float]:
        """This process's calls allowed per window for ``label``, and the window's length."""
        limit, window = PLANS[self.plan].get(label, PLANS[self.plan]["Light"])
        return max(1, math.floor(limit * SAFETY / max(1, self.processes))), window * WINDOW_SLACK

    async def acquire(self, account: str, label: str, operation: str) -> None:
        """Wait for room to send one call to ``account`` under ``label``, or raise RATE_LIMITED."""
        limit, span = self.share(label)
        now = self._monotonic()
        window = self._window(account, label, now)
        if _background.get():
            await self._acquire_background(window.reserved, max(1, limit * 2 // 3), span, label, operation)
        else:
            await self._acquire_command(window.reserved, limit, span, label, operation, now)
        await self._leave(window.left, limit, span)

    async def _acquire_command(
        self, sent: deque[float], limit: int, span: float, label: str, operation: str, now: float
    ) -> None:
        _prune(sent, now, span)
        at = now
        if sent:
            at = max(at, sent[-1])  # first come, first served
        if len(sent) >= limit:
            at = max(at, sent[-limit] + span)
        if at - now > self._command_wait:
            self.refused += 1
            raise _rate_limited(operation, label, at - now)
        sent.append(at)
        if at > now:
            self.waited += 1
            await self._sleep(at - now)

    async def _acquire_background(
        self, sent: deque[float], limit: int, span: float, label: str, operation: str
    ) -> None:
        deadline = self._monotonic() + self._background_wait
        waited = False
        while True:
            now = self._monotonic()
            _prune(sent, now, span)
            # Room now, within the background's part of the window, and no command's reservation ahead.
            if len(sent) < limit and (not sent or sent[-1] <= now):
                sent.append(now)
                self.waited += int(waited)
                return
            if now >= deadline:
                raise _rate_limited(operation, label, span)
            soonest = sent[-1] if sent[-1] > now else sent[-limit] + span
            waited = True
            await self._sleep(max(_BACKGROUND_POLL_S, min(soonest, deadline) - now))

    async def _leave(self, left: deque[float], limit: int, span: float) -> None:
        """Let the call go once fewer than ``limit`` calls really left in the last ``span``.

        Reservations are kept on time, but the loop may run a sleeper late: late ones then
        leave together, just before the calls reserved a window after them leave on time.
        Zoom counts what arrives, so the moments of leaving decide. A call woken on time
        finds room at once; a late one waits at most as long as it was late."""
        while True:
            now = self._monotonic()
            _prune(left, now, span)
            room_at = left[-limit] + span if len(left) >= limit else now
            if room_at - now <= _SAME_MOMENT:
                left.append(now)
                return
            self.held += 1
            await self._sleep(room_at - now)

    def _window(self, account: str, label: str, now: float) -> _Window:
        window = self._windows.get((account, label))
        if window is None:
            if len(self._windows) >= self._sweep_at:
                self._sweep(now)
            window = self._windows[(account, label)] = _Window()
        return window

    def _sweep(self, now: float) -> None:
        # Drop the windows idle for a minute or more, then wait for as many new ones again:
        # a sweep costs one pass, however many accounts the bot serves.
        idle_since = now - 60.0 * WINDOW_SLACK
        for key, window in list(self._windows.items()):
            if not window.reserved or window.reserved[-1] <= idle_since:
                del self._windows[key]
        self._sweep_at = max(SWEEP_AT, 2 * len(self._windows))


class _Window:
    """One account's calls under one label: the send times given out (ascending; commands'
    may lie ahead of now) and the moments the calls really left."""

    __slots__ = ("left", "reserved")

    def __init__(self) -> None:
        self.reserved: deque[float] = deque()
        self.left: deque[float] = deque()


def _prune(sent: deque[float], now: float, span: float) -> None:
    while sent and sent[0] <= now - span:
        sent.popleft()


def _rate_limited(operation: str, label: str, wait: float) -> ZoomError:
    seconds = max(1, math.ceil(wait))
    error = ZoomError(
        kind=ZoomErrorKind.RATE_LIMITED,
        operation=operation,
        message=f"the bot is pacing its calls under Zoom's {label} limit",
        outcome=Outcome.UNCHANGED,
        retry_after=seconds,
    )
    error.details["rate_category"] = label
    error.details["paced"] = "yes"
    return error


class Census(Protocol):
    """The live processes, counted in the shared database (``bot/store/processes.py``)."""

    async def beat(self, owner: str, *, now: datetime) -> None: ...
    async def alive(self, *, now: datetime, within: timedelta) -> int: ...
    async def leave(self, owner: str) -> None: ...


class ShareKeeper:
    """Keeps ``governor.processes`` current: beats and counts every ``BEAT_S`` seconds.

    A process that has not counted yet, or cannot reach the database, keeps the last count:
    one that starts beside others may briefly take more than its share, and Zoom's 429 (with
    ``Retry-After``) covers that moment.
    """

    def __init__(self, governor: RateGovernor, census: Census, owner: str, *, every: float = BEAT_S) -> None:
        self._governor = governor
        self._census = census
        self._owner = owner
        self._every = every
        self._task: asyncio.Task[None] | None = None

    async def count_once(self) -> None:
        now = datetime.now(UTC)  # processes compare wall clocks, whatever clock Zoom runs on
        await self._census.beat(self._owner, now=now)
        self._governor.processes = max(1, await self._census.alive(now=now, within=ALIVE_WITHIN))

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="zoom-rate-share")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
        with suppress(Exception):  # a database that is gone: the others see the beat age out
            await self._census.leave(self._owner)

    async def _run(self) -> None:
        while True:
            try:
                await self.count_once()
            except Exception as error:
                log.warning(
                    "could not count the bot processes (%s); keeping %d",
                    type(error).__name__,
                    self._governor.processes,
                )
            await asyncio.sleep(self._every)
