"""Deliveries already handled (Zoom webhooks, Slack events), so a retry has no second effect.

``first_time`` inserts the delivery's key; the primary key makes the insert succeed
for exactly one caller, in whichever process. ``forget`` removes a key again when the
work it guarded failed, so a later retry of the same delivery is processed.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from bot.store.db import Database, rowcount
from bot.store.models import AuditEvent, ProcessedEvent

MAX_KEY_LENGTH = 255
SLACK_SOURCE = "slack"


class ProcessedEventStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        # SQLite has one writer at a time: this process's requests queue here instead of
        # meeting the file lock and its busy-wait sleeps (a p99 of ~0.35 s at 20 in flight).
        self._writing: asyncio.Lock | contextlib.nullcontext[None] = (
            asyncio.Lock() if db.dialect_name == "sqlite" else contextlib.nullcontext()
        )

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

    async def first_request(self, signature: str, *, now: datetime) -> bool:
        """Record a signed Slack request; False when any process recorded it before (a replay).

        Keyed by the signature's digest: fixed length, and nothing of the request kept."""
        digest = hashlib.sha256(signature.encode("utf-8", "replace")).hexdigest()
        # Every signed request pays for this before its ack: one Core INSERT that ignores a
        # conflict (no ORM unit of work, no exception for a replay).
        row = {"source": SLACK_SOURCE, "event_key": f"request:{digest}", "received_at": now}
        insert = postgresql_insert if self._db.dialect_name == "postgresql" else sqlite_insert
        statement = insert(ProcessedEvent).values(row).on_conflict_do_nothing()
        async with self._writing, self._db.engine.begin() as connection:
            return rowcount(await connection.execute(statement)) == 1

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
