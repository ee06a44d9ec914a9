"""Channel messages the bot posted for a meeting (to update them when it ends)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from bot.store.db import Database
from bot.store.models import MeetingPost


@dataclass(frozen=True)
class PostedMessage:
    team_id: str
    channel_id: str
    ts: str


class MeetingPostStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, meeting_id: int, team_id: str, channel_id: str, ts: str) -> None:
        async with self._db.session() as session:
            session.add(
                MeetingPost(zoom_meeting_id=meeting_id, slack_team_id=team_id, channel_id=channel_id, ts=ts)
            )

    async def for_meeting(self, meeting_id: int) -> list[PostedMessage]:
        async with self._db.session() as session:
            rows = await session.scalars(select(MeetingPost).where(MeetingPost.zoom_meeting_id == meeting_id))
            return [PostedMessage(r.slack_team_id, r.channel_id, r.ts) for r in rows]

    async def forget(self, meeting_id: int) -> None:
        async with self._db.session() as session:
            await session.execute(delete(MeetingPost).where(MeetingPost.zoom_meeting_id == meeting_id))
