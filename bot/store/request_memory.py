"""The signed Slack requests already admitted, by any bot process: the replay memory they share.

Every signed request is recorded before it is acted on, so its cost is paid per command. The
requests that arrive together share one round trip: while one INSERT is in flight, the next
ones wait and go out as a single multi-row ``INSERT … ON CONFLICT DO NOTHING RETURNING``,
whose returned keys are the requests seen for the first time. At a trickle that is one
statement per request; under load, one per batch.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import datetime

from bot.store.db import Database
from bot.store.models import ProcessedEvent

SOURCE = "slack"
MAX_BATCH = 200  # rows in one statement; well inside both backends' parameter limits

_Waiting = tuple[str, datetime, "asyncio.Future[bool]"]


def request_key(signature: str) -> str:
    """The row key of a request: its signature's digest (fixed length; nothing of the request)."""
    return "request:" + hashlib.sha256(signature.encode("utf-8", "replace")).hexdigest()


class SharedRequestMemory:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._waiting: list[_Waiting] = []
        self._writer: asyncio.Task[None] | None = None
        insert = db.insert(ProcessedEvent).on_conflict_do_nothing()
        # Written for every signed request: prepared once (bot/store/autocommit.py).
        self._statement = db.autocommit.prepare(insert.returning(ProcessedEvent.event_key))

    async def first_time(self, signature: str, *, now: datetime) -> bool:
        """Record the request; False when some process recorded it before (a replay)."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((request_key(signature), now, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all(), name="slack-request-memory")
        return await future

    async def _write_all(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            try:
                new = await self._insert(batch)
            except Exception as error:  # each caller decides what a database failure means
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for key, _, future in batch:
                if not future.done():  # a caller that gave up waiting has a cancelled future
                    future.set_result(key in new)

    async def _insert(self, batch: list[_Waiting]) -> set[str]:
        rows = [{"source": SOURCE, "event_key": key, "received_at": now} for key, now, _ in batch]
        # One transaction of its own: on PostgreSQL and in the thread SQLAlchemy sends the rows
        # as one multi-row VALUES; on the loop's SQLite connection the driver runs the prepared
        # INSERT per row (bot/store/autocommit.py says why not through a session).
        returned = await self._db.autocommit.rows(self._statement, rows if len(rows) > 1 else rows[0])
        return {str(row[0]) for row in returned}
