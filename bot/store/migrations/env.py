"""Alembic environment: runs migrations over an async engine (aiosqlite or asyncpg).

Several bot processes may start at once and each applies pending migrations, so the
whole upgrade runs in ONE transaction that first takes a database-wide lock:
``pg_advisory_xact_lock`` on PostgreSQL (released at commit, so nothing leaks),
``BEGIN IMMEDIATE`` on SQLite (the write lock; others wait on the busy timeout). The
current revision is read only after the lock is held, so the second process sees the
first one's work and does nothing.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from alembic import context
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bot.store.db import install_sqlite_pragmas, is_sqlite
from bot.store.models import Base

# Arbitrary constant naming "zoombot schema migration" in PostgreSQL's advisory lock space.
MIGRATION_LOCK_KEY = 0x7A6F6F6D626F74
# Migrating can take a while on a big table; a waiting process should not give up quickly.
SQLITE_MIGRATION_BUSY_TIMEOUT_MS = 60_000

config = context.config
target_metadata = Base.metadata


def database_url() -> str:
    url = config.attributes.get("database_url") or os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("no database URL: set DATABASE_URL")
    return str(url)


def configure_context(**kwargs: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        transactional_ddl=True,
        # SQLite cannot ALTER most things in place; batch mode copies the table.
        render_as_batch=True,
        **kwargs,
    )


def run_migrations_offline() -> None:
    configure_context(url=database_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    configure_context(connection=connection)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        context.run_migrations()


async def run_migrations_online() -> None:
    url = make_url(database_url())
    engine = create_async_engine(url, poolclass=NullPool, hide_parameters=True)
    if is_sqlite(url):
        install_sqlite_pragmas(engine, busy_timeout_ms=SQLITE_MIGRATION_BUSY_TIMEOUT_MS)

        # Take SQLite's transaction control from the driver (which would commit before
        # DDL) so the whole upgrade is one transaction that holds the write lock from the start.
        @event.listens_for(engine.sync_engine, "connect")
        def _autocommit_driver(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(engine.sync_engine, "begin")
        def _begin_immediate(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    try:
        async with engine.connect() as connection:
            await connection.run_sync(do_run_migrations)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
