"""What we ask Zoom to create or change: a new meeting, or a PATCH of only the fields given."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.zoom.models import MeetingType, Recurrence, ref_marker, zoom_time


@dataclass(frozen=True)
class MeetingRequest:
    """What to create. ``type`` INSTANT means "starts now" (see ``client.py`` for how it is sent)."""

    topic: str
    type: MeetingType = MeetingType.SCHEDULED
    start_time: datetime | None = None  # aware; required for SCHEDULED and RECURRING
    duration: int = 60
    timezone: str | None = None
    agenda: str = ""
    recurrence: Recurrence | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    schedule_for: str | None = None  # another user's id or e-mail (needs scheduling privilege)

    def __post_init__(self) -> None:
        if not self.topic.strip() or len(self.topic) > 200:
            raise ValueError("topic must be 1-200 characters")
        if len(self.agenda) > 1900:  # Zoom allows 2000; we keep room for the ref marker
            raise ValueError("agenda must be at most 1900 characters")
        if not 1 <= self.duration <= 1440:
            raise ValueError("duration must be 1-1440 minutes")
        if self.type not in (MeetingType.INSTANT, MeetingType.SCHEDULED, MeetingType.RECURRING):
            raise ValueError("only instant, scheduled and recurring (fixed time) meetings are supported")
        if self.type != MeetingType.INSTANT and self.start_time is None:
            raise ValueError("scheduled and recurring meetings need a start_time")
        if self.start_time is not None and self.start_time.tzinfo is None:
            raise ValueError("start_time must be timezone-aware")
        if (self.type == MeetingType.RECURRING) != (self.recurrence is not None):
            raise ValueError("a recurrence is needed for, and only for, recurring meetings")

    def to_zoom(self, ref: str, *, now: datetime) -> dict[str, Any]:
        """The create body, ``ref`` marked in the agenda so a lost create can be found again.
        "Instant" goes out as a scheduled meeting starting ``now`` (see ``client.py``)."""
        wire_type = MeetingType.SCHEDULED if self.type == MeetingType.INSTANT else self.type
        agenda = f"{self.agenda}\n\n{ref_marker(ref)}" if self.agenda else ref_marker(ref)
        body: dict[str, Any] = {
            "topic": self.topic,
            "type": int(wire_type),
            "start_time": zoom_time(self.start_time or now),
            "duration": self.duration,
            "agenda": agenda,
        }
        if self.timezone:
            body["timezone"] = self.timezone
        if self.recurrence is not None:
            body["recurrence"] = self.recurrence.to_zoom()
        if self.settings:
            body["settings"] = dict(self.settings)
        if self.schedule_for:
            body["schedule_for"] = self.schedule_for
        return body


@dataclass(frozen=True)
class MeetingUpdate:
    """A PATCH: only the fields that are not ``None`` change."""

    topic: str | None = None
    start_time: datetime | None = None
    duration: int | None = None
    timezone: str | None = None
    agenda: str | None = None
    settings: Mapping[str, Any] | None = None
    type: MeetingType | None = None  # RECURRING with ``recurrence`` turns a one-off into a series
    recurrence: Recurrence | None = None  # a whole type-8 series: its new rule

    def to_zoom(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if self.topic is not None:
            body["topic"] = self.topic
        if self.start_time is not None:
            body["start_time"] = zoom_time(self.start_time)
        if self.duration is not None:
            if not 1 <= self.duration <= 1440:
                raise ValueError("duration must be 1-1440 minutes")
            body["duration"] = self.duration
        if self.timezone is not None:
            body["timezone"] = self.timezone
        if self.agenda is not None:
            body["agenda"] = self.agenda
        if self.settings is not None:
            body["settings"] = dict(self.settings)
        if self.type is not None:
            body["type"] = int(self.type)
        if self.recurrence is not None:
            body["recurrence"] = self.recurrence.to_zoom()
        if not body:
            raise ValueError("nothing to update")
        return body
