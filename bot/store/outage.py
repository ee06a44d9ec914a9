"""Whether an error means "the database is not answering" rather than a fault in our code.

A person whose command meets a database outage should hear that, not "something went
wrong, quote ERR-…", and the log should not count it as a bug. The shapes differ by
driver: asyncpg's connection refused or reset arrives as a bare ``OSError`` (or
``TimeoutError``) from inside SQLAlchemy's pool; a connection the server terminated is
an invalidated ``DBAPIError`` or one of PostgreSQL's connection SQLSTATEs; SQLite says
"database is locked" (a writer held the file past the busy timeout) or cannot open it.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# 08…: connection exceptions; 57P01–03: the server shutting down or not yet up; 53300: no
# connection slots left.
_POSTGRES_OUTAGE_STATES = ("08", "57P01", "57P02", "57P03", "53300")
_SQLITE_OUTAGE_WORDS = ("database is locked", "unable to open database file", "disk i/o error")
_DRIVER_MODULES = ("sqlalchemy.", "asyncpg.", "aiosqlite.")
_MAX_CHAIN = 8


def is_database_outage(error: BaseException) -> bool:
    """True when ``error`` (or what caused it) is the database being unreachable or busy."""
    seen = 0
    current: BaseException | None = error
    while current is not None and seen < _MAX_CHAIN:
        if _outage(current):
            return True
        current = current.__cause__ or current.__context__
        seen += 1
    return False


def _outage(error: BaseException) -> bool:
    if isinstance(error, PoolTimeout):
        return True
    if isinstance(error, DBAPIError):
        if error.connection_invalidated:
            return True
        state = str(getattr(error.orig, "sqlstate", "") or "")
        if state.startswith(_POSTGRES_OUTAGE_STATES):
            return True
        return any(word in str(error.orig).lower() for word in _SQLITE_OUTAGE_WORDS)
    if type(error).__module__.startswith("asyncpg") and "connection" in type(error).__name__.lower():
        return True  # ConnectionDoesNotExistError, ConnectionFailureError, …
    # A bare OSError only counts when it came up through the database driver: Slack's and
    # Zoom's clients raise OSErrors too, and those are not our database.
    return isinstance(error, OSError) and _raised_in_driver(error.__traceback__)


def _raised_in_driver(traceback: TracebackType | None) -> bool:
    while traceback is not None:
        module = str(traceback.tb_frame.f_globals.get("__name__", ""))
        if module.startswith(_DRIVER_MODULES):
            return True
        traceback = traceback.tb_next
    return False
