"""Reminder rows: the single source of truth for every reminder, shared by all bot processes.

Lifecycle: ``pending`` → ``sending`` (claimed under a lease) → ``sent`` | ``missed`` |
``failed``; ``pending`` → ``cancelled``. Every state change is one conditional UPDATE
whose WHERE clause names the state (and, for a claimed row, the lease owner) it expects,
so two processes can never both act on a row: the loser's UPDATE matches nothing.

Claiming (``claim_due``) works the same on SQLite and PostgreSQL: an
``UPDATE … WHERE status='pending' AND due_at<=:now AND id IN (<due ids, LIMIT n>)
RETURNING …``. PostgreSQL also gets ``FOR UPDATE SKIP LOCKED`` in the subquery so
concurrent claimers take different rows instead of queueing on the same ones; the
outer status predicate is what makes a double claim impossible on both backends
(SQLite drops ``FOR UPDATE`` silently, and serialises writers instead).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, delete, select, update

from bot.store.db import Database, rowcount
from bot.store.models import Reminder

# What a claim hands back: enough to deliver without reading the row again.
_CLAIM_COLUMNS = (
    Reminder.id,
    Reminder.slack_team_id,
    Reminder.slack_user_id,
    Reminder.zoom_meeting_id,
    Reminder.meeting_topic,
    Reminder.meeting_start_at,
    Reminder.channel_id,
    Reminder.minutes_before,
    Reminder.due_at,
    Reminder.status,
    Reminder.join_url,
    Reminder.attempts,
    Reminder.occurrence_id,
    Reminder.later_occurrences,
)

AnySelect = Select[*tuple[Any, ...]]

FINAL_STATUSES = ("missed", "failed")


@dataclass(frozen=True)
class ReminderRow:
    """A snapshot of one reminder row."""

    id: int
    team_id: str
    user_id: str  # the owner
    meeting_id: int
    topic: str
    meeting_start_at: datetime
    channel_id: str
    minutes_before: int
    due_at: datetime
    status: str
    join_url: str | None
    attempts: int
    occurrence_id: str | None = None  # recurring meetings: this row's occurrence
    later_occurrences: str | None = None  # and the ones after it, JSON (see ``encode_occurrences``)

    @property
    def original_due_at(self) -> datetime:
        """When it was meant to post; ``due_at`` itself moves when delivery is pushed back."""
        return self.meeting_start_at - timedelta(minutes=self.minutes_before)


def _row(values: Sequence[Any]) -> ReminderRow:
    return ReminderRow(*values)


OccurrenceStart = tuple[str, datetime]  # (Zoom occurrence id, start, aware UTC)


def encode_occurrences(occurrences: Sequence[OccurrenceStart]) -> str | None:
    if not occurrences:
        return None
    return json.dumps(
        [[oid, start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")] for oid, start in occurrences]
    )


def decode_occurrences(text: str | None) -> list[OccurrenceStart]:
    """The stored list, soonest first; a value we cannot read counts as empty."""
    if not text:
        return []
    try:
        items = json.loads(text)
        found = [
            (str(oid), datetime.fromisoformat(str(start).replace("Z", "+00:00"))) for oid, start in items
        ]
    except (TypeError, ValueError):
        return []
    return sorted(found, key=lambda pair: pair[1])


def next_occurrence(
    later: Sequence[OccurrenceStart], minutes_before: int, now: datetime
) -> tuple[OccurrenceStart, list[OccurrenceStart], datetime] | None:
    """The first later occurrence still ahead, those after it, and when its reminder is due.

    Occurrences that already began are skipped (nobody needs a reminder for them); one
    whose reminder time has passed but which has not begun is due at once.
    """
    ahead = [pair for pair in later if pair[1] > now]
    if not ahead:
        return None
    (oid, start), rest = ahead[0], ahead[1:]
    return (oid, start), rest, max(start - timedelta(minutes=minutes_before), now)


class ReminderStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- owners' operations ------------------------------------------------------------

    async def add(
        self,
        *,
        team_id: str,
        user_id: str,
        meeting_id: int,
        topic: str,
        meeting_start_at: datetime,
        channel_id: str,
        minutes_before: int,
        due_at: datetime,
        join_url: str | None,
        occurrence_id: str | None = None,
        later_occurrences: Sequence[OccurrenceStart] = (),
    ) -> ReminderRow:
        async with self._db.session() as session:
            row = Reminder(
                slack_team_id=team_id,
                slack_user_id=user_id,
                zoom_meeting_id=meeting_id,
                meeting_topic=topic,
                meeting_start_at=meeting_start_at,
                channel_id=channel_id,
                minutes_before=minutes_before,
                due_at=due_at,
                status="pending",
                attempts=0,
                join_url=join_url,
                occurrence_id=occurrence_id,
                later_occurrences=encode_occurrences(later_occurrences),
            )
            session.add(row)
            await session.flush()
            return _row([getattr(row, column.key) for column in _CLAIM_COLUMNS])

    async def pending_for(self, team_id: str, user_id: str) -> list[ReminderRow]:
        """The owner's reminders still to post (``sending`` counts: it has not posted yet), soonest first."""
        query = self._select().where(
            Reminder.slack_team_id == team_id,
            Reminder.slack_user_id == user_id,
            Reminder.status.in_(("pending", "sending")),
        )
        return await self._fetch(query.order_by(Reminder.due_at, Reminder.id))

    async def get(self, reminder_id: int) -> ReminderRow | None:
        rows = await self._fetch(self._select().where(Reminder.id == reminder_id))
        return rows[0] if rows else None

    async def cancel(self, team_id: str, user_id: str, reminder_id: int) -> bool:
        """Cancel one pending reminder of this owner; False if it is not theirs or no longer pending."""
        return (
            await self._set_status(
                "cancelled",
                Reminder.id == reminder_id,
                Reminder.slack_team_id == team_id,
                Reminder.slack_user_id == user_id,
                Reminder.status == "pending",
            )
            == 1
        )

    async def pending_for_meeting(self, meeting_id: int) -> list[ReminderRow]:
        query = self._select().where(Reminder.zoom_meeting_id == meeting_id, Reminder.status == "pending")
        return await self._fetch(query)

    async def reschedule(self, reminder_id: int, *, meeting_start_at: datetime, due_at: datetime) -> bool:
        """Follow a moved meeting; only a row still ``pending`` changes (a claimed one is posting now)."""
        async with self._db.session() as session:
            result = await session.execute(
                update(Reminder)
                .where(Reminder.id == reminder_id, Reminder.status == "pending")
                .values(meeting_start_at=meeting_start_at, due_at=due_at)
            )
            return rowcount(result) == 1

    async def replan(
        self,
        reminder_id: int,
        *,
        occurrence_id: str | None,
        meeting_start_at: datetime,
        due_at: datetime,
        later_occurrences: Sequence[OccurrenceStart],
    ) -> bool:
        """Point a pending row of a recurring meeting at another occurrence (moved, deleted, new rule)."""
        async with self._db.session() as session:
            result = await session.execute(
                update(Reminder)
                .where(Reminder.id == reminder_id, Reminder.status == "pending")
                .values(
                    occurrence_id=occurrence_id,
                    meeting_start_at=meeting_start_at,
                    due_at=due_at,
                    later_occurrences=encode_occurrences(later_occurrences),
                )
            )
            return rowcount(result) == 1

    async def cancel_pending(self, reminder_ids: Iterable[int]) -> int:
        ids = list(reminder_ids)
        if not ids:
            return 0
        return await self._set_status("cancelled", Reminder.id.in_(ids), Reminder.status == "pending")

    async def cancel_for_meeting(self, meeting_id: int) -> int:
        return await self._set_status(
            "cancelled", Reminder.zoom_meeting_id == meeting_id, Reminder.status == "pending"
        )

    async def cancel_for_owner(self, team_id: str, user_id: str) -> int:
        return await self._set_status(
            "cancelled",
            Reminder.slack_team_id == team_id,
            Reminder.slack_user_id == user_id,
            Reminder.status == "pending",
        )

    async def delete_for_owner(self, team_id: str, user_id: str) -> list[int]:
        """Remove every reminder of the owner (they hold Zoom meeting ids and topics); returns meeting ids."""
        async with self._db.session() as session:
            result = await session.execute(
                delete(Reminder)
                .where(Reminder.slack_team_id == team_id, Reminder.slack_user_id == user_id)
                .returning(Reminder.zoom_meeting_id)
            )
            return sorted({meeting_id for (meeting_id,) in result.all()})

    # -- the delivery worker's operations ------------------------------------------------

    async def reap_expired(self, now: datetime) -> int:
        """Return rows whose claimer died (lease expired) to ``pending``."""
        async with self._db.session() as session:
            result = await session.execute(
                update(Reminder)
                .where(Reminder.status == "sending", Reminder.lease_until < now)
                .values(status="pending", lease_owner=None, lease_until=None)
            )
            return rowcount(result)

    async def claim_due(
        self, owner: str, now: datetime, *, lease: timedelta, limit: int
    ) -> list[ReminderRow]:
        """Atomically take up to ``limit`` due rows for ``owner`` until ``now + lease``, soonest first."""
        due_ids = (
            select(Reminder.id)
            .where(Reminder.status == "pending", Reminder.due_at <= now)
            .order_by(Reminder.due_at, Reminder.id)
            .limit(limit)
        )
        if self._db.dialect_name == "postgresql":
            due_ids = due_ids.with_for_update(skip_locked=True)
        statement = (
            update(Reminder)
            # The status predicate stays here, outside the subquery: it is what makes a
            # double claim impossible even where the subquery locks nothing (SQLite).
            .where(
                Reminder.status == "pending",
                Reminder.due_at <= now,
                Reminder.id.in_(due_ids.scalar_subquery()),
            )
            .values(
                status="sending", lease_owner=owner, lease_until=now + lease, attempts=Reminder.attempts + 1
            )
            .returning(*_CLAIM_COLUMNS)
            .execution_options(synchronize_session=False)
        )
        async with self._db.session() as session:
            rows = [_row(values) for values in (await session.execute(statement)).all()]
        return sorted(rows, key=lambda r: (r.due_at, r.id))

    async def mark_sent(
        self, reminder_id: int, owner: str, slack_ts: str, *, now: datetime | None = None
    ) -> bool:
        """Record the post. False means our lease was lost (another process may post it too).

        A reminder on a recurring meeting is re-armed for its next occurrence in the same
        transaction (see :meth:`_finish`).
        """
        return await self._finish(reminder_id, owner, now=now, status="sent", slack_ts=slack_ts)

    async def mark_final(
        self, reminder_id: int, owner: str, status: str, *, now: datetime | None = None
    ) -> bool:
        """``missed`` re-arms a recurring reminder like a post does; ``failed`` does not (Slack
        refused the channel for good, and the owner is told)."""
        if status not in FINAL_STATUSES:
            raise ValueError(f"final status must be one of {FINAL_STATUSES}")
        return await self._finish(reminder_id, owner, now=now, rearm=status == "missed", status=status)

    async def release(self, reminder_ids: Iterable[int], owner: str, *, due_at: datetime) -> int:
        """Give claimed rows back (to retry at ``due_at``): rate limited, transient error, out of lease."""
        ids = list(reminder_ids)
        if not ids:
            return 0
        async with self._db.session() as session:
            result = await session.execute(
                update(Reminder)
                .where(Reminder.id.in_(ids), Reminder.lease_owner == owner, Reminder.status == "sending")
                .values(status="pending", lease_owner=None, lease_until=None, due_at=due_at)
            )
            return rowcount(result)

    # -- helpers -----------------------------------------------------------------------

    async def _finish(
        self, reminder_id: int, owner: str, *, now: datetime | None, rearm: bool = True, **values: Any
    ) -> bool:
        """End a claimed row; for a recurring meeting also write the next occurrence's row.

        Both happen in one transaction, and only if the conditional UPDATE matched (we still
        held the lease): so however many processes deliver, each occurrence's follow-up is
        written exactly once, and never by a process whose post was not the recorded one.
        """
        async with self._db.session() as session:
            result = await session.execute(
                update(Reminder)
                .where(
                    Reminder.id == reminder_id, Reminder.lease_owner == owner, Reminder.status == "sending"
                )
                .values(lease_owner=None, lease_until=None, **values)
                .returning(*_CLAIM_COLUMNS)
                .execution_options(synchronize_session=False)
            )
            finished = result.first()
            if finished is None:
                return False
            row = _row(finished)
            later = decode_occurrences(row.later_occurrences)
            if rearm and later:
                following = next_occurrence(later, row.minutes_before, now or row.meeting_start_at)
                if following is not None:
                    (occurrence_id, start), rest, due_at = following
                    session.add(
                        Reminder(
                            slack_team_id=row.team_id,
                            slack_user_id=row.user_id,
                            zoom_meeting_id=row.meeting_id,
                            meeting_topic=row.topic,
                            meeting_start_at=start,
                            channel_id=row.channel_id,
                            minutes_before=row.minutes_before,
                            due_at=due_at,
                            status="pending",
                            attempts=0,
                            join_url=row.join_url,
                            occurrence_id=occurrence_id,
                            later_occurrences=encode_occurrences(rest),
                        )
                    )
            return True

    async def _set_status(self, status: str, *conditions: Any) -> int:
        async with self._db.session() as session:
            result = await session.execute(update(Reminder).where(and_(*conditions)).values(status=status))
            return rowcount(result)

    @staticmethod
    def _select() -> AnySelect:
        return select(*_CLAIM_COLUMNS)

    async def _fetch(self, query: AnySelect) -> list[ReminderRow]:
        async with self._db.session() as session:
            return [_row(values) for values in (await session.execute(query)).all()]
