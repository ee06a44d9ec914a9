"""Database: connection settings for shared SQLite files, health ping, units of work, UTC columns."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import StatementError

from bot.store.db import SQLITE_POOL_OVERFLOW, SQLITE_POOL_SIZE, Database
from bot.store.models import AuditEvent


async def test_dialect_name_and_ping(db: Database, db_url: str) -> None:
    assert db.dialect_name == ("sqlite" if db_url.startswith("sqlite") else "postgresql")
    assert await db.ping()


async def test_sqlite_connections_are_set_up_for_several_processes(sqlite_url: str) -> None:
    db = Database.from_url(sqlite_url)
    try:
        async with db.engine.connect() as connection:
            assert await connection.scalar(text("PRAGMA journal_mode")) == "wal"
            assert await connection.scalar(text("PRAGMA busy_timeout")) == 5000
            assert await connection.scalar(text("PRAGMA foreign_keys")) == 1
    finally:
        await db.dispose()


async def test_a_burst_opens_few_sqlite_connections_and_keeps_fewer(sqlite_url: str) -> None:
    """Each aiosqlite connection is a thread with a page cache of its own: a burst of units of
    work shares a few, waits its turn for them, and the extra ones close when it is over."""
    db = Database.from_url(sqlite_url)
    open_now, peak = 0, 0

    def opened(*_: object) -> None:
        nonlocal open_now, peak
        open_now += 1
        peak = max(peak, open_now)

    def closed(*_: object) -> None:
        nonlocal open_now
        open_now -= 1

    event.listen(db.engine.sync_engine, "connect", opened)
    event.listen(db.engine.sync_engine, "close", closed)

    async def unit_of_work(n: int) -> int:
        async with db.session() as session:
            value = await session.scalar(text(f"SELECT {n}"))
            await asyncio.sleep(0.02)  # held a while, as a real step is
            return int(value or 0)

    try:
        assert await asyncio.gather(*(unit_of_work(n) for n in range(12))) == list(range(12))
        assert peak == SQLITE_POOL_SIZE + SQLITE_POOL_OVERFLOW < 12
        assert open_now == SQLITE_POOL_SIZE
    finally:
        await db.dispose()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_ping_is_false_not_an_exception_when_unreachable(tmp_path: object) -> None:
    unreachable = [
        Database.from_url(f"postgresql+asyncpg://postgres@127.0.0.1:{closed_port()}/nothing"),
        Database.from_url("sqlite+aiosqlite:////nonexistent-directory/for/sure/zoombot.db"),
    ]
    for db in unreachable:
        try:
            assert await db.ping(timeout=2) is False
        finally:
            await db.dispose()


async def test_session_commits_or_rolls_back(db: Database) -> None:
    at = datetime(2030, 1, 1, tzinfo=UTC)
    async with db.session() as session:
        session.add(AuditEvent(internal_subject="s1", action="linked", at=at))
    with pytest.raises(RuntimeError):
        async with db.session() as session:
            session.add(AuditEvent(internal_subject="s2", action="linked", at=at))
            await session.flush()
            raise RuntimeError("boom")
    async with db.session() as session:
        assert (await session.scalars(select(AuditEvent.internal_subject))).all() == ["s1"]


async def test_datetimes_are_stored_as_utc_and_come_back_aware(db: Database) -> None:
    berlin_noon = datetime(2030, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    async with db.session() as session:
        session.add(AuditEvent(internal_subject="s1", action="x", at=berlin_noon))
    async with db.session() as session:
        stored = await session.scalar(select(AuditEvent.at))
        raw = await session.scalar(text("SELECT CAST(at AS TEXT) FROM audit_events"))
    assert stored == berlin_noon and stored is not None and stored.tzinfo == UTC
    assert str(raw).startswith("2030-06-01 10:00:00")


async def test_naive_datetimes_are_refused(db: Database) -> None:
    with pytest.raises(StatementError, match="naive"):
        async with db.session() as session:
            session.add(AuditEvent(internal_subject="s1", action="x", at=datetime(2030, 1, 1)))  # noqa: DTZ001


async def test_in_memory_sqlite_keeps_one_database() -> None:
    db = Database.from_url("sqlite+aiosqlite://")
    try:
        async with db.session() as session:
            await session.execute(text("CREATE TABLE t (x INTEGER)"))
            await session.execute(text("INSERT INTO t VALUES (1)"))
        async with db.session() as session:
            assert await session.scalar(text("SELECT x FROM t")) == 1
        assert await db.ping()
    finally:
        await db.dispose()
