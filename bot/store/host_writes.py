"""Per Zoom host and UTC day, the meeting creates and updates this bot sent: Zoom's 100-a-day cap, counted.

The ledger behind ``bot/zoom/host_writes.py``. Every bot process shares it, so each step is one
statement that commits on its own (``Database.autocommit``) and decides by itself, with no read
before it: taking a slot is an upsert that increments only while the count is under the limit
and the host is not marked used up, and says by the row it returns (or not) whether the slot was
granted. Two processes taking at once can therefore never grant more than the limit between them.
Rows are keyed by a digest of the host (never an e-mail) and the UTC day; the housekeeping job
drops the days gone by.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, or_, select, update

from bot.store.db import Database, rowcount
from bot.store.models import ZoomHostWrites


class HostWriteStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def take(self, host_key: str, day: date, *, limit: int, now: datetime) -> bool:
        """Count one create/update for the host on ``day``: True when counted, False when ``limit``
        are counted already or Zoom said the host is used up until after ``now``."""
        if limit < 1:
            return False
        insert = self._db.insert(ZoomHostWrites).values(
            host_key=host_key, day=day, used=1, used_up_until=None
        )
        statement = insert.on_conflict_do_update(
            index_elements=[ZoomHostWrites.host_key, ZoomHostWrites.day],
            set_={"used": ZoomHostWrites.used + 1},
            where=(ZoomHostWrites.used < limit)
            & or_(ZoomHostWrites.used_up_until.is_(None), ZoomHostWrites.used_up_until <= now),
        ).returning(ZoomHostWrites.used)
        return bool(await self._db.autocommit.rows(statement, {}))

    async def give_back(self, host_key: str, day: date) -> None:
        """Uncount one: the call never reached Zoom, or Zoom refused it before acting."""
        statement = (
            update(ZoomHostWrites)
            .where(ZoomHostWrites.host_key == host_key, ZoomHostWrites.day == day, ZoomHostWrites.used > 0)
            .values(used=ZoomHostWrites.used - 1)
            .returning(ZoomHostWrites.used)
        )
        await self._db.autocommit.rows(statement, {})

    async def use_up(self, host_key: str, day: date, *, until: datetime) -> None:
        """Zoom answered the daily 429 for the host: grant nothing more before ``until``."""
        insert = self._db.insert(ZoomHostWrites).values(
            host_key=host_key, day=day, used=0, used_up_until=until
        )
        statement = insert.on_conflict_do_update(
            index_elements=[ZoomHostWrites.host_key, ZoomHostWrites.day],
            set_={"used_up_until": insert.excluded.used_up_until},
        ).returning(ZoomHostWrites.used)
        await self._db.autocommit.rows(statement, {})

    async def used(self, host_key: str, day: date) -> int:
        """How many the host has counted on ``day`` (0 when none)."""
        async with self._db.session() as session:
            count = await session.scalar(
                select(ZoomHostWrites.used).where(
                    ZoomHostWrites.host_key == host_key, ZoomHostWrites.day == day
                )
            )
        return int(count or 0)

    async def prune(self, before: date) -> int:
        """Drop the days before ``before`` (today, UTC): Zoom has reset them."""
        async with self._db.session() as session:
            result = await session.execute(delete(ZoomHostWrites).where(ZoomHostWrites.day < before))
            return rowcount(result)
