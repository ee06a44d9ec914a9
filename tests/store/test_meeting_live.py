"""LiveMeetingStore: every change a card must show bumps the meeting's version exactly once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.store.db import Database
from bot.store.meeting_live import LiveMeetingStore
from bot.store.models import MeetingParticipant

MEETING = 81234567890
UUID = "4444AAAiAAAAAiAiAiiAii=="
START = datetime(2030, 1, 7, 13, 0, tzinfo=UTC)


async def test_concurrent_joins_each_bump_the_version(db: Database) -> None:
    # A card is "current" when it shows the newest version: a bump lost to a concurrent
    # writer would leave the card one participant behind for good.
    live = LiveMeetingStore(db)
    assert await live.started(MEETING, UUID, topic="Standup", at=START)
    before = await live.get(MEETING)
    assert before is not None
    guests = [f"guest-{n}" for n in range(40)]
    results = await asyncio.gather(
        *(live.joined(MEETING, UUID, guest, at=START + timedelta(seconds=1), topic=None) for guest in guests)
    )
    assert all(results)
    after = await live.get(MEETING)
    assert after is not None
    assert after.participants == 40
    assert after.version == before.version + 40


async def test_concurrent_joins_and_leaves_each_bump_the_version(db: Database) -> None:
    live = LiveMeetingStore(db)
    await live.started(MEETING, UUID, topic="Standup", at=START)
    joined_at = START + timedelta(seconds=1)
    for n in range(10):
        await live.joined(MEETING, UUID, f"early-{n}", at=joined_at, topic=None)
    before = await live.get(MEETING)
    assert before is not None
    left_at = START + timedelta(seconds=2)
    changes = [live.left(MEETING, UUID, f"early-{n}", at=left_at) for n in range(10)]
    changes += [live.joined(MEETING, UUID, f"late-{n}", at=left_at, topic=None) for n in range(10)]
    assert all(await asyncio.gather(*changes))
    after = await live.get(MEETING)
    assert after is not None
    assert after.participants == 10
    assert after.version == before.version + 20


async def test_a_repeated_join_changes_nothing(db: Database) -> None:
    live = LiveMeetingStore(db)
    await live.started(MEETING, UUID, topic="Standup", at=START)
    assert await live.joined(MEETING, UUID, "bob", at=START, topic=None)
    once = await live.get(MEETING)
    assert not await live.joined(MEETING, UUID, "bob", at=START, topic=None)
    assert await live.get(MEETING) == once


async def participant_rows(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(MeetingParticipant)) or 0)


async def test_a_leave_that_arrives_before_its_join_is_not_counted_as_someone_still_there(
    db: Database,
) -> None:
    live = LiveMeetingStore(db)
    await live.started(MEETING, UUID, topic="Standup", at=START)
    joined_at, left_at = START + timedelta(minutes=1), START + timedelta(minutes=5)
    assert not await live.left(MEETING, UUID, "bob", at=left_at)  # the join is still on its way
    assert not await live.joined(MEETING, UUID, "bob", at=joined_at, topic=None)
    state = await live.get(MEETING)
    assert state is not None and state.participants == 0
    assert not await live.joined(MEETING, UUID, "bob", at=joined_at, topic=None)  # a repeat of that join
    assert await live.joined(
        MEETING, UUID, "bob", at=left_at + timedelta(minutes=1), topic=None
    )  # back again
    state = await live.get(MEETING)
    assert state is not None and state.participants == 1


async def test_a_repeated_leave_changes_nothing(db: Database) -> None:
    live = LiveMeetingStore(db)
    await live.started(MEETING, UUID, topic="Standup", at=START)
    left_at = START + timedelta(minutes=5)
    assert await live.joined(MEETING, UUID, "bob", at=START, topic=None)
    assert await live.left(MEETING, UUID, "bob", at=left_at)
    assert not await live.left(MEETING, UUID, "bob", at=left_at)
    assert await participant_rows(db) == 1
    assert await live.joined(MEETING, UUID, "bob", at=left_at + timedelta(minutes=1), topic=None)
    state = await live.get(MEETING)
    assert state is not None and state.participants == 1


async def test_a_leave_after_the_meeting_ended_leaves_nothing_behind(db: Database) -> None:
    live = LiveMeetingStore(db)
    await live.started(MEETING, UUID, topic="Standup", at=START)
    await live.joined(MEETING, UUID, "bob", at=START, topic=None)
    await live.ended(MEETING, UUID, topic=None, started_at=START, ended_at=START + timedelta(hours=1))
    assert not await live.left(MEETING, UUID, "bob", at=START + timedelta(hours=1))
    assert await participant_rows(db) == 0
