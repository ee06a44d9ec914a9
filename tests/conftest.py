"""Shared fixtures: real databases (a SQLite file, a throwaway PostgreSQL database) and a vault.

Fixtures
--------
``sqlite_url``
    URL of a new, EMPTY (not migrated) SQLite file under the test's ``tmp_path``.
``postgres_url``
    URL of this test session's own PostgreSQL database ``zoombot_test_<random>``:
    created and migrated to head once per session, dropped at session end, and emptied
    (every table truncated) before each test that uses it. Marked ``postgres``.
``fresh_postgres_url``
    URL of a brand-new EMPTY (not migrated) PostgreSQL database, dropped after the test.
``db_url``
    Parametrized over ``sqlite`` and ``postgresql``: a migrated, empty database. Test
    ids end in ``[sqlite]`` / ``[postgresql]``; ``-m "not postgres"`` runs SQLite only.
``db``
    A ``bot.store.db.Database`` on ``db_url``, disposed after the test. Open a second
    ``Database.from_url(db_url)`` to imitate another bot process on the same database.
``vault``
    A ``TokenVault`` with one fresh random key.

Every test also fails if a task in it took a second database connection while holding one
(``bot/store/checkout_watch.py``): that nesting can use up the bounded pool under a burst.
A test that nests on purpose is marked ``nested_checkout``.

PostgreSQL
----------
The server is ``postgresql+asyncpg://postgres@127.0.0.1:5432/test`` unless
``ZOOMBOT_TEST_POSTGRES_URL`` names another one (any database on the server works; the
fixtures only use it to create and drop their own). If it cannot be reached the tests
that need it FAIL, so a missing server is never mistaken for a pass; set
``ZOOMBOT_SKIP_POSTGRES=1`` to skip them instead.

Set-up work that needs asyncio (creating databases, migrating) runs on a private
thread with its own event loop, so these fixtures work for sync and async tests alike
and never disturb the loop pytest-asyncio gives the test.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import shutil
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.store.checkout_watch import NESTED_CHECKOUT
from bot.store.db import Database
from bot.store.migrate import upgrade_to_head
from bot.store.models import Base
from bot.store.vault import TokenVault, generate_key

T = TypeVar("T")

DEFAULT_POSTGRES_SERVER_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
SKIP_POSTGRES_ENV = "ZOOMBOT_SKIP_POSTGRES"


def in_thread(work: Callable[[], T]) -> T:
    """Run ``work()`` on a private thread (where ``asyncio.run`` cannot clash with the test's loop)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def run_async(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run ``await factory()`` to completion on a private thread and event loop."""
    return in_thread(lambda: asyncio.run(factory()))


def postgres_server_url() -> str:
    return os.environ.get("ZOOMBOT_TEST_POSTGRES_URL", DEFAULT_POSTGRES_SERVER_URL)


def _asyncpg_dsn(sqlalchemy_url: str) -> str:
    """asyncpg wants ``postgresql://``; SQLAlchemy URLs say ``postgresql+asyncpg://``."""
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)


def _with_database(sqlalchemy_url: str, database: str) -> str:
    return make_url(sqlalchemy_url).set(database=database).render_as_string(hide_password=False)


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(_asyncpg_dsn(postgres_server_url()), timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def create_postgres_database() -> str:
    """Create an empty database with a random name; return its SQLAlchemy URL."""
    name = f"zoombot_test_{secrets.token_hex(6)}"
    run_async(lambda: _admin(f'CREATE DATABASE "{name}"'))
    return _with_database(postgres_server_url(), name)


def drop_postgres_database(url: str) -> None:
    name = make_url(url).database
    assert name and name.startswith("zoombot_test_"), "refusing to drop a database the tests did not create"
    # FORCE: a test that failed half-way may have left a connection open.
    run_async(lambda: _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _require_postgres() -> None:
    if os.environ.get(SKIP_POSTGRES_ENV) == "1":
        pytest.skip(f"PostgreSQL tests skipped ({SKIP_POSTGRES_ENV}=1)")
    try:
        run_async(lambda: _admin("SELECT 1"))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        pytest.fail(
            f"PostgreSQL at {make_url(postgres_server_url()).render_as_string()} is unreachable "
            f"({type(exc).__name__}: {exc}); start it, or set {SKIP_POSTGRES_ENV}=1 to skip these tests",
            pytrace=False,
        )


# -- SQLite --------------------------------------------------------------------


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'zoombot.db'}"


@pytest.fixture(scope="session")
def _migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per session; tests get copies (much faster than migrating each time)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    in_thread(lambda: upgrade_to_head(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture
def _migrated_sqlite_url(tmp_path: Path, _migrated_sqlite_template: Path) -> str:
    target = tmp_path / "zoombot.db"
    shutil.copyfile(_migrated_sqlite_template, target)
    return f"sqlite+aiosqlite:///{target}"


# -- PostgreSQL ----------------------------------------------------------------


@pytest.fixture(scope="session")
def _postgres_session_database() -> Iterator[str]:
    _require_postgres()
    url = create_postgres_database()
    try:
        in_thread(lambda: upgrade_to_head(url))
        yield url
    finally:
        drop_postgres_database(url)


async def _truncate_all(url: str) -> None:
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    connection = await asyncpg.connect(_asyncpg_dsn(url), timeout=5)
    try:
        # A connection a previous test left open inside a transaction would block
        # TRUNCATE forever; fail with a clear lock timeout instead.
        await connection.execute("SET lock_timeout = '10s'")
        await connection.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()


@pytest.fixture
def postgres_url(_postgres_session_database: str) -> str:
    run_async(lambda: _truncate_all(_postgres_session_database))
    return _postgres_session_database


@pytest.fixture
def fresh_postgres_url() -> Iterator[str]:
    _require_postgres()
    url = create_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url)


# -- both ----------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return str(request.getfixturevalue("_migrated_sqlite_url"))
    return str(request.getfixturevalue("postgres_url"))


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def _no_nested_checkouts(request: pytest.FixtureRequest) -> Iterator[None]:
    logger = logging.getLogger("bot.store.checkout_watch")
    seen = _Records()
    logger.addHandler(seen)
    try:
        yield
    finally:
        logger.removeHandler(seen)
    nested = [r for r in seen.records if getattr(r, NESTED_CHECKOUT, False)]
    if nested and request.node.get_closest_marker("nested_checkout") is None:
        pytest.fail(nested[0].getMessage())  # says where, with the stack of both units of work


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = Database.from_url(db_url)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
def vault() -> TokenVault:
    return TokenVault([generate_key()])
