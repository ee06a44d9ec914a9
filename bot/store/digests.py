"""Digest subscriptions, and the once-a-day claim that keeps two processes from both sending.

``claim_day`` is a compare-and-set on ``last_sent_on``: the process whose UPDATE
matches sends that day's digest; every other process's UPDATE matches nothing. The
claim is taken *before* sending, so a process that dies between the claim and the DM
loses that one day's digest rather than letting another process send it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import delete, or_, select, update

from bot.store.db import Database, rowcount
from bot.store.models import DigestSubscription


@dataclass(frozen=True)
class Digest:
    id: int
    team_id: str
    user_id: str
    at: time  # local wall-clock time
    tz_name: str
    send_empty: bool
    last_sent_on: date | None


def _digest(row: DigestSubscription) -> Digest:
    hours, minutes = (int(part) for part in row.local_time.split(":"))
    return Digest(
        id=row.id,
        team_id=row.slack_team_id,
        user_id=row.slack_user_id,
        at=time(hours, minutes),
        tz_name=row.timezone,
        send_empty=row.send_empty,
        last_sent_on=row.last_sent_on,
    )


class DigestStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def enable(self, team_id: str, user_id: str, *, at: time, tz_name: str, send_empty: bool) -> Digest:
        """Create or update the user's subscription (one per user)."""
        local_time = f"{at.hour:02d}:{at.minute:02d}"
        async with self._db.session() as session:
            row = await session.scalar(
                select(DigestSubscription).where(
                    DigestSubscription.slack_team_id == team_id, DigestSubscription.slack_user_id == user_id
                )
            )
            if row is None:
                row = DigestSubscription(slack_team_id=team_id, slack_user_id=user_id, last_sent_on=None)
                session.add(row)
            row.local_time = local_time
            row.timezone = tz_name
            row.enabled = True
            row.send_empty = send_empty
            await session.flush()
            return _digest(row)

    async def disable(self, team_id: str, user_id: str) -> bool:
        async with self._db.session() as session:
            result = await session.execute(
                update(DigestSubscription)
                .where(
                    DigestSubscription.slack_team_id == team_id,
                    DigestSubscription.slack_user_id == user_id,
                    DigestSubscription.enabled.is_(True),
                )
                .values(enabled=False)
            )
            return rowcount(result) == 1

    async def delete_for_owner(self, team_id: str, user_id: str) -> int:
        async with self._db.session() as session:
            result = await session.execute(
                delete(DigestSubscription).where(
                    DigestSubscription.slack_team_id == team_id, DigestSubscription.slack_user_id == user_id
                )
            )
            return rowcount(result)

    async def get(self, team_id: str, user_id: str) -> Digest | None:
        async with self._db.session() as session:
            row = await session.scalar(
                select(DigestSubscription).where(
                    DigestSubscription.slack_team_id == team_id,
                    DigestSubscription.slack_user_id == user_id,
                    DigestSubscription.enabled.is_(True),
                )
            )
            return _digest(row) if row is not None else None

    async def enabled(self) -> list[Digest]:
        async with self._db.session() as session:
            rows = await session.scalars(
                select(DigestSubscription)
                .where(DigestSubscription.enabled.is_(True))
                .order_by(DigestSubscription.id)
            )
            return [_digest(row) for row in rows]

    async def claim_day(self, digest_id: int, local_day: date) -> bool:
        """True for exactly one caller per subscription and local day."""
        async with self._db.session() as session:
            result = await session.execute(
                update(DigestSubscription)
                .where(
                    DigestSubscription.id == digest_id,
                    DigestSubscription.enabled.is_(True),
                    or_(
                        DigestSubscription.last_sent_on.is_(None), DigestSubscription.last_sent_on < local_day
                    ),
                )
                .values(last_sent_on=local_day)
            )
            return rowcount(result) == 1
