"""Remember where the bot posted a meeting's Join card, so later events can update it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.store.db import Database
from bot.store.meeting_posts import MeetingPostStore, PostedMessage


class MeetingPosts:
    def __init__(self, db: Database) -> None:
        self._store = MeetingPostStore(db)

    def remember(self, team_id: str, meeting_id: int) -> Callable[[str, str], Awaitable[None]]:
        """A callback for ``Outcome.after_public``: stores (channel, ts) once Slack answered."""

        async def store(channel_id: str, ts: str) -> None:
            await self._store.add(meeting_id, team_id, channel_id, ts)

        return store

    async def of(self, meeting_id: int) -> list[PostedMessage]:
        return await self._store.for_meeting(meeting_id)

    async def forget(self, meeting_id: int) -> None:
        await self._store.forget(meeting_id)
