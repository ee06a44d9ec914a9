"""What the builders need to know about Zoom objects, as read-only Protocols.

The attribute names match ``bot.zoom.models`` (``Meeting``, ``ZoomUser``, ``Recording``)
so those fit without adapters; tests can pass small dataclasses.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol


class OccurrenceLike(Protocol):
    @property
    def occurrence_id(self) -> str | int: ...
    @property
    def start_time(self) -> datetime | None: ...
    @property
    def duration(self) -> int | None: ...
    @property
    def status(self) -> str | None: ...


class MeetingLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def topic(self) -> str: ...
    @property
    def type(self) -> int: ...  # 1 instant, 2 scheduled, 3 recurring without time, 8 recurring
    @property
    def start_time(self) -> datetime | None: ...  # aware, UTC
    @property
    def duration(self) -> int | None: ...
    @property
    def timezone(self) -> str | None: ...
    @property
    def join_url(self) -> str: ...
    @property
    def start_url(self) -> str | None: ...  # a host credential: only ever shown to the host
    @property
    def agenda(self) -> str | None: ...
    @property
    def status(self) -> Any: ...
    @property
    def occurrences(self) -> Sequence[OccurrenceLike]: ...


class ZoomUserLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def email(self) -> str: ...
    @property
    def first_name(self) -> str | None: ...
    @property
    def last_name(self) -> str | None: ...
    @property
    def type(self) -> int: ...  # 1 basic, 2 licensed, 4 unassigned without meetings basic, 99 none
    @property
    def timezone(self) -> str | None: ...
    @property
    def pmi(self) -> int | str | None: ...


class RecordingLike(Protocol):
    @property
    def uuid(self) -> str: ...
    @property
    def topic(self) -> str: ...
    @property
    def start_time(self) -> datetime | None: ...
    @property
    def share_url(self) -> str | None: ...
    @property
    def total_size(self) -> int | None: ...  # bytes
    @property
    def files(self) -> Sequence[Any]: ...


class ReminderLike(Protocol):
    """A reminder as the reminders service hands it out (``bot.store.models.Reminder`` names
    these ``zoom_meeting_id``, ``meeting_topic`` and ``due_at``)."""

    @property
    def id(self) -> int: ...
    @property
    def meeting_id(self) -> int: ...
    @property
    def topic(self) -> str: ...
    @property
    def channel_id(self) -> str: ...
    @property
    def minutes_before(self) -> int: ...
    @property
    def fire_at(self) -> datetime: ...  # when the reminder posts (aware)
    @property
    def repeats(self) -> bool: ...  # re-armed before each occurrence of a recurring meeting


class DelegateLike(Protocol):
    """One entry of Zoom's ``schedulers`` / ``assistants`` list."""

    @property
    def email(self) -> str: ...
