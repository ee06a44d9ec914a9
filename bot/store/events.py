"""Deliveries already handled (Zoom webhooks, Slack events), so a retry has no second effect.

``first_time`` inserts the delivery's key; the primary key makes the insert succeed
for exactly one caller, in whichever process. ``forget`` removes a key again when the
work it guarded failed, so a later retry of the same delivery is processed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from bot.store.db import Database, rowcount
from bot.store.models import AuditEvent, ProcessedEvent

MAX_KEY_LENGTH = 255


class ProcessedEventStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def first_time(self, source: str, event_key: str, *, now: datetime) -> bool:
        """Record the delivery; False when it was recorded before (a duplicate)."""
        try:
            async with self._db.session() as session:
                session.add(
                    ProcessedEvent(source=source, event_key=event_key[:MAX_KEY_LENGTH], received_at=now)
                )
        except IntegrityError:
            return False
        return True

    async def forget(self, source: str, event_key: str) -> None:
        async with self._db.session() as session:
            await session.execute(
                delete(ProcessedEvent).where(
                    ProcessedEvent.source == source, ProcessedEvent.event_key == event_key[:MAX_KEY_LENGTH]
                )
            )

    async def prune(self, older_than: datetime) -> int:
        """Drop keys older than any retry can be (Zoom stops retrying after about 90 minutes)."""
        async with self._db.session() as session:
            result = await session.execute(
                delete(ProcessedEvent).where(ProcessedEvent.received_at < older_than)
            )
            return rowcount(result)


class AuditTrail:
    """What happened, keyed by our own opaque subject id (never a Zoom id: those are user data)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, internal_subject: str, action: str, *, now: datetime) -> None:
        async with self._db.session() as session:
            session.add(AuditEvent(internal_subject=internal_subject, action=action, at=now))
