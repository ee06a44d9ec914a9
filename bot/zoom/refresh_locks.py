"""Who may refresh a link: one lock per link in this process, and this process's name on a lease."""

from __future__ import annotations

import asyncio
import os
import secrets
import weakref


def process_owner_id() -> str:
    """Who holds a lease: unique per process (and per start of it)."""
    return f"pid{os.getpid()}-{secrets.token_hex(4)}"


PROCESS_OWNER = process_owner_id()


class RefreshLocks:
    """One asyncio.Lock per link key, per event loop (locks cannot cross loops).

    One registry per process (the default); tests give two sources separate registries
    to model two processes inside one.
    """

    def __init__(self) -> None:
        self._by_loop: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[tuple[str, str], asyncio.Lock]
        ]
        self._by_loop = weakref.WeakKeyDictionary()

    def lock(self, key: tuple[str, str]) -> asyncio.Lock:
        locks = self._by_loop.setdefault(asyncio.get_running_loop(), {})
        if key not in locks:
            locks[key] = asyncio.Lock()
        return locks[key]


PROCESS_LOCKS = RefreshLocks()
