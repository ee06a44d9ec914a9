"""Rotated tokens the database did not take: kept in memory and saved again until it does."""

from __future__ import annotations

import asyncio
import logging

from bot.store.links import LinkStore, SaveOutcome

log = logging.getLogger(__name__)

SAVE_RETRY_FIRST_SECONDS = 0.05
SAVE_RETRY_MAX_SECONDS = 0.5  # short: the lease lapses 2 s after the outage began


def keep_saving(links: LinkStore, link_id: int) -> None:
    task = asyncio.ensure_future(_save_until_done(links, link_id))
    _SAVERS.add(task)  # a strong reference, or the loop may drop the task
    task.add_done_callback(_SAVERS.discard)


_SAVERS: set[asyncio.Future[None]] = set()


async def _save_until_done(links: LinkStore, link_id: int) -> None:
    """Write the pending rotated pair of ``link_id`` until the database takes it (or the row moved on).

    Never gives up: the pair is the only working one (Zoom killed the one stored).
    """
    delay = SAVE_RETRY_FIRST_SECONDS
    attempts = 0
    while True:
        await asyncio.sleep(delay)
        attempts += 1
        try:
            outcome = await links.retry_rotation(link_id)
        except Exception as error:  # keep trying, whatever the driver raises
            if attempts % 60 == 1:  # every 60th attempt (half a minute apart), not on every one
                log.warning(
                    "zoom link %s: the rotated tokens are still not saved (%s); still trying",
                    link_id,
                    type(error).__name__,
                )
            delay = min(delay * 2, SAVE_RETRY_MAX_SECONDS)
            continue
        if outcome is SaveOutcome.SAVED:
            log.info("zoom link %s: the rotated tokens kept in memory are saved", link_id)
        elif outcome is SaveOutcome.MOVED_ON:
            log.warning("zoom link %s: the row changed before the pending tokens were saved", link_id)
        return
