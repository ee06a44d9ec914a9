"""Small typed views of Zoom's JSON: users, meetings, recordings, pages, token sets.

Parsing is lenient about fields Zoom may leave out and strict about the ones the bot
depends on (ids, times). Host credentials (``start_url``) and tokens are kept out of
``repr`` so a stray log line or assertion message cannot leak them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import IntEnum
from typing import Any, Generic, TypeVar

T = TypeVar("T")

# Appended to the agenda of meetings we create, so a create whose response was lost can
# be found again (see ``client.py``). Stripped again when a meeting is parsed.
REF_MARKER = re.compile(r"\s*\(zoombot ref [0-9a-f]{12}\)\s*$")


def ref_marker(ref: str) -> str:
    return f"(zoombot ref {ref})"


def parse_time(value: Any) -> datetime | None:
    """Zoom instants (``2024-05-01T10:00:00Z``) as aware UTC datetimes; ``None`` if absent."""
    if not isinstance(value, str) or not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:  # Zoom documents responses as UTC
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def zoom_time(instant: datetime) -> str:
    """An aware datetime in Zoom's UTC wire format."""
    if instant.tzinfo is None:
        raise ValueError("Zoom times must be timezone-aware")
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _str(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def _int(data: Mapping[str, Any], key: str, default: int = 0) -> int:
    value = data.get(key)
    if value is None or value == "":
        return default
    return int(value)


class MeetingType(IntEnum):
    INSTANT = 1
    SCHEDULED = 2
    RECURRING_NO_FIXED_TIME = 3
    RECURRING = 8
    SCREEN_SHARE_ONLY = 10


@dataclass(frozen=True)
class ZoomUser:
    id: str
    email: str
    first_name: str
    last_name: str
    display_name: str
    type: int  # 1 basic, 2 licensed, 4 unassigned without Meetings basic, 99 none
    timezone: str
    pmi: int | None
    account_id: str
    role_name: str
    status: str
    personal_meeting_url: str

    @classmethod
    def from_zoom(cls, data: Mapping[str, Any]) -> ZoomUser:
        first, last = _str(data, "first_name"), _str(data, "last_name")
        return cls(
            id=_str(data, "id"),
            email=_str(data, "email"),
            first_name=first,
            last_name=last,
            display_name=_str(data, "display_name") or f"{first} {last}".strip(),
            type=_int(data, "type", 1),
            timezone=_str(data, "timezone"),
            pmi=_int(data, "pmi") or None,
            account_id=_str(data, "account_id"),
            role_name=_str(data, "role_name"),
            status=_str(data, "status") or "active",
            personal_meeting_url=_str(data, "personal_meeting_url"),
        )


@dataclass(frozen=True)
class Delegate:
    """One side of a scheduling privilege: an entry of a ``schedulers`` or ``assistants`` list."""

    id: str
    email: str

    @classmethod
    def from_zoom(cls, data: Mapping[str, Any]) -> Delegate:
        return cls(id=_str(data, "id"), email=_str(data, "email"))


@dataclass(frozen=True)
class Occurrence:
    occurrence_id: str
    start_time: datetime | None
    duration: int
    status: str

    @classmethod
    def from_zoom(cls, data: Mapping[str, Any]) -> Occurrence:
        return cls(
            occurrence_id=_str(data, "occurrence_id"),
            start_time=parse_time(data.get("start_time")),
            duration=_int(data, "duration"),
            status=_str(data, "status") or "available",
        )


@dataclass(frozen=True)
class Meeting:
    id: int
    topic: str
    type: int
    start_time: datetime | None  # aware UTC; None for types without a fixed time
    duration: int
    timezone: str
    join_url: str
    agenda: str
    status: str  # waiting | started (absent in list items: "")
    host_id: str = ""
    host_email: str = ""
    uuid: str = ""
    password: str = field(default="", repr=False)
    # A host credential: whoever has it starts the meeting as the host.
    start_url: str | None = field(default=None, repr=False)
    occurrences: tuple[Occurrence, ...] = ()
    recurrence: Recurrence | None = None  # type 8, from GET /meetings/{id} (list items have none)

    @classmethod
    def from_zoom(cls, data: Mapping[str, Any]) -> Meeting:
        return cls(
            id=int(data["id"]),
            topic=_str(data, "topic"),
            type=_int(data, "type", int(MeetingType.SCHEDULED)),
            start_time=parse_time(data.get("start_time")),
            duration=_int(data, "duration"),
            timezone=_str(data, "timezone"),
            join_url=_str(data, "join_url"),
            agenda=REF_MARKER.sub("", _str(data, "agenda")),
            status=_str(data, "status"),
            host_id=_str(data, "host_id"),
            host_email=_str(data, "host_email"),
            uuid=_str(data, "uuid"),
            password=_str(data, "password"),
            start_url=data.get("start_url") or None,
            occurrences=tuple(Occurrence.from_zoom(o) for o in data.get("occurrences") or ()),
            recurrence=Recurrence.from_zoom(data.get("recurrence")),
        )

    def upcoming_occurrences(self, after: datetime) -> list[Occurrence]:
        """The occurrences not deleted that start after ``after``, soonest first."""
        live = [
            o
            for o in self.occurrences
            if o.start_time is not None and o.status.lower() != "deleted" and o.start_time > after
        ]
        return sorted(live, key=lambda o: o.start_time or after)


@dataclass(frozen=True)
class RecordingFile:
    id: str
    file_type: str
    file_size: int
    recording_type: str
    status: str
    play_url: str
    # Zoom's download links work with the bearer token appended; keep them out of logs.
    download_url: str = field(repr=False, default="")

    @classmethod
    def from_zoom(cls, data: Mapping[str, Any]) -> RecordingFile:
        return cls(
            id=_str(data, "id"),
            file_type=_str(data, "file_type"),
            file_size=_int(data, "file_size"),
            recording_type=_str(data, "recording_type"),
            status=_str(data, "status"),
            play_url=_str(data, "play_url"),
            download_url=_str(data, "download_url"),
        )


@dataclass(frozen=True)
class Recording:
    uuid: str
    meeting_id: int
    topic: str
    start_time: datetime | None
    duration: int
    share_url: str
    total_size: int
    files: tuple[RecordingFile, ...]

    @classmethod
    def from_zoom(cls, data: Mapping[str, Any]) -> Recording:
        return cls(
            uuid=_str(data, "uuid"),
            meeting_id=int(data["id"]),
            topic=_str(data, "topic"),
            start_time=parse_time(data.get("start_time")),
            duration=_int(data, "duration"),
            share_url=_str(data, "share_url"),
            total_size=_int(data, "total_size"),
            files=tuple(RecordingFile.from_zoom(f) for f in data.get("recording_files") or ()),
        )


@dataclass(frozen=True)
class MeetingSummary:
    """An AI Companion summary (``GET /meetings/{meetingUUID}/meeting_summary`` or the
    ``meeting.summary_completed`` webhook, which carry the same fields).

    ``content`` is Markdown: Zoom's unified ``summary_content`` when given, else the
    deprecated overview / details / next steps put together.
    """

    meeting_id: int
    meeting_uuid: str
    topic: str
    title: str
    content: str
    doc_url: str | None

    @classmethod
    def from_zoom(cls, data: Mapping[str, Any]) -> MeetingSummary:
        content = _str(data, "summary_content").strip()
        if not content:
            parts = []
            if overview := _str(data, "summary_overview").strip():
                parts.append(overview)
            for detail in data.get("summary_details") or []:
                if isinstance(detail, Mapping) and (text := _str(detail, "summary").strip()):
                    label = _str(detail, "label").strip()
                    parts.append(f"## {label}\n{text}" if label else text)
            steps = [str(step).strip() for step in data.get("next_steps") or [] if str(step).strip()]
            if steps:
                parts.append("## Next steps\n" + "\n".join(f"- {step}" for step in steps))
            content = "\n\n".join(parts)
        return cls(
            meeting_id=_int(data, "meeting_id"),
            meeting_uuid=_str(data, "meeting_uuid"),
            topic=_str(data, "meeting_topic"),
            title=_str(data, "summary_title"),
            content=content,
            doc_url=_str(data, "summary_doc_url") or None,
        )


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a token-paged list."""

    items: Sequence[T]
    next_page_token: str
    total_records: int | None

    @property
    def is_last(self) -> bool:
        return not self.next_page_token


@dataclass(frozen=True)
class Recurrence:
    """A fixed-time recurrence (meeting type 8), as Zoom's ``recurrence`` object."""

    type: int  # 1 daily, 2 weekly, 3 monthly
    repeat_interval: int = 1
    weekly_days: str | None = None  # "2,4" = Monday, Wednesday (1 = Sunday)
    monthly_day: int | None = None
    monthly_week: int | None = None  # 1–4, or -1 for the last: with monthly_week_day, "the first Friday"
    monthly_week_day: int | None = None  # 1 = Sunday … 7 = Saturday
    end_times: int | None = None
    end_date_time: datetime | None = None

    def __post_init__(self) -> None:
        if self.type not in (1, 2, 3):
            raise ValueError("recurrence type must be 1 (daily), 2 (weekly) or 3 (monthly)")
        if self.repeat_interval < 1:
            raise ValueError("repeat_interval must be at least 1")
        if self.end_times is not None and not 1 <= self.end_times <= 60:
            raise ValueError("end_times must be between 1 and 60")

    @classmethod
    def from_zoom(cls, data: Any) -> Recurrence | None:
        """Zoom's ``recurrence`` object; None when absent or not one we can read."""
        if not isinstance(data, Mapping):
            return None
        try:
            end_times = _int(data, "end_times") or None
            return cls(
                type=_int(data, "type"),
                repeat_interval=_int(data, "repeat_interval", 1),
                weekly_days=_str(data, "weekly_days") or None,
                monthly_day=_int(data, "monthly_day") or None,
                monthly_week=_int(data, "monthly_week") or None,
                monthly_week_day=_int(data, "monthly_week_day") or None,
                end_times=end_times if end_times is not None and end_times <= 60 else None,
                end_date_time=parse_time(data.get("end_date_time")),
            )
        except (TypeError, ValueError):
            return None

    def to_zoom(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": self.type, "repeat_interval": self.repeat_interval}
        if self.weekly_days is not None:
            body["weekly_days"] = self.weekly_days
        if self.monthly_day is not None:
            body["monthly_day"] = self.monthly_day
        if self.monthly_week is not None and self.monthly_week_day is not None:
            body["monthly_week"] = self.monthly_week
            body["monthly_week_day"] = self.monthly_week_day
        if self.end_date_time is not None:
            body["end_date_time"] = zoom_time(self.end_date_time)
        elif self.end_times is not None:
            body["end_times"] = self.end_times
        return body


@dataclass(frozen=True)
class TokenSet:
    """What Zoom's token endpoint answered. Tokens never appear in ``repr``."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)  # None for server-to-server tokens
    expires_at: datetime
    scopes: tuple[str, ...]
    api_url: str | None = None


def date_windows(start: date, end: date) -> list[tuple[date, date]]:
    """Split ``start..end`` (inclusive) into windows Zoom accepts: at most one month each.

    Each window ends the day before the same day-of-month next month, so no window
    spans more than a calendar month whatever the month lengths.
    """
    if end < start:
        raise ValueError("end is before start")
    windows: list[tuple[date, date]] = []
    cursor = start
    while cursor <= end:
        stop = min(_add_month(cursor) - timedelta(days=1), end)
        windows.append((cursor, stop))
        cursor = stop + timedelta(days=1)
    return windows


def _add_month(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")
