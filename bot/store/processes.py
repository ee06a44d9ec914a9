"""The bot processes alive now: each beats every few seconds; the count splits Zoom's limits."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from bot.store.db import Database
from bot.store.models import BotProcess


class ProcessCensus:
    def __init__(self, db: Database) -> None:
        self._db = db
        statement = db.insert(BotProcess)
        self._beat = statement.on_conflict_do_update(
            index_elements=[BotProcess.owner], set_={"seen_at": statement.excluded.seen_at}
        )

    async def beat(self, owner: str, *, now: datetime) -> None:
        async with self._db.session() as session:
            await session.execute(self._beat, [{"owner": owner, "seen_at": now}])

    async def alive(self, *, now: datetime, within: timedelta) -> int:
        """Processes that beat within ``within``; the long-gone ones are forgotten on the way."""
        async with self._db.session() as session:
            await session.execute(delete(BotProcess).where(BotProcess.seen_at < now - 10 * within))
            count = await session.scalar(
                select(func.count()).select_from(BotProcess).where(BotProcess.seen_at >= now - within)
            )
        return int(count or 0)

    async def leave(self, owner: str) -> None:
        """A process that stops says so, and the others take its share at their next count."""
        async with self._db.session() as session:
            await session.execute(delete(BotProcess).where(BotProcess.owner == owner))
