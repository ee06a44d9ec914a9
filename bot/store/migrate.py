"""Apply the Alembic migrations in code: no alembic.ini is needed at run time.

The migration environment drives an async engine with ``asyncio.run``, which cannot
nest inside a running event loop; when called from one, the work runs on a private
thread (the caller blocks until it is done — migrations run once, at start-up).

Alembic is imported only when a migration has to run (importing it and running every
migration costs ~0.35 s of a ~1.3 s first start). A process starting on an up-to-date
database (every start but the first) learns that from one ``SELECT`` against
``HEAD_REVISION``; a brand-new, empty database gets the newest schema straight from the
models (``create_all``) stamped at ``HEAD_REVISION``. A test holds that schema to the one the
migrations build, table by table, on both backends.

Schema changes, by either route, run in one transaction that first takes a database-wide
lock (``schema_engine``, ``take_schema_lock``): several processes may start at once.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from bot.store.db import Database, install_sqlite_pragmas, is_sqlite
from bot.store.models import Base

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The newest file in migrations/versions. A test checks it against Alembic's own answer, so
# adding a migration without updating this fails CI instead of skipping the migration.
HEAD_REVISION = "0011"

# Arbitrary constant naming "zoombot schema migration" in PostgreSQL's advisory lock space.
MIGRATION_LOCK_KEY = 0x7A6F6F6D626F74
# Migrating can take a while on a big table; a waiting process should not give up quickly.
SQLITE_MIGRATION_BUSY_TIMEOUT_MS = 60_000

# Alembic's own bookkeeping table, as Alembic creates it.
_ALEMBIC_VERSION = sa.Table(
    "alembic_version",
    sa.MetaData(),
    sa.Column("version_num", sa.String(32), nullable=False),
    sa.PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)

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


async def bring_to_head(db: Database, url: str) -> None:
    """Bring the database to ``HEAD_REVISION`` by the cheapest safe route (see the module doc)."""
    if await schema_is_current(db):
        return
    if await create_schema_if_empty(url):
        return
    if await schema_is_current(db):  # another process created it while we waited for the lock
        return
    await upgrade_to_head_async(url)


def schema_engine(url: str) -> AsyncEngine:
    """A one-connection-per-use engine for schema changes.

    On SQLite every transaction starts with ``BEGIN IMMEDIATE`` (the write lock, which others
    wait for on the busy timeout), and the driver's own transaction control is off: it would
    commit before DDL, so the change would not be one transaction."""
    parsed = make_url(url)
    engine = create_async_engine(parsed, poolclass=NullPool, hide_parameters=True)
    if is_sqlite(parsed):
        install_sqlite_pragmas(engine, busy_timeout_ms=SQLITE_MIGRATION_BUSY_TIMEOUT_MS)

        @event.listens_for(engine.sync_engine, "connect")
        def _autocommit_driver(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(engine.sync_engine, "begin")
        def _begin_immediate(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def take_schema_lock(connection: Connection) -> None:
    """PostgreSQL: the schema lock, held until the transaction ends (so nothing leaks).
    SQLite holds the write lock from ``BEGIN IMMEDIATE`` already (``schema_engine``)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})


async def create_schema_if_empty(url: str) -> bool:
    """Create the newest schema, stamped ``HEAD_REVISION``, in a database with no tables at
    all. False, changing nothing, when the database has any table: Alembic decides then."""
    engine = schema_engine(url)
    try:
        async with engine.begin() as connection:
            return await connection.run_sync(_create_if_empty)
    finally:
        await engine.dispose()


def _create_if_empty(connection: Connection) -> bool:
    take_schema_lock(connection)
    if sa.inspect(connection).get_table_names():  # read under the lock: a sibling may have won
        return False
    # Known to be empty (under the lock): no "does it exist?" query per table.
    Base.metadata.create_all(connection, checkfirst=False)
    _ALEMBIC_VERSION.create(connection, checkfirst=False)
    connection.execute(_ALEMBIC_VERSION.insert().values(version_num=HEAD_REVISION))
    return True


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
