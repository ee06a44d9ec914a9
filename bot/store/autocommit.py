"""One statement that commits on its own, sent by the cheapest path each backend offers.

The replay memory writes one row per signed Slack request, so its cost is paid by every
command. Through the async engine that write costs about a millisecond of CPU, most of it
not SQL: on SQLite, aiosqlite hops to its thread and back about a dozen times per
statement (cursor, execute, fetch, commit, close, …); on PostgreSQL, BEGIN and COMMIT are
round trips of their own. A single INSERT needs neither a transaction around it nor a hop
per step:

- SQLite (a file): plain synchronous connections to the same file, with the same pragmas.
  A write is first tried on the event loop itself, on a connection that never waits for
  the lock (``busy_timeout`` 0): uncontended, an INSERT and its commit in WAL mode are a
  write to the page cache, ~0.03 ms, less than handing the work to a thread and back
  (~0.2 ms of CPU). When another connection holds the write lock (another process, or
  this process's own sessions), SQLite says "busy" at once and the write goes to this
  process's one writer thread, which waits for the lock (the busy timeout) off the loop.
  The loop's connection never checkpoints either (``wal_autocheckpoint`` 0: a checkpoint
  copies pages and syncs the file, milliseconds the loop must not spend); every
  ``checkpoint_every`` writes on the loop, the writer thread runs a passive checkpoint, so
  the WAL file stays small. SQLite serialises writers itself (WAL and the lock), so these
  connections are no different from another process's.
- PostgreSQL: the async engine's pool in autocommit mode: the statement is its own
  transaction, one round trip.
- SQLite in memory (tests): the async engine itself, since another connection would open
  another, empty database.

A statement run on every request (the replay memory's INSERT) is ``prepare``d: its SQL and
the order and conversion of its parameters are worked out once, and on the loop's SQLite
connection it goes straight to the driver. SQLAlchemy's execution around a cached statement
(context, cursor wrapper, result, events) costs several times SQLite's own work for a
one-row INSERT. Only statements SQLAlchemy would not change on the way are prepared this way
(no Python-side defaults, no expanding parameters, no result conversion); the rest, and
every write in the thread or on PostgreSQL, go through SQLAlchemy.

Measured with ``bench/replay_memory.py`` (one request at a time), CPU per write: SQLite
0.97 ms through the async engine, 0.27 ms through the writer thread, 0.12 ms on the loop;
PostgreSQL 0.96 → 0.75 ms. Prepared, on the loop: 0.14 → 0.05 ms for 3,000 one-row writes
of ascending keys straight to the writer, where SQLite's own work is least; with the random
keys of real signatures into a growing table, SQLite's B-tree work takes over and the
difference shrinks to 0.13–0.14 → 0.08–0.14 ms (three runs each). Under ``bench/run.py``'s
load, same run, median of 3: CPU per ``/zoom list`` 3.52 → 3.22 ms at 100/s.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Dialect, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import ClauseElement, Executable
from sqlalchemy.sql.compiler import SQLCompiler

from bot.store.clean_text import clean_parameters

log = logging.getLogger(__name__)

Params = dict[str, Any] | list[dict[str, Any]]

CHECKPOINT_EVERY = 500  # writes on the loop between passive checkpoints (~2 MB of WAL at most)
_SQLITE_BUSY = 5  # SQLite's primary result code for "the database is locked"


@dataclass(frozen=True)
class _DriverPlan:
    """A compiled statement as the driver takes it: the SQL, and each positional parameter's
    name and SQLAlchemy's conversion for it (a datetime to SQLite's text, say)."""

    sql: str
    compiled: SQLCompiler
    names: tuple[str, ...]
    converters: tuple[Callable[[Any], Any] | None, ...]

    def parameters(self, params: dict[str, Any]) -> tuple[Any, ...]:
        values = self.compiled.construct_params(params)
        converted = tuple(
            value if convert is None else convert(value)
            for value, convert in zip((values[name] for name in self.names), self.converters, strict=True)
        )
        return clean_parameters(converted)  # what the engines' text cleaning does to every statement


def _driver_plan(statement: ClauseElement, dialect: Dialect, keys: Sequence[str]) -> _DriverPlan | None:
    """The plan, or None when SQLAlchemy would do more than bind values: compute a Python-side
    default, expand a parameter list, or convert a returned value."""
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    if not isinstance(compiled, SQLCompiler) or compiled.positiontup is None:
        return None
    if compiled.insert_prefetch or compiled.update_prefetch or compiled.post_compile_params:
        return None
    if compiled.literal_execute_params:
        return None
    for column in compiled.returning or ():
        if getattr(column, "type", None) is None or column.type.result_processor(dialect, None) is not None:
            return None
    names = tuple(compiled.positiontup)
    converters = tuple(compiled.binds[name].type.bind_processor(dialect) for name in names)
    return _DriverPlan(compiled.string, compiled, names, converters)


@dataclass
class PreparedWrite:
    """A statement written often (``AutocommitWriter.prepare``): its driver plan per set of
    parameter names, worked out the first time that set is written."""

    statement: Executable
    plans: dict[tuple[str, ...], _DriverPlan | None] = field(default_factory=dict)

    def plan(self, dialect: Dialect, keys: tuple[str, ...]) -> _DriverPlan | None:
        if keys not in self.plans:
            assert isinstance(self.statement, ClauseElement)
            self.plans[keys] = _driver_plan(self.statement, dialect, keys)
        return self.plans[keys]


class AutocommitWriter:
    """Runs one statement as its own transaction and returns the rows it returns."""

    def __init__(
        self,
        engine: AsyncEngine,
        sqlite_file: Engine | None = None,
        *,
        checkpoint_every: int = CHECKPOINT_EVERY,
    ) -> None:
        """``sqlite_file``: a synchronous engine on the same SQLite file (the database handle
        makes it, with the same pragmas), or None for the async engine's own path."""
        self._engine = engine
        self._sqlite_file = sqlite_file
        # The writer thread exists exactly when there is a SQLite file to write to.
        self._thread = ThreadPoolExecutor(1, "sqlite-writer") if sqlite_file is not None else None
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._on_loop: Connection | None = None  # opened by the first write, on the loop
        self._checkpoint_every = checkpoint_every
        self._since_checkpoint = 0
        self._checkpointing: Future[None] | None = None
        # Where SQLite writes went, on the loop or waited for in the thread, and the thread's
        # finished checkpoints (tests read them).
        self.written_on_loop = 0
        self.written_in_thread = 0
        self.checkpoints = 0

    def prepare(self, statement: Executable) -> PreparedWrite:
        """``statement`` as one this writer will run often (see the module's docstring)."""
        return PreparedWrite(statement)

    async def rows(self, statement: Executable | PreparedWrite, params: Params) -> list[Any]:
        prepared = statement if isinstance(statement, PreparedWrite) else None
        if isinstance(statement, PreparedWrite):
            statement = statement.statement
        if self._thread is not None:
            try:
                if prepared is not None:
                    written = self._write_prepared_on_loop(prepared, params)
                    if written is not None:
                        return written
                return self._write_on_loop(statement, params)
            except (OperationalError, sqlite3.Error) as error:
                if not _busy(error):
                    # A connection SQLAlchemy reopened would lose the pragmas set on this one
                    # (a 5 s busy timeout, on the loop): the next write opens a fresh one.
                    self._close_on_loop()
                    if isinstance(error, OperationalError):
                        raise
                    # The driver's own error: SQLAlchemy runs it again in the thread and
                    # raises what every caller expects if it fails there too.
            # Locked by another writer: wait for it in the thread, not on the loop.
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._thread, self._write_file, statement, params)
        if self._engine.dialect.name == "sqlite":  # in memory: the shared connection, in a transaction
            async with self._engine.begin() as connection:
                return list(await connection.execute(statement, params))
        async with self._autocommit.connect() as connection:
            return list(await connection.execute(statement, params))

    def _loop_connection(self) -> Connection:
        """The event loop's own connection, which fails at once with "busy" rather than wait
        for another writer."""
        assert self._sqlite_file is not None  # only called when the file engine exists
        if self._on_loop is None:
            connection = self._sqlite_file.connect()
            connection.exec_driver_sql("PRAGMA busy_timeout = 0")
            connection.exec_driver_sql("PRAGMA wal_autocheckpoint = 0")
            connection.commit()
            self._on_loop = connection
        return self._on_loop

    def _write_prepared_on_loop(self, prepared: PreparedWrite, params: Params) -> list[Any] | None:
        """The prepared statement, once per row, and one commit, straight to the driver on the
        loop's connection; None when it has no driver plan (SQLAlchemy runs it)."""
        batch = params if isinstance(params, list) else [params]
        connection = self._loop_connection()
        plans = [prepared.plan(connection.dialect, tuple(row)) for row in batch]
        if not batch or any(plan is None for plan in plans):
            return None
        driver = connection.connection.dbapi_connection
        assert driver is not None  # a connection the pool handed out is open
        rows: list[Any] = []
        try:
            for plan, row in zip(plans, batch, strict=True):
                assert plan is not None
                rows.extend(driver.execute(plan.sql, plan.parameters(row)).fetchall())
            driver.commit()
        except sqlite3.Error:
            driver.rollback()
            raise
        self._written_on_loop()
        return rows

    def _write_on_loop(self, statement: Executable, params: Params) -> list[Any]:
        """The statement and its commit on the event loop's own connection."""
        connection = self._loop_connection()
        with connection.begin():
            rows = list(connection.execute(statement, params))
        self._written_on_loop()
        return rows

    def _written_on_loop(self) -> None:
        self.written_on_loop += 1
        self._since_checkpoint += 1
        if self._since_checkpoint >= self._checkpoint_every:
            self._checkpoint_soon()

    def _close_on_loop(self) -> None:
        if self._on_loop is not None:
            connection, self._on_loop = self._on_loop, None
            connection.invalidate()  # its database connection is closed, not pooled again
            connection.close()

    def _checkpoint_soon(self) -> None:
        """Have the writer thread fold the WAL back into the file, unless it is doing so."""
        assert self._thread is not None  # loop writes exist only beside the writer thread
        if self._checkpointing is not None and not self._checkpointing.done():
            return
        self._since_checkpoint = 0
        self._checkpointing = self._thread.submit(self._checkpoint)
        self._checkpointing.add_done_callback(_log_checkpoint_failure)

    def _checkpoint(self) -> None:
        # PASSIVE never waits for readers or writers: it copies what it can and leaves the rest.
        assert self._sqlite_file is not None
        with self._sqlite_file.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        self.checkpoints += 1

    def _write_file(self, statement: Executable, params: Params) -> list[Any]:
        """In the writer thread: the statement and its commit on the SQLite file."""
        assert self._sqlite_file is not None  # only called when the thread exists
        with self._sqlite_file.begin() as connection:
            rows = list(connection.execute(statement, params))
        self.written_in_thread += 1
        return rows

    def close(self) -> None:
        if self._thread is not None:
            self._thread.shutdown(wait=True)
        self._close_on_loop()
        if self._sqlite_file is not None:
            self._sqlite_file.dispose()


def _busy(error: OperationalError | sqlite3.Error) -> bool:
    """SQLite's "database is locked" (any extended code of SQLITE_BUSY)."""
    driver_error = error.orig if isinstance(error, OperationalError) else error
    code = getattr(driver_error, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF == _SQLITE_BUSY


def _log_checkpoint_failure(done: Future[None]) -> None:
    error = done.exception()
    if error is not None:  # the next checkpoint tries again; SQLite's WAL stays correct meanwhile
        log.warning("a WAL checkpoint failed: %s", type(error).__name__)
