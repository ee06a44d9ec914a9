"""MeetingPostStore: remembers the channel messages posted for a meeting, per meeting."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from bot.store.db import Database
from bot.store.meeting_posts import MeetingPostStore, PostedMessage

MEETING = 81234567890  # Zoom meeting ids need 64 bits


async def test_posts_are_listed_per_meeting_and_forgotten(db: Database) -> None:
    posts = MeetingPostStore(db)
    await posts.add(MEETING, "T1", "C1", "1700000000.000100")
    await posts.add(MEETING, "T1", "C2", "1700000000.000200")
    await posts.add(MEETING + 1, "T1", "C1", "1700000000.000300")
    assert sorted(await posts.for_meeting(MEETING), key=lambda p: p.channel_id) == [
        PostedMessage("T1", "C1", "1700000000.000100"),
        PostedMessage("T1", "C2", "1700000000.000200"),
    ]
    await posts.forget(MEETING)
    assert await posts.for_meeting(MEETING) == []
    assert await posts.for_meeting(MEETING + 1) == [PostedMessage("T1", "C1", "1700000000.000300")]


async def test_one_message_is_recorded_once(db: Database) -> None:
    posts = MeetingPostStore(db)
    await posts.add(MEETING, "T1", "C1", "1700000000.000100")
    with pytest.raises(IntegrityError):
        await posts.add(MEETING, "T1", "C1", "1700000000.000100")
