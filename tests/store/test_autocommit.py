"""Autocommit writes: each statement is its own transaction, visible to every other process
at once, on both backends, and cleaned like every other statement."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import sqlalchemy as sa

from bot.store.db import Database
from bot.store.models import ProcessedEvent


def _insert(db: Database) -> sa.Executable:
    return db.insert(ProcessedEvent).on_conflict_do_nothing().returning(ProcessedEvent.event_key)


async def test_a_write_is_committed_for_another_process_at_once(db: Database, db_url: str) -> None:
    now = datetime.now(UTC)
    rows = await db.autocommit.rows(_insert(db), {"source": "slack", "event_key": "k1", "received_at": now})
    assert [row[0] for row in rows] == ["k1"]
    other = Database.from_url(db_url)  # another process: its own engine and connections
    try:
        async with other.session() as session:
            keys = (await session.scalars(sa.select(ProcessedEvent.event_key))).all()
        assert keys == ["k1"]
        # The conflict is seen by the other process's autocommit writer too: nothing returned.
        again = await other.autocommit.rows(
            _insert(other), {"source": "slack", "event_key": "k1", "received_at": now}
        )
        assert again == []
    finally:
        await other.dispose()


async def test_many_rows_in_one_statement_and_text_cleaned(db: Database) -> None:
    now = datetime.now(UTC)
    batch = [{"source": "slack", "event_key": f"k{i}\x00", "received_at": now} for i in range(3)]
    rows = await db.autocommit.rows(_insert(db), batch)
    assert sorted(row[0] for row in rows) == ["k0", "k1", "k2"]  # NUL dropped on the way in


async def test_a_sqlite_write_waits_for_the_lock_off_the_event_loop(_migrated_sqlite_url: str) -> None:
    db, other = Database.from_url(_migrated_sqlite_url), Database.from_url(_migrated_sqlite_url)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    now = datetime.now(UTC)
    try:
        async with other.session() as session:  # another process holds the write lock…
            session.add(ProcessedEvent(source="slack", event_key="held", received_at=now))
            await session.flush()
            write = asyncio.create_task(
                db.autocommit.rows(_insert(db), {"source": "slack", "event_key": "k", "received_at": now})
            )
            ticking = asyncio.create_task(ticker())
            await asyncio.sleep(0.3)
            assert not write.done()  # …so the write waits (SQLite's busy timeout)…
        rows = await write  # …and lands once the lock is released
        ticking.cancel()
        assert [row[0] for row in rows] == ["k"]
        assert ticks >= 10  # the loop kept serving while the write waited in its thread
    finally:
        await db.dispose()
        await other.dispose()
