"""The lifecycle of one bot process: migrate until the database is ready, start, report health, close.

Everything it starts and closes is built beforehand by the composition root (``bot/compose.py``)
and handed over at construction; nothing is registered later.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from bot.store.db import Database
from bot.store.migrate import bring_to_head

log = logging.getLogger(__name__)

Hook = Callable[[], Awaitable[None]]


class Runtime:
    def __init__(
        self, db: Database, database_url: str, *, starters: Sequence[Hook] = (), closers: Sequence[Hook] = ()
    ) -> None:
        """``starters`` run once the schema is ready; ``closers`` run in reverse order on close."""
        self._db = db
        self._database_url = database_url
        self._starters = tuple(starters)
        self._closers = tuple(closers)
        self._background: list[asyncio.Task[None]] = []
        self.schema_ready = False

    async def start(self) -> None:
        """Bring the schema up to date (retrying while the DB is down), then start workers."""
        self._background.append(asyncio.create_task(self._migrate_until_ready()))

    async def _migrate_until_ready(self) -> None:
        delay = 1.0
        while True:
            try:
                await bring_to_head(self._db, self._database_url)
            except Exception as error:  # the DB may simply not be up yet; /healthz says 503 meanwhile
                log.error("database not ready (%s); retrying in %.0f s", type(error).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            self.schema_ready = True
            for starter in self._starters:
                try:
                    await starter()
                except Exception:  # one failing worker (e.g. Socket Mode offline) must not stop the rest
                    log.exception("a background service failed to start")
            return

    async def healthy(self) -> bool:
        return self.schema_ready and await self._db.ping()

    async def aclose(self) -> None:
        for task in self._background:
            task.cancel()
        for closer in reversed(self._closers):
            try:
                await closer()
            except Exception:
                log.warning("error while shutting down", exc_info=True)
