"""What Zoom's webhooks said about a meeting's current instance, and who is in it.

Every change that a card should show bumps ``meeting_live.version`` in the same transaction,
as ``version = version + 1`` in SQL so that concurrent webhooks never lose a bump, and
posts know they are behind (``bot/store/meeting_posts.py``). Participants are rows keyed
by (instance, participant, join time): a join delivered twice inserts once, whichever
process receives it; a leave closes the participant's open stay.

Webhooks can arrive out of order (a join retried after its leave went through). Zoom's
leave payload has no join time, so a leave with no open stay is kept as a marker (a stay
that joined and left at the leave time); a join no later than such a marker is that stay
closed already, and is not counted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.store.db import Database, rowcount
from bot.store.models import MeetingLive, MeetingParticipant

_INSERT_RACE_RETRIES = 3  # another process may insert the same meeting's first row at once
_BUSY_RETRIES = 6
_BUSY_BACKOFF_S = 0.05


@dataclass(frozen=True)
class LiveState:
    meeting_id: int
    meeting_uuid: str
    topic: str | None
    status: str  # "started" | "ended"
    started_at: datetime | None
    ended_at: datetime | None
    participants: int
    version: int


class LiveMeetingStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, meeting_id: int) -> LiveState | None:
        async with self._db.session() as session:
            row = await session.get(MeetingLive, meeting_id)
            if row is None:
                return None
            count = await session.scalar(
                select(func.count())
                .select_from(MeetingParticipant)
                .where(
                    MeetingParticipant.meeting_uuid == row.meeting_uuid, MeetingParticipant.left_at.is_(None)
                )
            )
            return LiveState(
                meeting_id=row.zoom_meeting_id,
                meeting_uuid=row.meeting_uuid,
                topic=row.topic,
                status=row.status,
                started_at=row.started_at,
                ended_at=row.ended_at,
                participants=int(count or 0),
                version=row.version,
            )

    async def meeting_for_uuid(self, uuid: str) -> int | None:
        """The meeting whose current instance is ``uuid`` (participant events may omit the id)."""
        async with self._db.session() as session:
            found = await session.scalar(
                select(MeetingLive.zoom_meeting_id).where(MeetingLive.meeting_uuid == uuid).limit(1)
            )
            return int(found) if found is not None else None

    async def started(self, meeting_id: int, uuid: str, *, topic: str | None, at: datetime | None) -> bool:
        """``meeting.started``; False when it changes nothing (a retry, or an older instance)."""

        async def work(session: AsyncSession) -> bool:
            row = await session.get(MeetingLive, meeting_id)
            if row is None:
                session.add(_new(meeting_id, uuid, topic, "started", started_at=at))
                return True
            if row.meeting_uuid == uuid:
                if row.status == "ended" or row.started_at is not None:
                    return False
                row.started_at = at  # participants arrived before the start event did
            else:
                _restart(row, uuid, at)
            row.topic = topic or row.topic
            _bump(row)
            return True

        return await self._write(work)

    async def joined(
        self, meeting_id: int, uuid: str, participant: str, *, at: datetime, topic: str | None
    ) -> bool:
        """``meeting.participant_joined``; False for a repeat of a join already counted."""
        key = participant[:128]

        async def work(session: AsyncSession) -> bool:
            seen = await session.scalar(
                select(MeetingParticipant.id).where(
                    MeetingParticipant.meeting_uuid == uuid,
                    MeetingParticipant.participant_key == key,
                    MeetingParticipant.joined_at == at,
                )
            )
            if seen is not None:
                return False  # this join was counted already
            early_leave = await session.scalar(
                select(MeetingParticipant.id)
                .where(
                    MeetingParticipant.meeting_uuid == uuid,
                    MeetingParticipant.participant_key == key,
                    MeetingParticipant.joined_at == MeetingParticipant.left_at,
                    MeetingParticipant.left_at >= at,
                )
                .order_by(MeetingParticipant.left_at)
                .limit(1)
            )
            if early_leave is not None:  # its leave came first: the stay is over already
                await session.execute(
                    update(MeetingParticipant)
                    .where(MeetingParticipant.id == early_leave)
                    .values(joined_at=at)
                )
                return False
            row = await session.get(MeetingLive, meeting_id)
            if row is None:
                row = _new(meeting_id, uuid, topic, "started", started_at=None)
                session.add(row)
            elif row.meeting_uuid != uuid:
                _restart(row, uuid, None)
                _bump(row)
            elif row.status == "ended":
                return False  # a late delivery for an instance already over
            else:
                _bump(row)
            session.add(
                MeetingParticipant(
                    zoom_meeting_id=meeting_id, meeting_uuid=uuid, participant_key=key, joined_at=at
                )
            )
            return True

        return await self._write(work)

    async def left(self, meeting_id: int, uuid: str, participant: str, *, at: datetime) -> bool:
        """``meeting.participant_left``: close the participant's latest open stay, if any."""

        async def work(session: AsyncSession) -> bool:
            stay = await session.scalar(
                select(MeetingParticipant.id)
                .where(
                    MeetingParticipant.meeting_uuid == uuid,
                    MeetingParticipant.participant_key == participant[:128],
                    MeetingParticipant.left_at.is_(None),
                    MeetingParticipant.joined_at <= at,
                )
                .order_by(MeetingParticipant.joined_at.desc())
                .limit(1)
            )
            if stay is None:
                # A repeat, a leave whose join never reached us, or one that came before its join.
                await _remember_early_leave(session, meeting_id, uuid, participant[:128], at)
                return False
            closed = await session.execute(
                update(MeetingParticipant)
                .where(MeetingParticipant.id == stay, MeetingParticipant.left_at.is_(None))
                .values(left_at=at)
            )
            if rowcount(closed) != 1:
                return False
            await session.execute(
                update(MeetingLive)
                .where(MeetingLive.zoom_meeting_id == meeting_id, MeetingLive.meeting_uuid == uuid)
                .values(version=MeetingLive.version + 1)
            )
            return True

        return await self._write(work)

    async def ended(
        self,
        meeting_id: int,
        uuid: str,
        *,
        topic: str | None,
        started_at: datetime | None,
        ended_at: datetime | None,
    ) -> bool:
        """``meeting.ended``; the instance's participant rows go (only the count was ever shown)."""

        async def work(session: AsyncSession) -> bool:
            row = await session.get(MeetingLive, meeting_id)
            if row is None:
                row = _new(meeting_id, uuid, topic, "ended", started_at=started_at)
                row.ended_at = ended_at
                session.add(row)
            elif row.meeting_uuid == uuid and row.status == "ended":
                return False
            else:
                if row.meeting_uuid != uuid:
                    _restart(row, uuid, started_at)
                row.status = "ended"
                row.started_at = row.started_at or started_at
                row.ended_at = ended_at
                row.topic = topic or row.topic
                _bump(row)
            await session.execute(delete(MeetingParticipant).where(MeetingParticipant.meeting_uuid == uuid))
            return True

        return await self._write(work)

    async def forget(self, meeting_ids: Iterable[int]) -> None:
        ids = list(meeting_ids)
        if not ids:
            return
        async with self._db.session() as session:
            await session.execute(
                delete(MeetingParticipant).where(MeetingParticipant.zoom_meeting_id.in_(ids))
            )
            await session.execute(delete(MeetingLive).where(MeetingLive.zoom_meeting_id.in_(ids)))

    async def _write(self, work: Callable[[AsyncSession], Awaitable[bool]]) -> bool:
        busy = 0
        races = 0
        while True:
            try:
                async with self._db.session() as session:
                    return await work(session)
            except IntegrityError:
                # Another process inserted the same row first (the meeting's first row, or the
                # same join delivered to two processes): the next attempt reads it.
                races += 1
                if races >= _INSERT_RACE_RETRIES:
                    return False
            except OperationalError as error:
                # SQLite under a burst of webhooks: a transaction that read before writing
                # loses to a concurrent writer at once ("database is locked"); try again.
                busy += 1
                if busy >= _BUSY_RETRIES or "locked" not in str(error):
                    raise
                await asyncio.sleep(_BUSY_BACKOFF_S * busy)


def _new(
    meeting_id: int, uuid: str, topic: str | None, status: str, *, started_at: datetime | None
) -> MeetingLive:
    return MeetingLive(
        zoom_meeting_id=meeting_id,
        meeting_uuid=uuid,
        topic=topic[:300] if topic else None,
        status=status,
        started_at=started_at,
        ended_at=None,
        version=1,
    )


async def _remember_early_leave(
    session: AsyncSession, meeting_id: int, uuid: str, key: str, at: datetime
) -> None:
    status = await session.scalar(
        select(MeetingLive.status).where(
            MeetingLive.zoom_meeting_id == meeting_id, MeetingLive.meeting_uuid == uuid
        )
    )
    if status != "started":
        return  # over (its participant rows are gone) or unknown: nothing to mark
    closed = await session.scalar(
        select(MeetingParticipant.id).where(
            MeetingParticipant.meeting_uuid == uuid,
            MeetingParticipant.participant_key == key,
            MeetingParticipant.left_at == at,
        )
    )
    if closed is None:  # not the repeat of a leave already recorded
        session.add(
            MeetingParticipant(
                zoom_meeting_id=meeting_id, meeting_uuid=uuid, participant_key=key, joined_at=at, left_at=at
            )
        )


def _bump(row: MeetingLive) -> None:
    """Count one change in the database itself (``version = version + 1``), not from the value
    this transaction read: concurrent webhooks for one meeting must each count."""
    row.version = MeetingLive.version + 1


def _restart(row: MeetingLive, uuid: str, started_at: datetime | None) -> None:
    """A new instance of the meeting (a scheduled or recurring meeting started again)."""
    row.meeting_uuid = uuid
    row.status = "started"
    row.started_at = started_at
    row.ended_at = None
