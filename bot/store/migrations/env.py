"""Alembic environment: runs migrations over an async engine (aiosqlite or asyncpg).

Several bot processes may start at once and each applies pending migrations, so the
whole upgrade runs in ONE transaction that first takes a database-wide lock
(``bot.store.migrate.schema_engine`` and ``take_schema_lock``: ``pg_advisory_xact_lock``
on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite). The current revision is read only after the
lock is held, so the second process sees the first one's work and does nothing.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from bot.store.migrate import schema_engine, take_schema_lock
from bot.store.models import Base

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
        take_schema_lock(connection)
        context.run_migrations()


async def run_migrations_online() -> None:
    engine = schema_engine(database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(do_run_migrations)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
