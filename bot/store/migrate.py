"""Apply the Alembic migrations in code: no alembic.ini is needed at run time.

The migration environment drives an async engine with ``asyncio.run``, which cannot
nest inside a running event loop; when called from one, the work runs on a private
thread (the caller blocks until it is done — migrations run once, at start-up).

Alembic is imported only when a migration has to run: importing it costs ~0.17 s of a
~1.3 s start, and a process starting on an up-to-date database (every start but the
first) learns that from one ``SELECT`` against ``HEAD_REVISION``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bot.store.db import Database

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest file in migrations/versions. A test checks it against Alembic's own answer, so
# adding a migration without updating this fails CI instead of skipping the migration.
HEAD_REVISION = "0005"

T = TypeVar("T")

# Alembic keeps its migration context in module globals: two upgrades running on two
# threads of one process would trample each other. Across processes, env.py locks.
_ALEMBIC_IN_PROCESS = threading.Lock()


async def schema_is_current(db: Database) -> bool:
    """True when ``db`` is at ``HEAD_REVISION``; False when it is behind, new, or unreadable."""
    try:
        async with db.engine.connect() as connection:
            versions = (await connection.execute(text("SELECT version_num FROM alembic_version"))).all()
    except DBAPIError:  # no alembic_version table yet (or no database): let Alembic decide
        return False
    return [row[0] for row in versions] == [HEAD_REVISION]


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Passed as an attribute, not a main option: ConfigParser would choke on the
    # '%' of URL-encoded passwords.
    config.attributes["database_url"] = url
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found")
    return head


def upgrade_to_head(url: str) -> None:
    """Bring the database at ``url`` to the newest schema. Safe when several processes race."""
    _outside_event_loop(lambda: _upgrade(url))


def _upgrade(url: str) -> None:
    from alembic import command

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
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _outside_event_loop(work: Callable[[], T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="zoombot-migrate") as pool:
        return pool.submit(work).result()
