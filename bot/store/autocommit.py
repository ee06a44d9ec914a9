"""One statement that commits on its own, sent by the cheapest path each backend offers.

The replay memory writes one row per signed Slack request, so its cost is paid by every
command. Through the async engine that write costs about a millisecond of CPU, most of it
not SQL: on SQLite, aiosqlite hops to its thread and back about a dozen times per
statement (cursor, execute, fetch, commit, close, …); on PostgreSQL, BEGIN and COMMIT are
round trips of their own. A single INSERT needs neither a transaction around it nor a hop
per step:

- SQLite (a file): a plain synchronous connection to the same file, with the same pragmas,
  used only by this process's one writer thread; the statement and its commit are one
  thread hop. SQLite serialises writers itself (WAL and the busy timeout, as for every
  connection), so this second connection is no different from another process's.
- PostgreSQL: the async engine's pool in autocommit mode: the statement is its own
  transaction, one round trip.
- SQLite in memory (tests): the async engine itself, since another connection would open
  another, empty database.

Measured with ``bench/replay_memory.py`` (one request at a time): SQLite 0.97 → 0.34 ms of
CPU per write, PostgreSQL 0.96 → 0.75 ms.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql import Executable

Params = dict[str, Any] | list[dict[str, Any]]


class AutocommitWriter:
    """Runs one statement as its own transaction and returns the rows it returns."""

    def __init__(self, engine: AsyncEngine, sqlite_file: Engine | None = None) -> None:
        """``sqlite_file``: a synchronous engine on the same SQLite file (the database handle
        makes it, with the same pragmas), or None for the async engine's own path."""
        self._engine = engine
        self._sqlite_file = sqlite_file
        # The writer thread exists exactly when there is a SQLite file to write to.
        self._thread = ThreadPoolExecutor(1, "sqlite-writer") if sqlite_file is not None else None
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")

    async def rows(self, statement: Executable, params: Params) -> list[Any]:
        if self._thread is not None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._thread, self._write_file, statement, params)
        if self._engine.dialect.name == "sqlite":  # in memory: the shared connection, in a transaction
            async with self._engine.begin() as connection:
                return list(await connection.execute(statement, params))
        async with self._autocommit.connect() as connection:
            return list(await connection.execute(statement, params))

    def _write_file(self, statement: Executable, params: Params) -> list[Any]:
        """In the writer thread: the statement and its commit on the SQLite file."""
        assert self._sqlite_file is not None  # only called when the thread exists
        with self._sqlite_file.begin() as connection:
            return list(connection.execute(statement, params))

    def close(self) -> None:
        if self._thread is not None:
            self._thread.shutdown(wait=True)
        if self._sqlite_file is not None:
            self._sqlite_file.dispose()
