"""The per-process scheduler that drives reminder delivery and digests.

APScheduler 3 (``AsyncIOScheduler``, in-memory job store only) holds exactly two
interval jobs, with no arguments at all: "poll reminders" and "send due digests". No
reminder lives in the scheduler — the database rows are the truth, so a restart, a
crash or a second process changes nothing about what gets delivered. The jobs run
once at start (catching up on anything that fell due while every process was down)
and then every ``poll_seconds`` / ``digest_seconds``.

Each job only *starts* its round as a task and returns, so a round that runs long (a
big batch paced at one post per second per channel) never makes the scheduler skip
and warn; a tick that finds its round still running does nothing.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.reminders.delivery import ReminderDelivery
from bot.reminders.digest_job import DigestSender
from bot.zoom.rate_governor import background as zoom_background

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

log = logging.getLogger(__name__)

DEFAULT_POLL_SECONDS = 5.0
DEFAULT_DIGEST_SECONDS = 30.0
STOP_GRACE_SECONDS = 5.0
POLL_JOB_ID = "reminders-poll"
DIGEST_JOB_ID = "digests-send"


def process_identity() -> str:
    """A lease owner name unique to this process (host, pid and a random part for restarts)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class ReminderWorker:
    def __init__(
        self,
        delivery: ReminderDelivery,
        digests: DigestSender | None = None,
        *,
        poll_seconds: float = DEFAULT_POLL_SECONDS,
        digest_seconds: float = DEFAULT_DIGEST_SECONDS,
        stop_grace: float = STOP_GRACE_SECONDS,
        housekeeping: Callable[[], Coroutine[Any, Any, object]] | None = None,
    ) -> None:
        self.delivery = delivery
        self._housekeeping = housekeeping  # cheap clean-ups, run on the digest tick
        self.digests = digests
        self._poll_seconds = poll_seconds
        self._digest_seconds = digest_seconds
        self._stop_grace = stop_grace
        self._scheduler: AsyncIOScheduler | None = None
        self._rounds: dict[str, asyncio.Task[None]] = {}

    @property
    def scheduler(self) -> AsyncIOScheduler | None:
        return self._scheduler

    async def start(self) -> None:
        if self._scheduler is not None:
            return
        # Imported here, not at the top: the worker starts after the process is serving, so
        # APScheduler's import stays off the start-up path.
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        scheduler = AsyncIOScheduler(timezone=UTC)
        self._add_job(scheduler, self._poll_tick, POLL_JOB_ID, self._poll_seconds)
        if self.digests is not None:
            self._add_job(scheduler, self._digest_tick, DIGEST_JOB_ID, self._digest_seconds)
        scheduler.start()
        self._scheduler = scheduler
        log.info("reminder worker %s started (poll every %.1f s)", self.delivery.owner, self._poll_seconds)

    @staticmethod
    def _add_job(
        scheduler: AsyncIOScheduler, tick: Callable[[], Awaitable[None]], job_id: str, seconds: float
    ) -> None:
        from apscheduler.triggers.interval import IntervalTrigger

        scheduler.add_job(
            tick,
            IntervalTrigger(seconds=seconds, timezone=UTC),
            id=job_id,
            name=job_id,
            # All three set on purpose: APScheduler 3's default misfire grace (1 s) would
            # skip a late run; the rounds themselves read the database, so a late tick
            # loses nothing and a queue of ticks is pointless.
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            next_run_time=datetime.now(UTC),  # catch up at once on start
            replace_existing=True,
        )

    async def stop(self) -> None:
        """Stop scheduling, let running rounds finish briefly, hand unposted claims back."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        running = [task for task in self._rounds.values() if not task.done()]
        if running:
            _, pending = await asyncio.wait(running, timeout=self._stop_grace)
            for task in pending:
                task.cancel()
            try:
                handed_back = await self.delivery.hand_back()
            except Exception:
                log.warning("could not hand back claimed reminders; their leases will expire", exc_info=True)
            else:
                if handed_back:
                    log.info("handed back %d claimed reminders", handed_back)
            if pending:
                await asyncio.wait(pending)
        self._rounds.clear()

    async def catch_up(self) -> None:
        """Run a poll round and a digest round now and wait for them (and for any round they
        chain): what is due at this moment has been handled when this returns. The sandbox calls
        it after fast-forwarding its clock, instead of guessing how long the worker takes."""
        rounds: list[tuple[str, Callable[[], Coroutine[Any, Any, None]]]] = [("poll", self._poll_round)]
        if self.digests is not None:
            rounds.append(("digest", self._digest_round))
        for name, body in rounds:
            running = self._rounds.get(name)
            if running is not None and not running.done():
                await asyncio.wait({running})  # it may have read the clock before it moved
            self._rounds.pop(name, None)
            self._start_round(name, body)
            # A full poll batch chains a new round under the same name: follow it to the end.
            while (task := self._rounds.get(name)) is not None and not task.done():
                await asyncio.wait({task})

    # -- jobs --------------------------------------------------------------------------------

    async def _poll_tick(self) -> None:
        self._start_round("poll", self._poll_round)

    async def _digest_tick(self) -> None:
        self._start_round("digest", self._digest_round)

    def _start_round(self, name: str, body: Callable[[], Coroutine[Any, Any, None]]) -> None:
        task = self._rounds.get(name)
        if task is not None and not task.done():
            return
        self._rounds[name] = asyncio.create_task(_in_background(body), name=f"reminder-worker-{name}")

    async def _poll_round(self) -> None:
        try:
            report = await self.delivery.run_round()
        except Exception:
            log.exception("reminder round failed; the next poll retries")
            return
        if report.claimed or report.reaped:
            log.info(
                "reminders: claimed %d, sent %d (%d delayed), missed %d, failed %d, released %d, reaped %d",
                report.claimed,
                report.sent,
                report.delayed,
                report.missed,
                report.failed,
                report.released,
                report.reaped,
            )
        if report.claimed >= self.delivery.batch and report.released < report.claimed:
            # A full batch means more may be due: go again without waiting for the next tick.
            self._rounds.pop("poll", None)
            self._start_round("poll", self._poll_round)

    async def _digest_round(self) -> None:
        assert self.digests is not None
        try:
            sent = await self.digests.run_once()
        except Exception:
            log.exception("digest round failed; the next tick retries")
            return
        if sent:
            log.info("digests sent: %d", sent)
        if self._housekeeping is not None:
            try:
                await self._housekeeping()
            except Exception:
                log.warning("housekeeping failed; the next tick retries", exc_info=True)


async def _in_background(body: Callable[[], Coroutine[Any, Any, None]]) -> None:
    # Reminders and digests call Zoom too (a digest lists meetings): they yield Zoom's rate
    # limits to commands.
    with zoom_background():
        await body()
