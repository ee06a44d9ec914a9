"""Reminders as the slash commands and webhooks see them: add, list, cancel, follow the meeting.

The rows in ``reminders`` are the only record of a reminder; delivery happens in
``bot.reminders.delivery`` (claimed by whichever process polls first).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.store.reminders import ReminderRow, ReminderStore
from bot.zoom.models import Meeting

MAX_MINUTES_BEFORE = 7 * 24 * 60
MAX_TOPIC = 300
MAX_JOIN_URL = 1024


class ReminderError(Exception):
    """A reminder that cannot be set; ``message`` is safe to show to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ReminderView:
    """A reminder as handed to the Slack views (``bot.slack.views._types.ReminderLike``)."""

    id: int
    meeting_id: int
    topic: str
    channel_id: str
    minutes_before: int
    fire_at: datetime


def view_of(row: ReminderRow) -> ReminderView:
    return ReminderView(
        id=row.id,
        meeting_id=row.meeting_id,
        topic=row.topic,
        channel_id=row.channel_id,
        minutes_before=row.minutes_before,
        fire_at=row.due_at,
    )


def next_start(meeting: Meeting, *, after: datetime) -> datetime | None:
    """The start of the meeting, or of the first live occurrence after ``after`` (recurring)."""
    starts = sorted(
        o.start_time
        for o in meeting.occurrences
        if o.start_time is not None and o.status.lower() != "deleted" and o.start_time > after
    )
    if starts:
        return starts[0]
    return meeting.start_time


def _join_url(meeting: Meeting) -> str | None:
    url = meeting.join_url
    if url.startswith(("https://", "http://")) and len(url) <= MAX_JOIN_URL:
        return url
    return None


class ReminderService:
    def __init__(self, store: ReminderStore) -> None:
        self._store = store

    async def add(
        self,
        *,
        team_id: str,
        user_id: str,
        meeting: Meeting,
        channel_id: str,
        minutes_before: int,
        now: datetime,
    ) -> ReminderView:
        if not 0 <= minutes_before <= MAX_MINUTES_BEFORE:
            raise ReminderError(f"Reminders can be 0 to {MAX_MINUTES_BEFORE} minutes before the meeting.")
        start = next_start(meeting, after=now + timedelta(minutes=minutes_before))
        if start is None:
            raise ReminderError(
                f"Meeting {meeting.id} has no fixed start time, so there is no moment to remind anyone of."
            )
        due_at = start - timedelta(minutes=minutes_before)
        if due_at <= now:
            if start <= now:
                raise ReminderError(
                    f"Meeting {meeting.id} has already started, so a reminder would come too late."
                )
            raise ReminderError(
                f"Meeting {meeting.id} starts in less than {minutes_before} minutes, so that reminder time "
                "has already passed. Pick fewer minutes, e.g. `5m`."
            )
        row = await self._store.add(
            team_id=team_id,
            user_id=user_id,
            meeting_id=meeting.id,
            topic=meeting.topic[:MAX_TOPIC],
            meeting_start_at=start,
            channel_id=channel_id,
            minutes_before=minutes_before,
            due_at=due_at,
            join_url=_join_url(meeting),
        )
        return view_of(row)

    async def list_for(self, team_id: str, user_id: str) -> list[ReminderView]:
        return [view_of(row) for row in await self._store.pending_for(team_id, user_id)]

    async def cancel(self, team_id: str, user_id: str, reminder_id: int) -> bool:
        return await self._store.cancel(team_id, user_id, reminder_id)

    async def meeting_moved(self, meeting_id: int, new_start: datetime | None, *, now: datetime) -> int:
        """Move the meeting's pending reminders with it; returns how many moved or were cancelled.

        A meeting that lost its start time, or whose new start has passed, has nothing
        left to remind of: those reminders are cancelled. One whose reminder time has
        passed but whose meeting has not started posts at once.
        """
        rows = await self._store.pending_for_meeting(meeting_id)
        if new_start is None or new_start <= now:
            return await self._store.cancel_pending(row.id for row in rows)
        changed = 0
        for row in rows:
            due_at = max(new_start - timedelta(minutes=row.minutes_before), now)
            if await self._store.reschedule(row.id, meeting_start_at=new_start, due_at=due_at):
                changed += 1
        return changed

    async def meeting_cancelled(self, meeting_id: int) -> int:
        return await self._store.cancel_for_meeting(meeting_id)

    async def occurrences_cancelled(self, meeting_id: int, starts: set[datetime]) -> int:
        """Some occurrences of a recurring meeting were deleted: cancel only their reminders."""
        rows = await self._store.pending_for_meeting(meeting_id)
        return await self._store.cancel_pending(row.id for row in rows if row.meeting_start_at in starts)

    async def owner_unlinked(self, team_id: str, user_id: str) -> int:
        """Without the owner's Zoom link the reminders can no longer follow their meetings: cancel them."""
        return await self._store.cancel_for_owner(team_id, user_id)

    async def owner_removed(self, team_id: str, user_id: str) -> list[int]:
        """Deauthorization: delete the owner's reminders outright; returns their meeting ids."""
        return await self._store.delete_for_owner(team_id, user_id)
