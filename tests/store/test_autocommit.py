"""Autocommit writes: each statement is its own transaction, visible to every other process
at once, on both backends, and cleaned like every other statement."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bot.store.autocommit import AutocommitWriter
from bot.store.db import Database, sqlite_file_engine
from bot.store.models import ProcessedEvent


@asynccontextmanager
async def holding_the_write_lock(other: Database, now: datetime) -> AsyncIterator[None]:
    """Another process in the middle of a write transaction: SQLite's write lock is its."""
    async with other.session() as session:
        session.add(ProcessedEvent(source="slack", event_key="held", received_at=now))
        await session.flush()
        yield


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
        async with holding_the_write_lock(other, now):  # another process holds the write lock…
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


async def test_an_uncontended_sqlite_write_stays_on_the_loop_and_a_locked_one_goes_to_the_thread(
    _migrated_sqlite_url: str,
) -> None:
    db, other = Database.from_url(_migrated_sqlite_url), Database.from_url(_migrated_sqlite_url)
    now = datetime.now(UTC)
    try:
        await db.autocommit.rows(_insert(db), {"source": "slack", "event_key": "free", "received_at": now})
        assert (db.autocommit.written_on_loop, db.autocommit.written_in_thread) == (1, 0)
        async with holding_the_write_lock(other, now):
            write = asyncio.create_task(
                db.autocommit.rows(_insert(db), {"source": "slack", "event_key": "k", "received_at": now})
            )
            await asyncio.sleep(0.1)
        assert [row[0] for row in await write] == ["k"]
        assert (db.autocommit.written_on_loop, db.autocommit.written_in_thread) == (1, 1)
        # The loop's connection is not left in a failed transaction: the next write is on the loop.
        await db.autocommit.rows(_insert(db), {"source": "slack", "event_key": "k2", "received_at": now})
        assert (db.autocommit.written_on_loop, db.autocommit.written_in_thread) == (2, 1)
    finally:
        await db.dispose()
        await other.dispose()


async def test_writes_on_the_loop_are_checkpointed_by_the_thread_so_the_wal_stays_small(
    _migrated_sqlite_url: str,
) -> None:
    # The loop's connection never checkpoints; without the thread's checkpoints these 1,000
    # commits would leave a WAL of about 13 MB (the pages each commit touched, and a header).
    url = make_url(_migrated_sqlite_url)
    db = Database.from_url(_migrated_sqlite_url)
    writer = AutocommitWriter(db.engine, sqlite_file_engine(url), checkpoint_every=50)
    now = datetime.now(UTC)
    wal = Path(f"{url.database}-wal")
    try:
        for i in range(1000):
            await writer.rows(_insert(db), {"source": "slack", "event_key": f"w{i}", "received_at": now})
            if i % 50 == 49:
                # A serving loop has gaps between requests, and the thread's checkpoint runs in
                # one. Waited for rather than slept: on a slow disk its sync outlasts 10 ms, and
                # a checkpoint that writes overtake cannot let the WAL start over.
                checkpoints = (i + 1) // 50
                async with asyncio.timeout(10):
                    while writer.checkpoints < checkpoints:
                        await asyncio.sleep(0.002)
        assert writer.written_on_loop == 1000 and writer.checkpoints == 20
        assert wal.stat().st_size < 1_000_000
    finally:
        await asyncio.to_thread(writer.close)
        await db.dispose()


async def test_after_a_failed_write_on_the_loop_the_next_one_is_on_the_loop_again(
    _migrated_sqlite_url: str,
) -> None:
    db = Database.from_url(_migrated_sqlite_url)
    row = {"source": "slack", "event_key": "k", "received_at": datetime.now(UTC)}
    try:
        with pytest.raises(sa.exc.OperationalError):
            await db.autocommit.rows(sa.text("INSERT INTO no_such_table VALUES (1)"), {})
        rows = await db.autocommit.rows(_insert(db), row)
        assert [row[0] for row in rows] == ["k"]
        assert (db.autocommit.written_on_loop, db.autocommit.written_in_thread) == (1, 0)
    finally:
        await db.dispose()


async def test_a_prepared_write_on_the_loop_stores_what_sqlalchemy_would(_migrated_sqlite_url: str) -> None:
    db = Database.from_url(_migrated_sqlite_url)
    now = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
    prepared = db.autocommit.prepare(_insert(db))
    try:
        written = await db.autocommit.rows(
            _insert(db), {"source": "slack", "event_key": "plain", "received_at": now}
        )
        rows = await db.autocommit.rows(
            prepared, {"source": "slack", "event_key": "fast\x00", "received_at": now}
        )
        assert [row[0] for row in rows] == ["fast"]  # cleaned like every other statement
        assert [row[0] for row in written] == ["plain"]
        assert (
            await db.autocommit.rows(prepared, {"source": "slack", "event_key": "fast", "received_at": now})
            == []
        )
        batch = [{"source": "slack", "event_key": key, "received_at": now} for key in ("fast", "b1", "b2")]
        assert sorted(row[0] for row in await db.autocommit.rows(prepared, batch)) == ["b1", "b2"]
        assert (db.autocommit.written_on_loop, db.autocommit.written_in_thread) == (4, 0)
        async with db.session() as session:
            stored = dict(
                (await session.execute(sa.select(ProcessedEvent.event_key, ProcessedEvent.received_at))).all()
            )
            # The same text in the file as SQLAlchemy's own write, so both read back alike.
            as_text = sa.text("SELECT event_key, received_at FROM processed_events")
            raw = {row[0]: row[1] for row in await session.execute(as_text)}
        assert stored == {"plain": now, "fast": now, "b1": now, "b2": now}
        assert raw["fast"] == raw["plain"] == raw["b1"]
    finally:
        await db.dispose()


async def test_a_prepared_statement_sqlalchemy_must_complete_is_run_by_sqlalchemy(
    _migrated_sqlite_url: str,
) -> None:
    db = Database.from_url(_migrated_sqlite_url)
    # received_at left out: its default is computed in Python, which only SQLAlchemy does.
    prepared = db.autocommit.prepare(_insert(db))
    try:
        rows = await db.autocommit.rows(prepared, {"source": "slack", "event_key": "k"})
        assert [row[0] for row in rows] == ["k"]
        async with db.session() as session:
            received = await session.scalar(sa.select(ProcessedEvent.received_at))
        assert received is not None
        assert prepared.plans == {("source", "event_key"): None}
    finally:
        await db.dispose()


async def test_a_prepared_write_waits_for_the_lock_in_the_thread_and_then_returns_to_the_loop(
    _migrated_sqlite_url: str,
) -> None:
    db, other = Database.from_url(_migrated_sqlite_url), Database.from_url(_migrated_sqlite_url)
    prepared = db.autocommit.prepare(_insert(db))
    now = datetime.now(UTC)
    try:
        async with holding_the_write_lock(other, now):
            write = asyncio.create_task(
                db.autocommit.rows(prepared, {"source": "slack", "event_key": "k", "received_at": now})
            )
            await asyncio.sleep(0.1)
            assert not write.done()
        assert [row[0] for row in await write] == ["k"]
        assert (db.autocommit.written_on_loop, db.autocommit.written_in_thread) == (0, 1)
        # The driver rolled back its failed attempt: the next write is on the loop again.
        await db.autocommit.rows(prepared, {"source": "slack", "event_key": "k2", "received_at": now})
        assert (db.autocommit.written_on_loop, db.autocommit.written_in_thread) == (1, 1)
    finally:
        await db.dispose()
        await other.dispose()
