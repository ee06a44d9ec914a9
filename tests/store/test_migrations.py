"""Migrations: an empty database reaches head, the models match it, and parallel starts are safe."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from bot.store.db import Database
from bot.store.migrate import (
    HEAD_REVISION,
    create_schema_if_empty,
    current_revision,
    head_revision,
    schema_is_current,
    upgrade_to_head,
)
from bot.store.models import Base

T = TypeVar("T")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest) -> str:
    """An empty, never migrated database on each backend."""
    fixture = "sqlite_url" if request.param == "sqlite" else "fresh_postgres_url"
    return str(request.getfixturevalue(fixture))


async def on_connection(url: str, work: Callable[[Connection], T]) -> T:
    """Run synchronous ``work`` (SQLAlchemy's inspection and DDL APIs) in one committed
    transaction on ``url``."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            return await connection.run_sync(work)
    finally:
        await engine.dispose()


async def schema_diff(url: str, metadata: sa.MetaData) -> list[Any]:
    def compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))

    return await on_connection(url, compare)


async def test_empty_database_upgrades_to_head_and_matches_models(empty_url: str) -> None:
    assert current_revision(empty_url) is None
    # Called from inside a running event loop, as `serve` start-up code may do.
    upgrade_to_head(empty_url)
    assert current_revision(empty_url) == head_revision()
    assert await schema_diff(empty_url, Base.metadata) == []


async def test_schema_comparison_does_notice_a_mismatch(empty_url: str) -> None:
    # Guards the test above: a model the migrations do not know about must show up as a diff.
    upgrade_to_head(empty_url)
    drifted = sa.MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(drifted)
    sa.Table("not_migrated", drifted, sa.Column("id", sa.Integer, primary_key=True))
    drifted.tables["zoom_links"].append_column(sa.Column("extra", sa.String(10)))
    diff = await schema_diff(empty_url, drifted)
    assert ("add_table", "not_migrated") in [
        (entry[0], entry[1].name) for entry in diff if entry[0] == "add_table"
    ]
    assert any(entry[0] == "add_column" and entry[3].name == "extra" for entry in diff)


def test_upgrade_twice_is_a_no_op(empty_url: str) -> None:
    upgrade_to_head(empty_url)
    upgrade_to_head(empty_url)
    assert current_revision(empty_url) == head_revision()


def test_threads_of_one_process_can_upgrade_together(empty_url: str) -> None:
    # Alembic's context is process-global; upgrade_to_head must serialise callers itself.
    errors: list[BaseException] = []

    def work() -> None:
        try:
            upgrade_to_head(empty_url)
        except BaseException as exc:  # asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert current_revision(empty_url) == head_revision()


def test_processes_starting_together_migrate_once(empty_url: str) -> None:
    script = "import sys; from bot.store.migrate import upgrade_to_head; upgrade_to_head(sys.argv[1])"
    processes = [
        subprocess.Popen([sys.executable, "-c", script, empty_url], stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr
    assert current_revision(empty_url) == head_revision()


@pytest.mark.postgres
async def test_migration_lock_is_released(fresh_postgres_url: str) -> None:
    upgrade_to_head(fresh_postgres_url)
    engine = create_async_engine(fresh_postgres_url)
    try:
        async with engine.connect() as connection:
            held = await connection.scalar(
                sa.text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
            )
    finally:
        await engine.dispose()
    assert held == 0


def test_the_head_revision_constant_is_alembics_head() -> None:
    # start-up compares the database with HEAD_REVISION instead of asking Alembic
    assert head_revision() == HEAD_REVISION


async def test_schema_is_current_only_at_head(empty_url: str) -> None:
    db = Database.from_url(empty_url)
    try:
        assert not await schema_is_current(db)  # never migrated: no alembic_version table
        upgrade_to_head(empty_url)
        assert await schema_is_current(db)
        async with db.engine.begin() as connection:
            await connection.execute(sa.text("UPDATE alembic_version SET version_num = '0001'"))
        assert not await schema_is_current(db)
    finally:
        await db.dispose()


def test_serving_does_not_import_alembic_until_a_migration_is_due() -> None:
    script = "import sys, bot.cli, bot.runtime, bot.web; print('alembic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- a new database skips Alembic ----------------------------------------------------


def reflected_schema(connection: Connection) -> dict[str, Any]:
    """Everything the database itself says about each table: columns (type, nullability,
    default), keys, foreign keys, unique and check constraints, indexes."""
    inspector = sa.inspect(connection)
    schema: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        columns = [
            (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
            for c in inspector.get_columns(table)
        ]
        schema[table] = {
            "columns": columns,
            "primary_key": inspector.get_pk_constraint(table),
            "foreign_keys": sorted(inspector.get_foreign_keys(table), key=repr),
            "unique": sorted(inspector.get_unique_constraints(table), key=repr),
            "checks": sorted(
                (c["name"], " ".join(c["sqltext"].split())) for c in inspector.get_check_constraints(table)
            ),
            "indexes": sorted(inspector.get_indexes(table), key=repr),
        }
    return schema


async def snapshot(url: str) -> dict[str, Any]:
    return await on_connection(url, reflected_schema)


def execute(sql: str) -> Callable[[Connection], object]:
    return lambda connection: connection.execute(sa.text(sql))


async def drop_everything(url: str) -> None:
    def drop(connection: Connection) -> None:
        Base.metadata.drop_all(connection)
        connection.execute(sa.text("DROP TABLE alembic_version"))

    await on_connection(url, drop)


async def test_a_new_database_gets_the_schema_the_migrations_build(empty_url: str) -> None:
    assert await create_schema_if_empty(empty_url)
    assert current_revision(empty_url) == HEAD_REVISION
    created = await snapshot(empty_url)
    assert "alembic_version" in created and "slack_installations" in created
    await drop_everything(empty_url)
    assert await snapshot(empty_url) == {}
    upgrade_to_head(empty_url)
    migrated = await snapshot(empty_url)
    assert created == migrated


async def test_the_schema_snapshot_notices_a_difference(empty_url: str) -> None:
    # Guards the test above: a constraint the migrations add must show up in the snapshot.
    upgrade_to_head(empty_url)
    migrated = await snapshot(empty_url)
    assert any(table["checks"] for table in migrated.values())
    await on_connection(empty_url, execute("CREATE INDEX ix_extra ON zoom_links (zoom_email)"))
    assert await snapshot(empty_url) != migrated


async def test_a_database_with_tables_is_left_to_the_migrations(empty_url: str) -> None:
    await on_connection(empty_url, execute("CREATE TABLE someone_elses (id INTEGER PRIMARY KEY)"))
    assert not await create_schema_if_empty(empty_url)
    assert current_revision(empty_url) is None
    assert list(await snapshot(empty_url)) == ["someone_elses"]


async def test_processes_creating_a_new_database_together_create_it_once(empty_url: str) -> None:
    script = (
        "import asyncio, sys\n"
        "from bot.store.db import Database\n"
        "from bot.store.migrate import bring_to_head\n"
        "async def main():\n"
        "    db = Database.from_url(sys.argv[1])\n"
        "    await bring_to_head(db, sys.argv[1])\n"
        "    await db.dispose()\n"
        "asyncio.run(main()); print('alembic' in sys.modules)"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, empty_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr
        outputs.append(stdout.strip())
    assert outputs == ["False"] * 3  # nobody needed Alembic: one created, the others saw it done
    assert current_revision(empty_url) == HEAD_REVISION
    assert await schema_diff(empty_url, Base.metadata) == []
