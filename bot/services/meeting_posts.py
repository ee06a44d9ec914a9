"""Remember where the bot posted a meeting's Join card, so Zoom's webhooks can keep it live."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.store.db import Database
from bot.store.meeting_posts import MeetingPostStore, PostedMessage


class MeetingPosts:
    def __init__(self, db: Database) -> None:
        self._store = MeetingPostStore(db)

    @property
    def store(self) -> MeetingPostStore:
        return self._store

    def remember(
        self,
        team_id: str,
        meeting_id: int,
        *,
        user_id: str | None = None,
        topic: str | None = None,
        join_url: str | None = None,
        call_id: str | None = None,
    ) -> Callable[[str, str], Awaitable[None]]:
        """A callback for ``Outcome.after_public``: stores (channel, ts) once Slack answered.

        ``user_id`` (who posted it) receives the meeting's summary first when the channel is
        private; ``topic``, ``join_url`` and ``call_id`` (the Slack call it shows) let the card
        be drawn again as the meeting goes.
        """

        async def store(channel_id: str, ts: str) -> None:
            await self._store.add(
                meeting_id,
                team_id,
                channel_id,
                ts,
                user_id=user_id,
                topic=topic,
                join_url=join_url,
                call_id=call_id,
            )

        return store

    async def of(self, meeting_id: int) -> list[PostedMessage]:
        return await self._store.for_meeting(meeting_id)

    async def forget(self, meeting_id: int) -> None:
        await self._store.forget(meeting_id)
