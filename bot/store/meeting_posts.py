"""Channel messages the bot posted for a meeting (its Join cards), and their update bookkeeping.

A card is updated by one process at a time: :meth:`MeetingPostStore.claim_update` takes a
lease with a conditional ``UPDATE`` (one winner across processes, on SQLite and PostgreSQL
alike); the holder updates the message, records the version it now shows and when the next
update may go out, and releases the lease.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, or_, select, update

from bot.store.db import Database, rowcount
from bot.store.models import MeetingLive, MeetingPost


@dataclass(frozen=True)
class PostedMessage:
    team_id: str
    channel_id: str
    ts: str
    id: int = field(default=0, compare=False)
    meeting_id: int = field(default=0, compare=False)
    user_id: str | None = field(default=None, compare=False)  # who posted it (None: before 0004)
    topic: str | None = field(default=None, compare=False)
    join_url: str | None = field(default=None, compare=False)
    shown_version: int = field(default=0, compare=False)
    next_update_at: datetime | None = field(default=None, compare=False)
    call_id: str | None = field(default=None, compare=False)  # the Slack call it shows (0008)


def _posted(row: MeetingPost) -> PostedMessage:
    return PostedMessage(
        row.slack_team_id,
        row.channel_id,
        row.ts,
        id=row.id,
        meeting_id=row.zoom_meeting_id,
        user_id=row.slack_user_id,
        topic=row.topic,
        join_url=row.join_url,
        shown_version=row.shown_version,
        next_update_at=row.next_update_at,
        call_id=row.call_id,
    )


class MeetingPostStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        meeting_id: int,
        team_id: str,
        channel_id: str,
        ts: str,
        *,
        user_id: str | None = None,
        topic: str | None = None,
        join_url: str | None = None,
        call_id: str | None = None,
    ) -> None:
        async with self._db.session() as session:
            session.add(
                MeetingPost(
                    zoom_meeting_id=meeting_id,
                    slack_team_id=team_id,
                    channel_id=channel_id,
                    ts=ts,
                    slack_user_id=user_id,
                    topic=topic[:300] if topic else None,
                    join_url=join_url if join_url and len(join_url) <= 1024 else None,
                    call_id=call_id,
                )
            )

    async def for_meeting(self, meeting_id: int) -> list[PostedMessage]:
        async with self._db.session() as session:
            rows = await session.scalars(
                select(MeetingPost).where(MeetingPost.zoom_meeting_id == meeting_id).order_by(MeetingPost.id)
            )
            return [_posted(r) for r in rows]

    async def get(self, post_id: int) -> PostedMessage | None:
        async with self._db.session() as session:
            row = await session.get(MeetingPost, post_id)
            return _posted(row) if row is not None else None

    async def forget(self, meeting_id: int) -> None:
        async with self._db.session() as session:
            await session.execute(delete(MeetingPost).where(MeetingPost.zoom_meeting_id == meeting_id))

    async def forget_by_author(self, team_id: str, user_id: str) -> list[int]:
        """Drop the posts ``user_id`` made; returns their meetings' ids."""
        async with self._db.session() as session:
            ids = list(
                await session.scalars(
                    select(MeetingPost.zoom_meeting_id).where(
                        MeetingPost.slack_team_id == team_id, MeetingPost.slack_user_id == user_id
                    )
                )
            )
            await session.execute(
                delete(MeetingPost).where(
                    MeetingPost.slack_team_id == team_id, MeetingPost.slack_user_id == user_id
                )
            )
            return sorted(set(ids))

    async def tracks(self, meeting_id: int) -> bool:
        """Whether any card was posted for the meeting (only those meetings are followed)."""
        async with self._db.session() as session:
            found = await session.scalar(
                select(MeetingPost.id).where(MeetingPost.zoom_meeting_id == meeting_id).limit(1)
            )
            return found is not None

    # -- card updates ------------------------------------------------------------------

    async def claim_update(self, post_id: int, owner: str, *, now: datetime, until: datetime) -> bool:
        """Take the post's update lease (free, expired, or already ours); True when we hold it."""
        async with self._db.session() as session:
            result = await session.execute(
                update(MeetingPost)
                .where(
                    MeetingPost.id == post_id,
                    or_(
                        MeetingPost.update_lease_until.is_(None),
                        MeetingPost.update_lease_until < now,
                        MeetingPost.update_lease_owner == owner,
                    ),
                )
                .values(update_lease_owner=owner, update_lease_until=until)
            )
            return rowcount(result) == 1

    async def shown(self, post_id: int, owner: str, *, version: int, next_update_at: datetime) -> None:
        """The message now shows ``version``; the next update waits until ``next_update_at``."""
        async with self._db.session() as session:
            await session.execute(
                update(MeetingPost)
                .where(MeetingPost.id == post_id, MeetingPost.update_lease_owner == owner)
                .values(shown_version=version, next_update_at=next_update_at)
            )

    async def defer(self, post_id: int, owner: str, *, next_update_at: datetime, until: datetime) -> None:
        """Slack asked us to wait: no update before ``next_update_at``; the lease lasts until ``until``."""
        async with self._db.session() as session:
            await session.execute(
                update(MeetingPost)
                .where(MeetingPost.id == post_id, MeetingPost.update_lease_owner == owner)
                .values(next_update_at=next_update_at, update_lease_until=until)
            )

    async def release(self, post_id: int, owner: str) -> None:
        async with self._db.session() as session:
            await session.execute(
                update(MeetingPost)
                .where(MeetingPost.id == post_id, MeetingPost.update_lease_owner == owner)
                .values(update_lease_owner=None, update_lease_until=None)
            )

    async def behind(self, *, meeting_ids: Iterable[int] | None = None) -> list[PostedMessage]:
        """Posts showing an older version than their meeting's live state."""
        query = (
            select(MeetingPost)
            .join(MeetingLive, MeetingLive.zoom_meeting_id == MeetingPost.zoom_meeting_id)
            .where(MeetingPost.shown_version < MeetingLive.version)
            .order_by(MeetingPost.id)
        )
        if meeting_ids is not None:
            query = query.where(MeetingPost.zoom_meeting_id.in_(list(meeting_ids)))
        async with self._db.session() as session:
            return [_posted(r) for r in await session.scalars(query)]
