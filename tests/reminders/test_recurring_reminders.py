"""Reminders on recurring meetings: one row per occurrence, re-armed exactly once as each one posts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.reminders.delivery import ReminderDelivery
from bot.reminders.pacing import ChannelPacer
from bot.sandbox.slack_standin import SlackStandin
from bot.sandbox.zoom_simulator.clock import ManualClock
from bot.services.reminders import ReminderService
from bot.slack.outbox import SlackOut
from bot.store.db import Database
from bot.store.models import Reminder
from bot.store.reminders import ReminderStore
from bot.zoom.models import Meeting, Occurrence
from tests.reminders.helpers import CHANNELS, OWNER, TEAM, reminder_ids_posted

DAY = timedelta(days=1)
LEASE = timedelta(seconds=30)


def series(first: datetime, count: int = 3, *, meeting_id: int = 81234567890) -> Meeting:
    occurrences = tuple(
        Occurrence(str(int((first + k * DAY).timestamp() * 1000)), first + k * DAY, 15, "available")
        for k in range(count)
    )
    return Meeting(
        id=meeting_id,
        topic="Standup",
        type=8,
        start_time=first,
        duration=15,
        timezone="UTC",
        join_url=f"https://zoom.example/j/{meeting_id}",
        agenda="",
        status="waiting",
        occurrences=occurrences,
    )


async def remind(service: ReminderService, meeting: Meeting, now: datetime, minutes: int = 10) -> int:
    view = await service.add(
        team_id=TEAM, user_id=OWNER, meeting=meeting, channel_id=CHANNELS[0], minutes_before=minutes, now=now
    )
    assert view.repeats
    return view.id


async def rows(db: Database) -> list[tuple[int, str, datetime, str | None]]:
    async with db.session() as session:
        found = await session.execute(
            select(Reminder.id, Reminder.status, Reminder.meeting_start_at, Reminder.occurrence_id).order_by(
                Reminder.id
            )
        )
        return [tuple(r) for r in found.all()]  # type: ignore[misc]


def worker(db: Database, slack: SlackOut, clock: ManualClock, owner: str = "proc-1") -> ReminderDelivery:
    return ReminderDelivery(
        ReminderStore(db), slack, owner=owner, clock=clock.now, pacer=ChannelPacer(0.0), lease=LEASE
    )


async def test_each_post_re_arms_the_reminder_for_the_next_occurrence(
    db: Database, slack_out: SlackOut, standin: SlackStandin, clock: ManualClock
) -> None:
    first = clock.now() + timedelta(hours=1)
    meeting = series(first)
    service = ReminderService(ReminderStore(db))
    await remind(service, meeting, clock.now())
    delivery = worker(db, slack_out, clock)
    for k in range(3):
        clock.set(first + k * DAY - timedelta(minutes=10))
        assert (await delivery.run_round()).sent == 1
        assert (await delivery.run_round()).claimed == 0  # the follow-up is for tomorrow, not now
    table = await rows(db)
    assert [(status, start) for _, status, start, _ in table] == [("sent", first + k * DAY) for k in range(3)]
    assert [oid for *_, oid in table] == [o.occurrence_id for o in meeting.occurrences]
    assert len(standin.messages_in(CHANNELS[0])) == 3
    assert await service.list_for(TEAM, OWNER) == []  # the series is over: nothing left pending


async def test_a_post_recorded_after_the_lease_was_lost_does_not_re_arm(
    db: Database, clock: ManualClock
) -> None:
    store = ReminderStore(db)
    first = clock.now() + timedelta(minutes=11)
    await remind(ReminderService(store), series(first), clock.now())
    clock.advance(60)
    (slow,) = await store.claim_due("slow", clock.now(), lease=LEASE, limit=10)
    clock.advance(LEASE.total_seconds() + 1)  # slow stalls past its lease
    assert await store.reap_expired(clock.now()) == 1
    (fast,) = await store.claim_due("fast", clock.now(), lease=LEASE, limit=10)
    assert await store.mark_sent(fast.id, "fast", "1.0", now=clock.now())
    assert not await store.mark_sent(slow.id, "slow", "2.0", now=clock.now())  # too late: no follow-up
    pending = [r for r in await rows(db) if r[1] == "pending"]
    assert [start for _, _, start, _ in pending] == [first + DAY]


async def test_a_missed_occurrence_re_arms_and_long_downtime_skips_what_already_began(
    db: Database, slack_out: SlackOut, standin: SlackStandin, clock: ManualClock
) -> None:
    first = clock.now() + timedelta(hours=1)
    await remind(ReminderService(ReminderStore(db)), series(first, count=4), clock.now())
    clock.set(first + DAY + timedelta(hours=2))  # every process was down through two occurrences
    report = await worker(db, slack_out, clock).run_round()
    assert report.missed == 1  # the owner hears once, not once per occurrence
    table = await rows(db)
    assert [(status, start) for _, status, start, _ in table] == [
        ("missed", first),
        ("pending", first + 2 * DAY),
    ]
    assert len(standin.messages_in(standin.dm_channel(OWNER))) == 1


async def test_three_processes_re_arm_each_occurrence_exactly_once(
    db_url: str, slack_out: SlackOut, standin: SlackStandin, clock: ManualClock
) -> None:
    setup = Database.from_url(db_url)
    first = clock.now() + timedelta(hours=1)
    service = ReminderService(ReminderStore(setup))
    ids = [await remind(service, series(first, meeting_id=81234567890 + n), clock.now()) for n in range(20)]
    engines = [Database.from_url(db_url) for _ in range(3)]
    try:
        workers = [worker(e, slack_out, clock, owner=f"proc-{i}") for i, e in enumerate(engines)]
        for k in range(3):
            clock.set(first + k * DAY - timedelta(minutes=10))
            for _ in range(3):
                await asyncio.gather(*(w.run_round() for w in workers))
    finally:
        for engine in engines:
            await engine.dispose()
        table = await rows(setup)
        await setup.dispose()
    posted = reminder_ids_posted(standin)
    assert len(posted) == len(set(posted)) == 60  # 20 series × 3 occurrences, each once
    assert len(table) == 60 and all(status == "sent" for _, status, _, _ in table)
    assert set(ids) <= set(posted)


async def test_moving_or_cancelling_one_occurrence_moves_the_reminder_on(db: Database) -> None:
    now = datetime(2025, 6, 2, 14, 0, tzinfo=UTC)
    first = now + timedelta(hours=1)
    meeting = series(first, count=3)
    service = ReminderService(ReminderStore(db))
    await remind(service, meeting, now)
    one, two, three = meeting.occurrences
    assert (
        await service.occurrence_moved(meeting.id, one.occurrence_id, first + timedelta(hours=2), now=now)
        == 1
    )
    (view,) = await service.list_for(TEAM, OWNER)
    assert view.fire_at == first + timedelta(hours=2, minutes=-10)
    # The reminder's own occurrence is deleted: it moves on to the next one instead of vanishing.
    assert await service.occurrence_cancelled(meeting.id, one.occurrence_id, now=now) == 1
    (view,) = await service.list_for(TEAM, OWNER)
    assert view.fire_at == first + DAY - timedelta(minutes=10) and view.repeats
    # A later occurrence deleted: this row is unchanged, but its follow-up will skip it.
    assert await service.occurrence_cancelled(meeting.id, three.occurrence_id, now=now) == 1
    async with db.session() as session:
        later = (await session.execute(select(Reminder.later_occurrences))).scalar_one()
    assert later is None  # only occurrence two is left, and the row is for it
    assert await service.occurrence_cancelled(meeting.id, two.occurrence_id, now=now) == 1
    assert await service.list_for(TEAM, OWNER) == []  # nothing left to remind of


async def test_a_new_rule_gives_pending_reminders_the_new_occurrences(db: Database) -> None:
    now = datetime(2025, 6, 2, 14, 0, tzinfo=UTC)
    service = ReminderService(ReminderStore(db))
    await remind(service, series(now + timedelta(hours=1)), now)
    renewed = series(now + timedelta(days=3, hours=2), count=2)
    assert await service.series_changed(renewed, now=now) == 1
    (view,) = await service.list_for(TEAM, OWNER)
    assert view.fire_at == now + timedelta(days=3, hours=2, minutes=-10)
