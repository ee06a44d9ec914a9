"""Apply the Alembic migrations in code: no alembic.ini is needed at run time.

The migration environment drives an async engine with ``asyncio.run``, which cannot
nest inside a running event loop; when called from one, the work runs on a private
thread (the caller blocks until it is done — migrations run once, at start-up).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

T = TypeVar("T")

# Alembic keeps its migration context in module globals: two upgrades running on two
# threads of one process would trample each other. Across processes, env.py locks.
_ALEMBIC_IN_PROCESS = threading.Lock()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Passed as an attribute, not a main option: ConfigParser would choke on the
    # '%' of URL-encoded passwords.
    config.attributes["database_url"] = url
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head


def upgrade_to_head(url: str) -> None:
    """Bring the database at ``url`` to the newest schema. Safe when several processes race."""
    _outside_event_loop(lambda: _upgrade(url))


def _upgrade(url: str) -> None:
    with _ALEMBIC_IN_PROCESS:
        command.upgrade(alembic_config(url), "head")


async def upgrade_to_head_async(url: str) -> None:
    """``upgrade_to_head`` without blocking the running event loop."""
    await asyncio.to_thread(upgrade_to_head, url)


def current_revision(url: str) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    return _outside_event_loop(lambda: asyncio.run(_read_revision(url)))


async def _read_revision(url: str) -> str | None:
    engine = create_async_engine(make_url(url), poolclass=NullPool, hide_parameters=True)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_revision_of)
    finally:
        await engine.dispose()


def _revision_of(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _outside_event_loop(work: Callable[[], T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="zoombot-migrate") as pool:
        return pool.submit(work).result()
