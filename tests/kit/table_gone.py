"""A real database failure for tests: a table renamed away until it is restored."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from sqlalchemy import text

from bot.store.db import Database


@asynccontextmanager
async def table_gone(database: Database, table: str) -> AsyncIterator[Callable[[], Awaitable[None]]]:
    """``table`` is renamed away until ``restore()`` (or the end of the block): every statement
    that touches it fails as it would on a broken database, on SQLite and PostgreSQL alike."""

    async def rename(old: str, new: str) -> None:
        async with database.engine.begin() as connection:
            await connection.execute(text(f"ALTER TABLE {old} RENAME TO {new}"))

    gone = [True]

    async def restore() -> None:
        if gone[0]:
            await rename(f"{table}_away", table)
            gone[0] = False

    await rename(table, f"{table}_away")
    try:
        yield restore
    finally:
        await restore()
