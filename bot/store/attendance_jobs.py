"""Attendance jobs: one row per ended meeting instance, tried until Zoom has its participant list.

Lifecycle: ``pending`` → ``running`` (claimed under a lease) → ``posted`` | ``gave_up`` |
``failed``, or back to ``pending`` with a later ``due_at`` (Zoom has no list yet). Every change
is one conditional UPDATE naming the state (and, for a claimed row, the lease owner) it
expects, so two processes never both act on a row: the loser's UPDATE matches nothing. A row
whose claimer died (lease expired) is claimable again. Claiming is the reminders' statement
(``bot/store/reminders.py``): ``SKIP LOCKED`` on PostgreSQL, the outer predicate everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.store.db import Database, rowcount
from bot.store.models import AttendanceJob

FINAL_STATUSES = ("posted", "gave_up", "failed")

_COLUMNS = (
    AttendanceJob.id,
    AttendanceJob.zoom_meeting_id,
    AttendanceJob.meeting_uuid,
    AttendanceJob.host_id,
    AttendanceJob.topic,
    AttendanceJob.status,
    AttendanceJob.due_at,
    AttendanceJob.give_up_at,
    AttendanceJob.attempts,
)


@dataclass(frozen=True)
class AttendanceJobRow:
    id: int
    meeting_id: int
    meeting_uuid: str
    host_id: str | None
    topic: str | None
    status: str
    due_at: datetime
    give_up_at: datetime
    attempts: int  # tries so far, this one included once claimed


def _row(values: Any) -> AttendanceJobRow:
    return AttendanceJobRow(*values)


class AttendanceJobStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def schedule(
        self,
        meeting_id: int,
        meeting_uuid: str,
        *,
        host_id: str | None,
        topic: str | None,
        due_at: datetime,
        give_up_at: datetime,
    ) -> bool:
        """Add the instance's job; False when it was scheduled already (the UUID is taken)."""
        try:
            async with self._db.session() as session:
                session.add(
                    AttendanceJob(
                        zoom_meeting_id=meeting_id,
                        meeting_uuid=meeting_uuid[:128],
                        host_id=host_id[:64] if host_id else None,
                        topic=topic[:300] if topic else None,
                        status="pending",
                        due_at=due_at,
                        give_up_at=give_up_at,
                        attempts=0,
                    )
                )
        except IntegrityError:
            return False
        return True

    async def get(self, job_id: int) -> AttendanceJobRow | None:
        async with self._db.session() as session:
            found = (await session.execute(select(*_COLUMNS).where(AttendanceJob.id == job_id))).first()
            return _row(found) if found is not None else None

    async def for_meeting(self, meeting_id: int) -> list[AttendanceJobRow]:
        query = (
            select(*_COLUMNS).where(AttendanceJob.zoom_meeting_id == meeting_id).order_by(AttendanceJob.id)
        )
        async with self._db.session() as session:
            return [_row(values) for values in (await session.execute(query)).all()]

    async def claim_due(
        self, owner: str, now: datetime, *, lease: timedelta, limit: int
    ) -> list[AttendanceJobRow]:
        """Take up to ``limit`` due jobs (or jobs whose claimer's lease ran out) until ``now + lease``."""
        claimable = or_(
            and_(AttendanceJob.status == "pending", AttendanceJob.due_at <= now),
            and_(AttendanceJob.status == "running", AttendanceJob.lease_until < now),
        )
        due_ids = select(AttendanceJob.id).where(claimable).order_by(AttendanceJob.due_at).limit(limit)
        if self._db.dialect_name == "postgresql":
            due_ids = due_ids.with_for_update(skip_locked=True)
        statement = (
            update(AttendanceJob)
            .where(claimable, AttendanceJob.id.in_(due_ids.scalar_subquery()))
            .values(
                status="running",
                lease_owner=owner,
                lease_until=now + lease,
                attempts=AttendanceJob.attempts + 1,
            )
            .returning(*_COLUMNS)
            .execution_options(synchronize_session=False)
        )
        async with self._db.session() as session:
            rows = [_row(values) for values in (await session.execute(statement)).all()]
        return sorted(rows, key=lambda r: (r.due_at, r.id))

    async def retry_at(self, job_id: int, owner: str, due_at: datetime, *, now: datetime) -> bool:
        """Put our claimed job back for a later try; False when the lease was lost meanwhile."""
        return await self._update_claimed(
            job_id, owner, status="pending", due_at=due_at, lease_owner=None, lease_until=None, updated_at=now
        )

    async def finish(self, job_id: int, owner: str, status: str, *, now: datetime) -> bool:
        """End our claimed job (``posted``, ``gave_up`` or ``failed``); False when the lease was lost."""
        if status not in FINAL_STATUSES:
            raise ValueError(f"final status must be one of {FINAL_STATUSES}")
        return await self._update_claimed(
            job_id, owner, status=status, lease_owner=None, lease_until=None, updated_at=now
        )

    async def prune(self, older_than: datetime) -> int:
        """Drop finished jobs finished before ``older_than`` (by the caller's clock; the instance is long
        over, and a late duplicate of its ``meeting.ended`` long past Zoom's retries)."""
        async with self._db.session() as session:
            result = await session.execute(
                delete(AttendanceJob).where(
                    AttendanceJob.status.in_(FINAL_STATUSES), AttendanceJob.updated_at < older_than
                )
            )
            return rowcount(result)

    async def _update_claimed(self, job_id: int, owner: str, **values: Any) -> bool:
        async with self._db.session() as session:
            result = await session.execute(
                update(AttendanceJob)
                .where(
                    AttendanceJob.id == job_id,
                    AttendanceJob.lease_owner == owner,
                    AttendanceJob.status == "running",
                )
                .values(**values)
            )
            return rowcount(result) == 1
