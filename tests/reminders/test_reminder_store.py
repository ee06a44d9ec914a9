"""The reminders table as the delivery contract: claims, leases, and compare-and-set finishes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.dialects import postgresql, sqlite

from bot.store.db import Database
from bot.store.reminders import ReminderStore
from tests.reminders.helpers import add_reminder, statuses

NOW = datetime(2025, 6, 2, 14, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


async def test_only_due_pending_rows_are_claimed_and_only_once(db: Database) -> None:
    store = ReminderStore(db)
    due = await add_reminder(store, starts=NOW + timedelta(minutes=5))  # due 5 min ago
    later = await add_reminder(store, starts=NOW + timedelta(minutes=30))  # due in 20 min
    claimed = await store.claim_due("p1", NOW, lease=LEASE, limit=10)
    assert [row.id for row in claimed] == [due.id]
    assert claimed[0].status == "sending" and claimed[0].attempts == 1
    assert await store.claim_due("p2", NOW, lease=LEASE, limit=10) == []
    assert (await statuses(db))[later.id] == "pending"


async def test_concurrent_claimers_in_separate_engines_split_the_rows(db_url: str) -> None:
    # Three engines = three processes' connection pools on the same database.
    setup = Database.from_url(db_url)
    store = ReminderStore(setup)
    ids = {
        (await add_reminder(store, starts=NOW + timedelta(minutes=1), channel=f"C{i}")).id for i in range(60)
    }
    engines = [Database.from_url(db_url) for _ in range(3)]
    try:

        async def claim_all(owner: str, database: Database) -> list[int]:
            taken: list[int] = []
            while batch := await ReminderStore(database).claim_due(owner, NOW, lease=LEASE, limit=7):
                taken += [row.id for row in batch]
            return taken

        results = await asyncio.gather(*(claim_all(f"p{i}", e) for i, e in enumerate(engines)))
    finally:
        for engine in engines:
            await engine.dispose()
        await setup.dispose()
    every = [rid for taken in results for rid in taken]
    assert sorted(every) == sorted(ids)  # each row claimed exactly once
    assert len(set(every)) == len(every)


def test_the_claim_keeps_the_status_predicate_outside_the_subquery() -> None:
    # Compiled for both dialects: PostgreSQL adds SKIP LOCKED, SQLite must not rely on locks.
    from sqlalchemy import select, update

    from bot.store.models import Reminder

    inner = select(Reminder.id).where(Reminder.status == "pending").limit(5)
    for dialect, locked in ((postgresql.dialect(), True), (sqlite.dialect(), False)):
        query = inner.with_for_update(skip_locked=True) if locked else inner
        sql = str(
            update(Reminder)
            .where(Reminder.status == "pending", Reminder.id.in_(query.scalar_subquery()))
            .values(status="sending")
            .compile(dialect=dialect)
        )
        outer_where = sql.split("WHERE", 1)[1]
        assert outer_where.strip().startswith("reminders.status =")
        assert ("SKIP LOCKED" in sql) is locked


async def test_expired_leases_are_reaped_and_reclaimed(db: Database) -> None:
    store = ReminderStore(db)
    row = await add_reminder(store, starts=NOW + timedelta(minutes=5))
    await store.claim_due("dead", NOW, lease=LEASE, limit=10)
    assert await store.reap_expired(NOW + timedelta(seconds=29)) == 0  # still leased
    assert await store.reap_expired(NOW + timedelta(seconds=31)) == 1
    again = await store.claim_due("alive", NOW + timedelta(seconds=31), lease=LEASE, limit=10)
    assert [r.id for r in again] == [row.id] and again[0].attempts == 2
    # The dead owner's late "sent" does not count: the row is no longer its to finish.
    assert await store.mark_sent(row.id, "dead", "1.0") is False
    assert await store.mark_sent(row.id, "alive", "2.0") is True
    assert (await statuses(db))[row.id] == "sent"


async def test_release_pushes_due_time_and_only_for_the_owner(db: Database) -> None:
    store = ReminderStore(db)
    row = await add_reminder(store, starts=NOW + timedelta(minutes=5))
    await store.claim_due("p1", NOW, lease=LEASE, limit=10)
    assert await store.release([row.id], "p2", due_at=NOW + timedelta(seconds=5)) == 0
    assert await store.release([row.id], "p1", due_at=NOW + timedelta(seconds=5)) == 1
    assert await store.claim_due("p1", NOW + timedelta(seconds=4), lease=LEASE, limit=10) == []
    assert len(await store.claim_due("p1", NOW + timedelta(seconds=5), lease=LEASE, limit=10)) == 1


async def test_owner_can_cancel_only_their_own_pending_reminder(db: Database) -> None:
    store = ReminderStore(db)
    mine = await add_reminder(store, starts=NOW + timedelta(hours=1))
    assert await store.cancel("T0001", "U0SOMEONEELSE", mine.id) is False
    assert await store.cancel("T0001", mine.user_id, mine.id) is True
    assert await store.cancel("T0001", mine.user_id, mine.id) is False  # already cancelled
    assert await store.pending_for("T0001", mine.user_id) == []
