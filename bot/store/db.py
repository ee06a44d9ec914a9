"""The database handle: one async engine and a session factory per process.

SQLite and PostgreSQL are both supported, and several bot processes may share one
database. For SQLite that means WAL journaling (readers never block the writer), a busy
timeout (a writer waits for the lock instead of failing at once) and foreign keys on,
set on every new connection.

Writes that must be safe across processes never rely on ``SELECT … FOR UPDATE`` (the
SQLite dialect silently drops it); the repositories use conditional UPDATE/DELETE
statements whose row count decides the winner.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import CursorResult, Engine, Result, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool

from bot.store.autocommit import AutocommitWriter
from bot.store.checkout_watch import CheckoutWatch
from bot.store.clean_text import install_text_cleaning

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5000
# asyncpg's own connect timeout is 60 s; a health check must answer long before that.
POSTGRES_CONNECT_TIMEOUT_S = 5.0
PING_TIMEOUT_S = 3.0
# Connections to a SQLite file kept open, and how many more a burst may open for a while.
# SQLite lets one writer in at a time, and every aiosqlite connection is a thread of its own
# with its own page cache, so past a few connections a process gains memory, not speed.
# SQLAlchemy's default (5 kept, 10 more) held ~2 MB more after 3,000 commands.
SQLITE_POOL_SIZE = 2
SQLITE_POOL_OVERFLOW = 2


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def is_sqlite_memory(url: URL) -> bool:
    return is_sqlite(url) and url.database in (None, "", ":memory:")


def install_sqlite_pragmas(
    engine: AsyncEngine | Engine, *, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS
) -> None:
    """Set WAL, busy timeout and foreign keys on every new SQLite connection of ``engine``."""
    target = engine.sync_engine if isinstance(engine, AsyncEngine) else engine

    @event.listens_for(target, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            # busy_timeout first: switching to WAL needs a lock another process may hold.
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            _switch_to_wal(cursor, busy_timeout_ms / 1000)
            # NORMAL is durable in WAL mode except for the last commits on power loss.
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()


def _switch_to_wal(cursor: Any, patience_s: float) -> None:
    """Put the database file in WAL mode (a property of the file, so usually already done).

    Two processes opening a brand-new file at once both try to switch, and SQLite answers
    the loser "database is locked" at once, without waiting out the busy timeout. The
    loser looks again, and retries, until the file is in WAL mode or patience runs out.
    Only the first connections to a new file ever wait here."""
    deadline = time.monotonic() + patience_s
    while True:
        cursor.execute("PRAGMA journal_mode")
        if str(cursor.fetchone()[0]).lower() == "wal":
            return
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except Exception as error:  # the driver's OperationalError, wrapped by SQLAlchemy's adapter
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
        time.sleep(0.02)


def engine_options(url: URL) -> dict[str, Any]:
    """Keyword arguments for ``create_async_engine`` that suit the backend of ``url``."""
    options: dict[str, Any] = {
        # Bound parameters are tokens and ciphertexts: keep them out of logs and error text.
        "hide_parameters": True,
    }
    if is_sqlite_memory(url):
        # Every new connection to :memory: is a new empty database: share one connection.
        options["poolclass"] = StaticPool
        options["connect_args"] = {"check_same_thread": False}
    elif url.get_backend_name() == "postgresql":
        options["connect_args"] = {"timeout": POSTGRES_CONNECT_TIMEOUT_S}
        # A server restart leaves dead connections in the pool; a file database has none, and the
        # extra round trip per checkout is measurable on SQLite, so only PostgreSQL pings.
        options["pool_pre_ping"] = True
    elif is_sqlite(url):
        options["pool_size"] = SQLITE_POOL_SIZE
        options["max_overflow"] = SQLITE_POOL_OVERFLOW
    return options


def sqlite_file_engine(url: URL) -> Engine:
    """The same SQLite file through the standard library's driver, for autocommit writes
    (``bot/store/autocommit.py``): the same pragmas and text cleaning as the async engine."""
    engine = create_engine(url.set(drivername="sqlite"), hide_parameters=True)
    install_text_cleaning(engine)
    install_sqlite_pragmas(engine)
    return engine


def rowcount(result: Result[Any]) -> int:
    """Rows matched by an UPDATE/DELETE: the verdict of every compare-and-set in the store."""
    if not isinstance(result, CursorResult):
        raise TypeError("rowcount needs the result of an UPDATE or DELETE")
    return result.rowcount


class Database:
    """An ``AsyncEngine`` plus a session factory. Create one per process and share it."""

    def __init__(self, engine: AsyncEngine, sqlite_file: Engine | None = None) -> None:
        self._engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._autocommit = AutocommitWriter(engine, sqlite_file)
        self.checkouts = CheckoutWatch()
        if not isinstance(engine.sync_engine.pool, StaticPool):  # one shared connection: nothing to use up
            self.checkouts.install(engine)

    @classmethod
    def from_url(cls, url: str) -> Database:
        parsed = make_url(url)
        engine = create_async_engine(parsed, **engine_options(parsed))
        install_text_cleaning(engine)
        sqlite_file: Engine | None = None
        if is_sqlite(parsed):
            install_sqlite_pragmas(engine)
        if is_sqlite(parsed) and not is_sqlite_memory(parsed):
            sqlite_file = sqlite_file_engine(parsed)
        return cls(engine, sqlite_file)

    @property
    def autocommit(self) -> AutocommitWriter:
        """Single statements that commit on their own, by the backend's cheapest path."""
        return self._autocommit

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    @property
    def dialect_name(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._engine.dialect.name

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: commits when the block ends, rolls back if it raises."""
        async with self._sessions.begin() as session:
            yield session

    def insert(self, table: Any) -> Any:
        """An INSERT that can take ``ON CONFLICT`` clauses, in this backend's dialect. Only the
        dialect in use is imported: the other would cost a process megabytes for nothing."""
        if self.dialect_name == "postgresql":
            from sqlalchemy.dialects import postgresql

            return postgresql.insert(table)
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table)

    async def ping(self, timeout: float = PING_TIMEOUT_S) -> bool:
        """True when the database answers ``SELECT 1`` within ``timeout``. Never raises."""
        try:
            async with asyncio.timeout(timeout):
                async with self._engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
        except Exception as exc:  # any failure means "not healthy"; the reason goes to the log
            log.warning("database ping failed: %s", type(exc).__name__)
            return False
        return True

    async def dispose(self) -> None:
        await asyncio.to_thread(self._autocommit.close)
        await self._engine.dispose()
