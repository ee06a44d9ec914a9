"""Notices a task that takes a second connection from a pool while it still holds one.

The pool is bounded (``bot/store/db.py``: 2 kept and 2 more for a burst on a SQLite file;
5 and 10 more on PostgreSQL). A unit of work that opens another while its first is open
needs two connections at once, so a burst of such units can hold every connection while
each waits for one more: the pool's 30 s wait ends it, and every command in that burst
fails. Nothing in the bot nests today; this makes the first one that does say where, at
the first checkout, instead of as a hang under load.

The bot logs it (ERROR, with the stack of the second checkout) and goes on; the test suite
fails any test in which it is logged (``tests/conftest.py``), so a nesting is caught on
the first run that exercises it rather than only under a burst.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from typing import Any

import greenlet
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

NESTED_CHECKOUT = "nested_checkout"  # the `extra` key on the log record, for the tests


class CheckoutWatch:
    """Counts, per asyncio task, the connections it holds from one engine's pool."""

    def __init__(self) -> None:
        self._holder: dict[int, asyncio.Task[Any]] = {}  # id(connection record) -> its task
        self._held: dict[asyncio.Task[Any], int] = {}  # task -> connections it holds
        self.nested = 0  # second checkouts seen

    def install(self, engine: AsyncEngine) -> None:
        # Pool events, registered through the engine: they apply to its pool.
        target = engine.sync_engine
        event.listen(target, "checkout", self._checkout)
        event.listen(target, "checkin", self._returned)
        event.listen(target, "detach", self._returned)

    def held_by(self, task: asyncio.Task[Any]) -> int:
        return self._held.get(task, 0)

    def _checkout(self, _dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        task = _current_task()
        if task is None:  # a checkout outside any task (start-up, a thread) cannot nest
            return
        held = self._held.get(task, 0)
        if held:
            self.nested += 1
            log.error(
                "a unit of work took a second database connection while holding one; "
                "a burst of these can use up the pool. The second was taken here:\n%s",
                _awaiting_code(),
                extra={NESTED_CHECKOUT: True},
            )
        self._held[task] = held + 1
        self._holder[id(record)] = task

    def _returned(self, _dbapi_connection: Any, record: Any) -> None:
        task = self._holder.pop(id(record), None)
        if task is None:
            return
        held = self._held.get(task, 0) - 1
        if held > 0:
            self._held[task] = held
        else:
            self._held.pop(task, None)


def _awaiting_code() -> str:
    """Where the task's own code asked for the connection. SQLAlchemy's asyncio layer runs
    the pool in a greenlet whose stack starts afresh; the coroutines that asked wait in its
    parent, suspended in ``greenlet_spawn``."""
    parent = greenlet.getcurrent().parent
    frame = parent.gr_frame if parent is not None else None
    return "".join(traceback.format_stack(frame)) if frame is not None else "".join(traceback.format_stack())


def _current_task() -> asyncio.Task[Any] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:  # no event loop running in this thread
        return None
