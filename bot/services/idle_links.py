"""Keep idle Zoom links alive: refresh the tokens of links nobody has used for a while.

Zoom's refresh tokens expire when unused (about 90 days), so a person who uses the bot
once a month would lose their link without a word. A sweep (started by the background
worker's housekeeping, at most every ``SWEEP_EVERY``) refreshes links whose tokens were last
issued more than ``IDLE_AFTER`` ago, through the ordinary token source (same lease, same
rules), one link at a time with ``PACE_SECONDS`` between them so a large workspace never
bursts against Zoom's token endpoint.

When Zoom refuses a refresh, the token source marks the link ``needs_reauth`` and the
person gets one DM with a button to link again. Once: a ``needs_reauth`` link is never
swept again (it is not idle, it is dead), so the DM cannot repeat daily; it comes back
only if the person relinks and the new link goes idle and dies in its turn. At most
``MAX_NOTICES`` DMs per sweep: a sweep that reaches the cap stops there, and the links it
did not reach are still active and wait for the next sweep (nobody is skipped).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.store.links import DATABASE_FAILURES, LinkStore
from bot.zoom.errors import NotLinkedError, ZoomError, ZoomErrorKind
from bot.zoom.oauth import ZoomOAuth
from bot.zoom.tokens import UserTokenSource

log = logging.getLogger(__name__)

IDLE_AFTER = timedelta(days=60)  # Zoom's refresh tokens last about 90 days unused
SWEEP_EVERY = timedelta(hours=6)
SWEEP_BATCH = 200  # links looked at per sweep; the rest wait for the next one
PACE_SECONDS = 1.0  # between two refreshes of one sweep
MAX_NOTICES = 20  # relink DMs per sweep

Clock = Callable[[], datetime]
Notify = Callable[[str, str], Awaitable[None]]  # (team id, user id): DM the relink notice


@dataclass
class SweepReport:
    looked_at: int = 0
    refreshed: int = 0
    refused: int = 0
    notified: int = 0
    failed: int = 0


class IdleLinks:
    def __init__(
        self,
        links: LinkStore,
        oauth: ZoomOAuth,
        notify: Notify,
        *,
        clock: Clock,
        observe_refresh: Callable[[str], None] | None = None,
        idle_after: timedelta = IDLE_AFTER,
        every: timedelta = SWEEP_EVERY,
        batch: int = SWEEP_BATCH,
        pace: float = PACE_SECONDS,
        max_notices: int = MAX_NOTICES,
    ) -> None:
        self._links = links
        self._oauth = oauth
        self._notify = notify
        self._clock = clock
        self._observe = observe_refresh or (lambda outcome: None)
        self._idle_after = idle_after
        self._every = every
        self._batch = batch
        self._pace = pace
        self._max_notices = max_notices
        self._last_start: datetime | None = None
        self._task: asyncio.Task[SweepReport] | None = None

    def start_if_due(self) -> bool:
        """Start a sweep in the background unless one runs or the last began under ``every`` ago."""
        now = self._clock()
        if self._task is not None and not self._task.done():
            return False
        if self._last_start is not None and now - self._last_start < self._every:
            return False
        self._last_start = now
        self._task = asyncio.create_task(self._sweep_logged(), name="idle-links-sweep")
        return True

    async def aclose(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _sweep_logged(self) -> SweepReport:
        try:
            report = await self.sweep()
        except Exception:
            log.warning("idle link sweep failed; the next one retries", exc_info=True)
            return SweepReport()
        if report.looked_at:
            log.info(
                "idle links: %d looked at, %d refreshed, %d refused (%d told), %d failed",
                report.looked_at,
                report.refreshed,
                report.refused,
                report.notified,
                report.failed,
            )
        return report

    async def sweep(self) -> SweepReport:
        report = SweepReport()
        idle = await self._links.idle_links(
            tokens_issued_before=self._clock() - self._idle_after, limit=self._batch
        )
        for team_id, user_id in idle:
            if report.notified >= self._max_notices:
                break  # the rest stay active: the next sweep reaches them
            if report.looked_at:
                await asyncio.sleep(self._pace)
            report.looked_at += 1
            await self._keep_alive(team_id, user_id, report)
        return report

    async def _keep_alive(self, team_id: str, user_id: str, report: SweepReport) -> None:
        outcomes: list[str] = []

        def observe(outcome: str) -> None:
            outcomes.append(outcome)
            self._observe(outcome)

        source = UserTokenSource(
            self._links, self._oauth, team_id, user_id, clock=self._clock, observe_refresh=observe
        )
        try:
            await source.access_token()
        except NotLinkedError:
            return  # unlinked meanwhile
        except ZoomError as error:
            if error.kind is not ZoomErrorKind.AUTH:
                report.failed += 1  # Zoom down or slow: nothing changed, the next sweep retries
                return
            if "refused" not in outcomes:
                return  # another process's refresh was refused, and that process tells the person
            report.refused += 1
            try:
                await self._notify(team_id, user_id)
            except Exception as failure:  # Slack unreachable, app uninstalled: the link stays marked
                log.warning("could not send the relink notice (%s)", type(failure).__name__)
                return
            report.notified += 1
            return
        except DATABASE_FAILURES:
            report.failed += 1
            return
        report.refreshed += 1
