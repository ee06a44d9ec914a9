"""Reminders before meetings, morning digests, and the worker that delivers both exactly once
across restarts and processes (see ``delivery.py`` for the guarantees)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.reminders.wiring import ReminderParts
    from bot.runtime import Runtime


def install(runtime: Runtime, **options: Any) -> ReminderParts:
    """Create the reminder/digest services and workers for ``runtime`` (see ``bot.reminders.wiring``)."""
    from bot.reminders.wiring import install as _install  # imported late: it pulls in the whole stack

    return _install(runtime, **options)
