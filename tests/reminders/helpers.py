"""Helpers shared by the reminder tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.sandbox.slack_standin import SlackStandin
from bot.store.db import Database
from bot.store.models import Reminder
from bot.store.reminders import ReminderRow, ReminderStore

CHANNELS = tuple(f"C{n:04d}" for n in range(1, 9))
OWNER = "U0OWNER"
TEAM = "T0001"


async def add_reminder(
    store: ReminderStore,
    *,
    starts: datetime,
    minutes_before: int = 10,
    channel: str = CHANNELS[0],
    meeting_id: int = 81234567890,
    topic: str = "Design review",
    user_id: str = OWNER,
) -> ReminderRow:
    return await store.add(
        team_id=TEAM,
        user_id=user_id,
        meeting_id=meeting_id,
        topic=topic,
        meeting_start_at=starts,
        channel_id=channel,
        minutes_before=minutes_before,
        due_at=starts - timedelta(minutes=minutes_before),
        join_url=f"https://zoom.example/j/{meeting_id}",
    )


def reminder_ids_posted(standin: SlackStandin) -> list[int]:
    """The reminder id of every reminder post the stand-in accepted (from the message metadata)."""
    ids = []
    for message in standin.messages:
        metadata = message.extra.get("metadata")
        if message.kind == "post" and isinstance(metadata, dict):
            ids.append(int(metadata["event_payload"]["reminder_id"]))
    return ids


async def statuses(db: Database) -> dict[int, str]:
    async with db.session() as session:
        return {
            row.id: row.status for row in (await session.execute(select(Reminder.id, Reminder.status))).all()
        }
