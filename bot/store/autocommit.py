"""One statement that commits on its own, sent by the cheapest path each backend offers.

The replay memory writes one row per signed Slack request, so its cost is paid by every
command. Through the async engine that write costs about a millisecond of CPU, most of it
not SQL: on SQLite, aiosqlite hops to its thread and back about a dozen times per
statement (cursor, execute, fetch, commit, close, …); on PostgreSQL, BEGIN and COMMIT are
round trips of their own. A single INSERT needs neither a transaction around it nor a hop
per step:

- SQLite (a file): a plain synchronous connection to the same file, with the same pragmas.
  When no other connection holds the write lock, the statement runs right on the event
  loop: an uncontended insert into a WAL file is tens of microseconds of page-cache
  writes, while handing it to a thread and back cost more than the insert (each side
  waits for the other's turn at the GIL). That connection never waits for a lock (busy
  timeout 0) and never checkpoints (the file's fsync): a write that finds the lock taken
  goes to this process's one writer thread, which waits for it with the usual busy
  timeout, and the same thread checkpoints the WAL every ``CHECKPOINT_EVERY`` writes (the
  writes that arrive meanwhile wait behind it in the thread, so the next one finds the WAL
  folded back and starts it over, as after SQLite's own checkpoints).
  SQLite serialises writers itself, so these connections are no different from another
  process's.
- PostgreSQL: the async engine's pool in autocommit mode: the statement is its own
  transaction, one round trip.
- SQLite in memory (tests): the async engine itself, since another connection would open
  another, empty database.

Measured (``bench/replay_memory.py``, one request at a time), CPU per write: SQLite 0.97 ms
through aiosqlite, 0.34 ms through the writer thread, 0.08 ms on the loop; PostgreSQL 0.96 →
0.75 ms. CPU per `/zoom list` at 100/s (``bench/run.py``'s load, same run): 2.07 ms with every
write in the writer thread, 1.86–1.94 ms on the loop, 1.61 ms with no shared write at all.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import Executable

Params = dict[str, Any] | list[dict[str, Any]]

CHECKPOINT_EVERY = 250  # writes on the loop between two WAL checkpoints (~1,000 pages, SQLite's own default)
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6  # primary result codes (extended codes keep them in the low byte)

log = logging.getLogger(__name__)


class AutocommitWriter:
    """Runs one statement as its own transaction and returns the rows it returns."""

    def __init__(self, engine: AsyncEngine, sqlite_file: Engine | None = None) -> None:
        """``sqlite_file``: a synchronous engine on the same SQLite file (the database handle
        makes it, with the same pragmas), or None for the async engine's own path."""
        self._engine = engine
        self._sqlite_file = sqlite_file
        # The writer thread exists exactly when there is a SQLite file to write to.
        self._thread = ThreadPoolExecutor(1, "sqlite-writer") if sqlite_file is not None else None
        # The connection the event loop writes on; opened by the writer thread after its first
        # write, so opening the file (which may wait for a lock) never blocks the loop.
        self._on_loop: Connection | None = None
        self._loop_writes = 0
        # While the writer thread checkpoints, writes queue behind it in that thread: the WAL
        # is reused from its start only by a write that finds every frame folded back.
        self._checkpointing = False
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")

    async def rows(self, statement: Executable, params: Params) -> list[Any]:
        if self._thread is not None:
            if self._on_loop is not None and not self._checkpointing:
                written = self._write_on_loop(self._on_loop, statement, params)
                if written is not None:
                    return written
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._thread, self._write_file, statement, params)
        if self._engine.dialect.name == "sqlite":  # in memory: the shared connection, in a transaction
            async with self._engine.begin() as connection:
                return list(await connection.execute(statement, params))
        async with self._autocommit.connect() as connection:
            return list(await connection.execute(statement, params))

    def _write_on_loop(
        self, connection: Connection, statement: Executable, params: Params
    ) -> list[Any] | None:
        """The statement and its commit on the loop's connection; None when another
        connection holds the write lock (nothing was written: the caller waits in the thread)."""
        try:
            with connection.begin():
                written = list(connection.execute(statement, params))
        except OperationalError as error:
            code = getattr(error.orig, "sqlite_errorcode", None)
            if code is None or code & 0xFF not in (_SQLITE_BUSY, _SQLITE_LOCKED):
                raise
            return None
        self._loop_writes += 1
        if self._loop_writes % CHECKPOINT_EVERY == 0 and self._thread is not None:
            self._checkpointing = True
            self._thread.submit(self._checkpoint)
        return written

    def _write_file(self, statement: Executable, params: Params) -> list[Any]:
        """In the writer thread: the statement and its commit on the SQLite file."""
        assert self._sqlite_file is not None  # only called when the thread exists
        with self._sqlite_file.begin() as connection:
            written = list(connection.execute(statement, params))
        if self._on_loop is None:
            connection = self._sqlite_file.connect()
            connection.exec_driver_sql("PRAGMA busy_timeout = 0")
            connection.exec_driver_sql("PRAGMA wal_autocheckpoint = 0")
            connection.commit()  # end the transaction SQLAlchemy began for the pragmas
            self._on_loop = connection
        return written

    def _checkpoint(self) -> None:
        """In the writer thread: fold the WAL back into the file (PASSIVE: never waits for
        readers or writers; whatever it cannot fold now, the next checkpoint will)."""
        assert self._sqlite_file is not None
        try:
            with self._sqlite_file.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception as error:  # the WAL only grows until a later checkpoint succeeds
            log.info("WAL checkpoint skipped: %s", type(error).__name__)
        finally:
            self._checkpointing = False

    def close(self) -> None:
        if self._thread is not None:
            self._thread.shutdown(wait=True)
        if self._on_loop is not None:
            self._on_loop.close()
            self._on_loop = None
        if self._sqlite_file is not None:
            self._sqlite_file.dispose()
