"""Reminders as the slash commands and webhooks see them: add, list, cancel, follow the meeting.

The rows in ``reminders`` are the only record of a reminder; delivery happens in
``bot.reminders.delivery`` (claimed by whichever process polls first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.store.reminders import (
    OccurrenceStart,
    ReminderRow,
    ReminderStore,
    decode_occurrences,
    next_occurrence,
)
from bot.zoom.models import Meeting, MeetingType

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
    repeats: bool = False  # follows a recurring meeting: re-armed after each occurrence


def view_of(row: ReminderRow) -> ReminderView:
    return ReminderView(
        id=row.id,
        meeting_id=row.meeting_id,
        topic=row.topic,
        channel_id=row.channel_id,
        minutes_before=row.minutes_before,
        fire_at=row.due_at,
        repeats=row.occurrence_id is not None,
    )


def _occurrence_starts(meeting: Meeting, after: datetime) -> list[OccurrenceStart]:
    return [(o.occurrence_id, o.start_time) for o in meeting.upcoming_occurrences(after) if o.start_time]


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
        # A series: this row is for the next occurrence, and carries the later ones so each
        # post can re-arm the reminder for the one after (see ReminderStore._finish).
        series = _occurrence_starts(meeting, now + timedelta(minutes=minutes_before))
        current = series[0] if meeting.type == MeetingType.RECURRING and series else None
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
            occurrence_id=current[0] if current else None,
            later_occurrences=series[1:] if current else (),
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

    async def occurrence_moved(
        self, meeting_id: int, occurrence_id: str, new_start: datetime, *, now: datetime
    ) -> int:
        """One occurrence of a series moved: reminders for it (or carrying it) follow."""

        def moved(series: list[OccurrenceStart]) -> list[OccurrenceStart]:
            return [(oid, new_start if oid == occurrence_id else start) for oid, start in series]

        return await self._replan_series(meeting_id, moved, now)

    async def occurrence_cancelled(self, meeting_id: int, occurrence_id: str, *, now: datetime) -> int:
        """One occurrence deleted: a reminder for it moves on to the next; later lists forget it."""
        return await self._replan_series(
            meeting_id, lambda series: [pair for pair in series if pair[0] != occurrence_id], now
        )

    async def series_changed(self, meeting: Meeting, *, now: datetime) -> int:
        """The series got a new rule (or a one-off became a series): reminders take its new occurrences."""
        fresh = _occurrence_starts(meeting, now)
        if meeting.type != MeetingType.RECURRING or not fresh:
            return await self.meeting_moved(meeting.id, meeting.start_time, now=now)
        return await self._replan_series(meeting.id, lambda _old: fresh, now, include_one_offs=True)

    async def _replan_series(
        self,
        meeting_id: int,
        change: Callable[[list[OccurrenceStart]], list[OccurrenceStart]],
        now: datetime,
        *,
        include_one_offs: bool = False,
    ) -> int:
        changed = 0
        for row in await self._store.pending_for_meeting(meeting_id):
            if row.occurrence_id is None and not include_one_offs:
                continue
            before = decode_occurrences(row.later_occurrences)
            series = list(before)
            if row.occurrence_id is not None:
                series.insert(0, (row.occurrence_id, row.meeting_start_at))
            series = sorted(change(series), key=lambda pair: pair[1])
            following = next_occurrence(series, row.minutes_before, now)
            if following is None:
                changed += await self._store.cancel_pending([row.id])
                continue
            (occurrence_id, start), rest, due_at = following
            if (occurrence_id, start, rest) == (row.occurrence_id, row.meeting_start_at, before):
                continue  # nothing this row cares about changed
            if await self._store.replan(
                row.id,
                occurrence_id=occurrence_id,
                meeting_start_at=start,
                due_at=due_at,
                later_occurrences=rest,
            ):
                changed += 1
        return changed

    async def meeting_cancelled(self, meeting_id: int) -> int:
        return await self._store.cancel_for_meeting(meeting_id)

    async def occurrences_cancelled(self, meeting_id: int, starts: set[datetime], *, now: datetime) -> int:
        """Some occurrences were deleted (Zoom's webhook names them by start): reminders for them
        move on to the next occurrence; a one-off row at such a start is cancelled."""
        rows = await self._store.pending_for_meeting(meeting_id)
        one_offs = [row.id for row in rows if row.occurrence_id is None and row.meeting_start_at in starts]
        cancelled = await self._store.cancel_pending(one_offs)
        return cancelled + await self._replan_series(
            meeting_id, lambda series: [pair for pair in series if pair[1] not in starts], now
        )

    async def owner_unlinked(self, team_id: str, user_id: str) -> int:
        """Without the owner's Zoom link the reminders can no longer follow their meetings: cancel them."""
        return await self._store.cancel_for_owner(team_id, user_id)

    async def owner_removed(self, team_id: str, user_id: str) -> list[int]:
        """Deauthorization: delete the owner's reminders outright; returns their meeting ids."""
        return await self._store.delete_for_owner(team_id, user_id)
