"""The Slack calls the bot registered for meetings (``calls.add``), and which of them still run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update

from bot.store.db import Database, rowcount
from bot.store.models import SlackCall


@dataclass(frozen=True)
class RegisteredCall:
    id: int
    meeting_id: int
    team_id: str
    call_id: str
    created_by: str


def _registered(row: SlackCall) -> RegisteredCall:
    return RegisteredCall(row.id, row.zoom_meeting_id, row.slack_team_id, row.call_id, row.created_by)


class SlackCallStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, meeting_id: int, team_id: str, call_id: str, *, created_by: str) -> None:
        async with self._db.session() as session:
            session.add(
                SlackCall(
                    zoom_meeting_id=meeting_id, slack_team_id=team_id, call_id=call_id, created_by=created_by
                )
            )

    async def running(self, meeting_id: int, *, team_id: str | None = None) -> list[RegisteredCall]:
        """The meeting's calls not ended yet (in one workspace with ``team_id``), oldest first."""
        query = select(SlackCall).where(SlackCall.zoom_meeting_id == meeting_id, SlackCall.ended_at.is_(None))
        if team_id is not None:
            query = query.where(SlackCall.slack_team_id == team_id)
        async with self._db.session() as session:
            return [_registered(r) for r in await session.scalars(query.order_by(SlackCall.id))]

    async def ended(self, row_id: int, *, at: datetime) -> bool:
        """Mark the call ended; False when another process did first (then it sends nothing)."""
        async with self._db.session() as session:
            result = await session.execute(
                update(SlackCall)
                .where(SlackCall.id == row_id, SlackCall.ended_at.is_(None))
                .values(ended_at=at)
            )
            return rowcount(result) == 1

    async def forget(self, meeting_ids: Iterable[int]) -> None:
        ids = list(meeting_ids)
        if ids:
            async with self._db.session() as session:
                await session.execute(delete(SlackCall).where(SlackCall.zoom_meeting_id.in_(ids)))
