"""LiveMeetingStore: every change a card must show bumps the meeting's version exactly once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.store.db import Database
from bot.store.meeting_live import LiveMeetingStore, LiveState
from bot.store.models import MeetingParticipant

MEETING = 81234567890
UUID = "4444AAAiAAAAAiAiAiiAii=="
START = datetime(2030, 1, 7, 13, 0, tzinfo=UTC)


@pytest.fixture
async def live(db: Database) -> LiveMeetingStore:
    """The store, with the meeting started at ``START``."""
    store = LiveMeetingStore(db)
    assert await store.started(MEETING, UUID, topic="Standup", at=START)
    return store


async def state_of(live: LiveMeetingStore) -> LiveState:
    state = await live.get(MEETING)
    assert state is not None
    return state


async def participant_rows(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(MeetingParticipant)) or 0)


async def test_concurrent_joins_each_bump_the_version(live: LiveMeetingStore) -> None:
    # A card is "current" when it shows the newest version: a bump lost to a concurrent
    # writer would leave the card one participant behind for good.
    before = await state_of(live)
    guests = [f"guest-{n}" for n in range(40)]
    results = await asyncio.gather(
        *(live.joined(MEETING, UUID, guest, at=START + timedelta(seconds=1), topic=None) for guest in guests)
    )
    assert all(results)
    after = await state_of(live)
    assert after.participants == 40
    assert after.version == before.version + 40


async def test_concurrent_joins_and_leaves_each_bump_the_version(live: LiveMeetingStore) -> None:
    joined_at = START + timedelta(seconds=1)
    for n in range(10):
        await live.joined(MEETING, UUID, f"early-{n}", at=joined_at, topic=None)
    before = await state_of(live)
    left_at = START + timedelta(seconds=2)
    changes = [live.left(MEETING, UUID, f"early-{n}", at=left_at) for n in range(10)]
    changes += [live.joined(MEETING, UUID, f"late-{n}", at=left_at, topic=None) for n in range(10)]
    assert all(await asyncio.gather(*changes))
    after = await state_of(live)
    assert after.participants == 10
    assert after.version == before.version + 20


async def test_a_repeated_join_changes_nothing(live: LiveMeetingStore) -> None:
    assert await live.joined(MEETING, UUID, "bob", at=START, topic=None)
    once = await live.get(MEETING)
    assert not await live.joined(MEETING, UUID, "bob", at=START, topic=None)
    assert await live.get(MEETING) == once


async def test_a_leave_that_arrives_before_its_join_is_not_counted_as_someone_still_there(
    live: LiveMeetingStore,
) -> None:
    joined_at, left_at = START + timedelta(minutes=1), START + timedelta(minutes=5)
    assert not await live.left(MEETING, UUID, "bob", at=left_at)  # the join is still on its way
    assert not await live.joined(MEETING, UUID, "bob", at=joined_at, topic=None)
    assert (await state_of(live)).participants == 0
    assert not await live.joined(MEETING, UUID, "bob", at=joined_at, topic=None)  # a repeat of that join
    back = left_at + timedelta(minutes=1)
    assert await live.joined(MEETING, UUID, "bob", at=back, topic=None)
    assert (await state_of(live)).participants == 1


async def test_a_repeated_leave_changes_nothing(live: LiveMeetingStore, db: Database) -> None:
    left_at = START + timedelta(minutes=5)
    assert await live.joined(MEETING, UUID, "bob", at=START, topic=None)
    assert await live.left(MEETING, UUID, "bob", at=left_at)
    assert not await live.left(MEETING, UUID, "bob", at=left_at)
    assert await participant_rows(db) == 1
    assert await live.joined(MEETING, UUID, "bob", at=left_at + timedelta(minutes=1), topic=None)
    assert (await state_of(live)).participants == 1


async def test_a_leave_after_the_meeting_ended_leaves_nothing_behind(
    live: LiveMeetingStore, db: Database
) -> None:
    await live.joined(MEETING, UUID, "bob", at=START, topic=None)
    await live.ended(MEETING, UUID, topic=None, started_at=START, ended_at=START + timedelta(hours=1))
    assert not await live.left(MEETING, UUID, "bob", at=START + timedelta(hours=1))
    assert await participant_rows(db) == 0
