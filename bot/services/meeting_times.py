"""Where a meeting falls in time: its starts, whether it overlaps a window, its place in a list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.zoom.models import Meeting


def occurrence_starts(meeting: Meeting) -> list[datetime]:
    starts = [o.start_time for o in meeting.occurrences if o.start_time is not None]
    if meeting.start_time is not None:
        starts.append(meeting.start_time)
    return starts


def starts_within(meeting: Meeting, start: datetime, end: datetime) -> bool:
    # A meeting already under way still counts as "upcoming" until it is due to end.
    for begins in occurrence_starts(meeting):
        ends = begins + timedelta(minutes=meeting.duration or 60)
        if begins < end and ends > start:
            return True
    return False


def sort_key(meeting: Meeting) -> datetime:
    starts = occurrence_starts(meeting)
    return min(starts) if starts else datetime.max.replace(tzinfo=UTC)  # no fixed time: last
