"""The admin audit trail's rows: add one per action, read a workspace's newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select

from bot.store.db import Database
from bot.store.models import AdminAuditEntry

Result = Literal["ok", "refused", "failed"]
MAX_READ = 100


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    team_id: str
    user_id: str
    action: str  # "user_create", "user_deactivate", "user_activate", "recording_trash", ...
    target: str  # the Zoom user's e-mail, or the meeting's topic and id, as the admin saw it
    result: Result
    detail: str | None = None  # "licensed", "basic", the recording's meeting id
    reason: str | None = None  # "zoom 1005", "not_zoom_admin": why it was refused or failed


def _fit(text: str | None, size: int) -> str | None:
    return None if text is None else text[:size]


class AuditStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, record: AuditRecord) -> None:
        async with self._db.session() as session:
            session.add(
                AdminAuditEntry(
                    at=record.at,
                    slack_team_id=record.team_id[:32],
                    slack_user_id=record.user_id[:32],
                    action=record.action[:32],
                    target=record.target[:300],
                    detail=_fit(record.detail, 300),
                    result=record.result,
                    reason=_fit(record.reason, 64),
                )
            )

    async def recent(self, team_id: str, limit: int) -> list[AuditRecord]:
        """The workspace's newest ``limit`` entries (at most 100), newest first."""
        async with self._db.session() as session:
            rows = await session.scalars(
                select(AdminAuditEntry)
                .where(AdminAuditEntry.slack_team_id == team_id)
                .order_by(AdminAuditEntry.at.desc(), AdminAuditEntry.id.desc())
                .limit(max(1, min(limit, MAX_READ)))
            )
            return [
                AuditRecord(
                    at=row.at,
                    team_id=row.slack_team_id,
                    user_id=row.slack_user_id,
                    action=row.action,
                    target=row.target,
                    result=row.result,  # type: ignore[arg-type]  # the CHECK constraint holds it
                    detail=row.detail,
                    reason=row.reason,
                )
                for row in rows
            ]
