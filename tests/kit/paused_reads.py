"""A seam for racing a command against a write: the real link store, paused after one row read.

    links = PausedReads(db, vault)
    links.pause_next_read()
    task = asyncio.create_task(source.access_token())
    await links.read_done.wait()        # the command holds the row it read ...
    await links.delete(team, user)      # ... while the link is deleted
    links.resume.set()                  # then it goes on with what it read

Only the timing changes: the read is the store's own, on the real database.
"""

from __future__ import annotations

import asyncio

from bot.store.db import Database
from bot.store.links import LinkRecord, LinkStore
from bot.store.vault import TokenVault


class PausedReads(LinkStore):
    def __init__(self, db: Database, vault: TokenVault) -> None:
        super().__init__(db, vault)
        self.read_done = asyncio.Event()
        self.resume = asyncio.Event()
        self._pause = False

    def pause_next_read(self) -> None:
        self._pause = True
        self.read_done.clear()
        self.resume.clear()

    async def get(self, team_id: str, user_id: str) -> LinkRecord | None:
        row = await super().get(team_id, user_id)
        if self._pause:
            self._pause = False
            self.read_done.set()
            await self.resume.wait()
        return row
