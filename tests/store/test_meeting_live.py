"""LiveMeetingStore: every change a card must show bumps the meeting's version exactly once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.store.db import Database
from bot.store.meeting_live import LiveMeetingStore

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
