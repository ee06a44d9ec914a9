"""A held refresh lease: renewed as its holder's heartbeat while it works, released after.

The lease itself (``try_acquire_refresh_lease``) and why it exists are in ``tokens.py``'s
docstring: a lease not renewed for its TTL belongs to a dead process and may be taken over,
so a live holder renews it while Zoom answers, and gives it back when done.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from bot.store.links import DATABASE_FAILURES, LinkStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HeldLease:
    """The lease on one link, held by ``owner``."""

    links: LinkStore
    link_id: int
    owner: str
    ttl: float
    clock: Callable[[], datetime]  # the wall clock the sharing processes time leases by

    async def renew_until(self, done: asyncio.Event, every: float, saving: Collection[int]) -> None:
        """Renew the lease every ``every`` seconds until ``done`` is set or the lease is lost.

        ``saving``: links whose refresh Zoom has answered; their save releases the lease, so
        finding it gone then is no lapse."""
        while True:
            try:
                await asyncio.wait_for(done.wait(), every)
                return
            except TimeoutError:
                pass
            try:
                now = self.clock()
                renewed = await self.links.renew_refresh_lease(self.link_id, self.owner, self.ttl, now)
            except DATABASE_FAILURES as error:
                log.warning("zoom link %s: lease not renewed (%s)", self.link_id, type(error).__name__)
                continue
            if not renewed:
                if self.link_id not in saving:  # else our own save released it
                    log.warning("zoom link %s: the refresh lease lapsed while we held it", self.link_id)
                return

    async def release(self) -> None:
        # A failure here must not mask the refresh's result: the lease lapses on its own.
        try:
            await self.links.release_lease(self.link_id, self.owner)
        except DATABASE_FAILURES as error:
            log.warning(
                "zoom link %s: could not release the refresh lease (%s); it lapses in %g s",
                self.link_id,
                type(error).__name__,
                self.ttl,
            )
