"""Meeting rules: input validation, start times, recurrence, and the JSON shapes Zoom returns."""

from __future__ import annotations

import base64
import calendar
import random
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.sandbox.zoom_simulator.model import Occurrence, SimMeeting, SimUser, zoom_time
from bot.sandbox.zoom_simulator.responses import ZoomRefusal, validation_failed

MEETING_TYPES = {1, 2, 3, 8}
MAX_OCCURRENCES = 60
MAX_INTERVAL = {1: 99, 2: 50, 3: 10}  # repeat_interval limits: daily, weekly, monthly
WEEKLY_DAYS = re.compile(r"[1-7](,[1-7])*")  # 1 = Sunday … 7 = Saturday
# PATCH ?occurrence_id= changes only these (Zoom: "agenda, start_time, duration, or settings").
OCCURRENCE_FIELDS = {"agenda", "start_time", "duration", "settings"}
# Zoom keeps a one-time scheduled meeting id alive 30 days after its date.
SCHEDULED_ID_LIFETIME = timedelta(days=30)

_START_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$")
_SETTING_ENUMS: dict[str, set[Any]] = {
    "approval_type": {0, 1, 2},
    "auto_recording": {"local", "cloud", "none"},
    "audio": {"both", "telephony", "voip", "thirdParty"},
    "jbh_time": {0, 5, 10, 15},
}
DEFAULT_SETTINGS: dict[str, Any] = {
    "host_video": False,
    "participant_video": False,
    "join_before_host": False,
    "jbh_time": 0,
    "mute_upon_entry": False,
    "waiting_room": False,
    "approval_type": 2,
    "audio": "both",
    "auto_recording": "none",
    "use_pmi": False,
    "email_notification": True,
    "alternative_hosts": "",
    "meeting_authentication": False,
}


def _invalid(field: str) -> dict[str, str]:
    return {"field": field, "message": "Invalid field."}


def zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_start_time(value: str, timezone: str) -> datetime | None:
    """UTC (``...Z`` or an offset) as given; a local wall time is read in ``timezone``."""
    if not _START_TIME.match(value):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        tz = zone(timezone)
        if tz is None:
            return None
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(UTC).replace(microsecond=0)


def validate_body(body: dict[str, Any]) -> list[dict[str, str]]:
    """Field checks Zoom answers with 300 "Validation Failed."; returns the ``errors`` list."""
    errors: list[dict[str, str]] = []
    if "type" in body and (isinstance(body["type"], bool) or body["type"] not in MEETING_TYPES):
        errors.append(_invalid("type"))
    for name, limit in (("topic", 200), ("agenda", 2000), ("password", 10)):
        if name in body and (not isinstance(body[name], str) or len(body[name]) > limit):
            errors.append(_invalid(name))
    if "duration" in body:
        duration = body["duration"]
        if isinstance(duration, bool) or not isinstance(duration, int) or not 1 <= duration <= 1440:
            errors.append(_invalid("duration"))
    if "timezone" in body and (not isinstance(body["timezone"], str) or zone(body["timezone"]) is None):
        errors.append(_invalid("timezone"))
    if "start_time" in body and not isinstance(body["start_time"], str):
        errors.append(_invalid("start_time"))
    if "settings" in body:
        settings = body["settings"]
        if not isinstance(settings, dict):
            errors.append(_invalid("settings"))
        else:
            for key, allowed in _SETTING_ENUMS.items():
                if key in settings and settings[key] not in allowed:
                    errors.append(_invalid(f"settings.{key}"))
    if "recurrence" in body:
        errors.extend(_recurrence_errors(body["recurrence"]))
    if "schedule_for" in body and not isinstance(body["schedule_for"], str):
        errors.append(_invalid("schedule_for"))
    return errors


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _recurrence_errors(recurrence: Any) -> list[dict[str, str]]:
    if not isinstance(recurrence, dict):
        return [_invalid("recurrence")]
    errors = []
    kind = recurrence.get("type")
    if kind not in (1, 2, 3) or not _is_int(kind):
        errors.append(_invalid("recurrence.type"))
    interval = recurrence.get("repeat_interval", 1)
    # Zoom: at most every 99 days, 50 weeks or 10 months.
    if not _is_int(interval) or not 1 <= interval <= MAX_INTERVAL.get(
        kind if isinstance(kind, int) else 1, 99
    ):
        errors.append(_invalid("recurrence.repeat_interval"))
    end_times = recurrence.get("end_times", 1)
    if not _is_int(end_times) or not 1 <= end_times <= MAX_OCCURRENCES:
        errors.append(_invalid("recurrence.end_times"))
    if "end_times" in recurrence and "end_date_time" in recurrence:
        errors.append(_invalid("recurrence.end_date_time"))  # "Cannot be used with end_times."
    if kind == 2:
        days = recurrence.get("weekly_days")
        if not isinstance(days, str) or not WEEKLY_DAYS.fullmatch(days):
            errors.append(_invalid("recurrence.weekly_days"))
    if kind == 3:
        day = recurrence.get("monthly_day", 1)
        by_week = "monthly_week" in recurrence or "monthly_week_day" in recurrence
        if by_week and (
            recurrence.get("monthly_week") not in (-1, 1, 2, 3, 4)
            or recurrence.get("monthly_week_day") not in range(1, 8)
        ):
            errors.append(_invalid("recurrence.monthly_week"))
        elif not by_week and (not _is_int(day) or not 1 <= day <= 31):
            errors.append(_invalid("recurrence.monthly_day"))
    if "end_date_time" in recurrence and parse_start_time(str(recurrence["end_date_time"]), "UTC") is None:
        errors.append(_invalid("recurrence.end_date_time"))
    return errors


def resolve_start(body: dict[str, Any], timezone: str, now: datetime) -> datetime:
    """The meeting's start: as given, or now when missing or in the past (Zoom's rule on create)."""
    raw = body.get("start_time")
    if raw is None or raw == "":
        return now.replace(microsecond=0)
    start = parse_start_time(raw, timezone)
    if start is None:
        raise validation_failed([_invalid("start_time")])
    return max(start, now.replace(microsecond=0))


def occurrences(
    start: datetime, duration: int, timezone: str, recurrence: dict[str, Any]
) -> list[Occurrence]:
    """Expand a fixed-time recurrence (type 8) in the meeting's own time zone (DST-correct)."""
    tz = zone(timezone) or ZoneInfo("UTC")
    local_start = start.astimezone(tz)
    interval = int(recurrence.get("repeat_interval", 1))
    limit = int(recurrence.get("end_times", 1)) if "end_date_time" not in recurrence else MAX_OCCURRENCES
    until = (
        parse_start_time(str(recurrence["end_date_time"]), "UTC") if "end_date_time" in recurrence else None
    )
    found: list[datetime] = []
    for local in _candidates(local_start, recurrence, interval):
        if len(found) >= limit or (until is not None and local.astimezone(UTC) > until):
            break
        found.append(local)
    return [
        Occurrence(
            occurrence_id=str(int(local.astimezone(UTC).timestamp() * 1000)),
            start_time=local.astimezone(UTC),
            duration=duration,
        )
        for local in found
    ]


def _candidates(local_start: datetime, recurrence: dict[str, Any], interval: int) -> list[datetime]:
    """Up to a few hundred local start times in order, never before the first start."""
    tz = local_start.tzinfo
    wall = local_start.time()
    out: list[datetime] = []

    def at(day: date) -> datetime:
        return datetime.combine(day, wall, tzinfo=tz)

    kind = recurrence.get("type")
    if kind == 1:
        out = [at(local_start.date() + timedelta(days=interval * k)) for k in range(MAX_OCCURRENCES * 6)]
    elif kind == 2:
        # weekly_days: 1 = Sunday ... 7 = Saturday; weeks start on Sunday.
        days = sorted({int(d) for d in str(recurrence.get("weekly_days", "1")).split(",")})
        week_start = local_start.date() - timedelta(days=(local_start.weekday() + 1) % 7)
        for k in range(MAX_OCCURRENCES * 6):
            base = week_start + timedelta(weeks=interval * k)
            out.extend(at(base + timedelta(days=d - 1)) for d in days)
    elif kind == 3:
        for k in range(MAX_OCCURRENCES * 6):
            month_index = local_start.month - 1 + interval * k
            year, month = local_start.year + month_index // 12, month_index % 12 + 1
            day = _monthly_day(year, month, recurrence, local_start.day)
            if day is not None:
                out.append(at(date(year, month, day)))
    return [c for c in out if c >= local_start]


def _monthly_day(year: int, month: int, recurrence: dict[str, Any], default_day: int) -> int | None:
    last = calendar.monthrange(year, month)[1]
    if "monthly_week" in recurrence and "monthly_week_day" in recurrence:
        week, weekday = int(recurrence["monthly_week"]), int(recurrence["monthly_week_day"])
        py_weekday = (weekday - 2) % 7  # Zoom 1=Sunday -> Python 6
        days = [d for d in range(1, last + 1) if date(year, month, d).weekday() == py_weekday]
        return days[-1] if week == -1 else (days[week - 1] if week <= len(days) else None)
    day = int(recurrence.get("monthly_day", default_day))
    return day if day <= last else None


def new_meeting_id(rng: random.Random, taken: set[int]) -> int:
    while True:
        candidate = rng.randint(8_000_000_000, 99_999_999_999)  # 10 or 11 digits, like Zoom's
        if candidate not in taken:
            return candidate


def new_uuid(rng: random.Random) -> str:
    return base64.b64encode(rng.randbytes(16)).decode()


def build_meeting(
    *,
    body: dict[str, Any],
    host: SimUser,
    assistant: SimUser | None,
    meeting_id: int,
    rng: random.Random,
    origin_host: str,
    now: datetime,
) -> SimMeeting:
    meeting_type = int(body.get("type", 2))
    timezone = body.get("timezone") or host.timezone
    if meeting_type == 8 and "recurrence" not in body:
        raise validation_failed([_invalid("recurrence")])
    start = now.replace(microsecond=0) if meeting_type == 1 else resolve_start(body, timezone, now)
    duration = int(body.get("duration", 60))
    password = body.get("password") or "".join(
        rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(6)
    )
    encrypted = base64.urlsafe_b64encode(rng.randbytes(24)).decode().rstrip("=")
    origin = f"https://{origin_host}"
    meeting = SimMeeting(
        id=meeting_id,
        uuid=new_uuid(rng),
        host_id=host.id,
        host_email=host.email,
        account_id=host.account_id,
        type=meeting_type,
        topic=body.get("topic", "Zoom meeting"),
        agenda=body.get("agenda", ""),
        start_time=start,
        duration=duration,
        timezone=timezone,
        password=password,
        created_at=now.replace(microsecond=0),
        join_url=f"{origin}/j/{meeting_id}?pwd={encrypted}",
        origin=origin,
        assistant_id=assistant.id if assistant else None,
        settings={**DEFAULT_SETTINGS, **body.get("settings", {})},
    )
    meeting.settings["encrypted_password"] = encrypted
    if meeting_type == 8:
        meeting.recurrence = dict(body["recurrence"])
        meeting.occurrences = occurrences(start, duration, timezone, meeting.recurrence)
        if meeting.occurrences:
            meeting.start_time = meeting.occurrences[0].start_time
    return meeting


def apply_update(meeting: SimMeeting, body: dict[str, Any], now: datetime) -> None:
    """PATCH semantics: only the given fields change; a new start must be in the future."""
    if "timezone" in body:
        meeting.timezone = body["timezone"]
    if "start_time" in body:
        start = parse_start_time(body["start_time"], meeting.timezone)
        if start is None or start < now.replace(microsecond=0):
            raise validation_failed([_invalid("start_time")])
        meeting.start_time = start
    for name in ("topic", "agenda", "duration", "password"):
        if name in body:
            setattr(meeting, name, body[name])
    if "type" in body:
        meeting.type = int(body["type"])
    if "settings" in body:
        meeting.settings.update(body["settings"])
    if "recurrence" in body:
        meeting.recurrence = dict(body["recurrence"])
    if meeting.type == 8 and meeting.recurrence is not None:
        meeting.occurrences = occurrences(
            meeting.start_time, meeting.duration, meeting.timezone, meeting.recurrence
        )
    elif meeting.type != 8:
        meeting.recurrence, meeting.occurrences = None, []


def apply_occurrence_update(
    meeting: SimMeeting, occurrence_id: str, body: dict[str, Any], now: datetime
) -> None:
    """PATCH ?occurrence_id=: one occurrence moves or changes length; the series stays."""
    occurrence = find_occurrence(meeting, occurrence_id)
    unsupported = sorted(set(body) - OCCURRENCE_FIELDS)
    if unsupported:
        raise validation_failed([_invalid(name) for name in unsupported])
    if "start_time" in body:
        start = parse_start_time(body["start_time"], body.get("timezone") or meeting.timezone)
        if start is None or start < now.replace(microsecond=0):
            raise validation_failed([_invalid("start_time")])
        occurrence.start_time = start
    if "duration" in body:
        occurrence.duration = int(body["duration"])
    meeting.occurrences.sort(key=lambda o: o.start_time)


def find_occurrence(meeting: SimMeeting, occurrence_id: str) -> Occurrence:
    for occurrence in meeting.occurrences:
        if occurrence.occurrence_id == occurrence_id and occurrence.status == "available":
            return occurrence
    raise ZoomRefusal(400, 300, "Invalid parameter: occurrence_id")


def is_expired(meeting: SimMeeting, now: datetime, *, count_deleted: bool = True) -> bool:
    """Instant ids die when the meeting ends; one-time scheduled ids 30 days after their date."""
    if meeting.deleted and count_deleted:
        return True
    if meeting.type == 1:
        return meeting.ended
    if meeting.type == 2:
        return now > meeting.end_time() + SCHEDULED_ID_LIFETIME
    return False


def next_start(meeting: SimMeeting, now: datetime) -> datetime | None:
    """The next (or current) start of a meeting that has not finished yet."""
    if meeting.occurrences:
        for occ in meeting.occurrences:
            if occ.status == "available" and occ.start_time + timedelta(minutes=occ.duration) > now:
                return occ.start_time
        return None
    if meeting.start_time + timedelta(minutes=meeting.duration) > now:
        return meeting.start_time
    return None


def full_body(
    meeting: SimMeeting,
    start_url: str,
    *,
    now: datetime | None = None,
    occurrence: Occurrence | None = None,
) -> dict[str, Any]:
    """POST /users/{userId}/meetings (201) and GET /meetings/{meetingId} (200).

    With ``now``, occurrences that have ended are left out (GET without
    ``show_previous_occurrences``); with ``occurrence``, the times are that occurrence's
    (GET ``?occurrence_id=``).
    """
    settings = {k: v for k, v in meeting.settings.items() if k != "encrypted_password"}
    body: dict[str, Any] = {
        "uuid": meeting.uuid,
        "id": meeting.id,
        "host_id": meeting.host_id,
        "host_email": meeting.host_email,
        "topic": meeting.topic,
        "type": meeting.type,
        "status": meeting.status,
        "start_time": zoom_time(occurrence.start_time if occurrence else meeting.start_time),
        "duration": occurrence.duration if occurrence else meeting.duration,
        "timezone": meeting.timezone,
        "agenda": meeting.agenda,
        "created_at": zoom_time(meeting.created_at),
        "start_url": start_url,
        "join_url": meeting.join_url,
        "password": meeting.password,
        "h323_password": meeting.password,
        "pstn_password": meeting.password,
        "encrypted_password": meeting.settings["encrypted_password"],
        "pre_schedule": False,
        "creation_source": "open_api",
        "settings": settings,
    }
    if meeting.assistant_id:
        body["assistant_id"] = meeting.assistant_id
    if meeting.recurrence is not None:
        body["recurrence"] = meeting.recurrence
        body["occurrences"] = [
            {
                "occurrence_id": o.occurrence_id,
                "start_time": zoom_time(o.start_time),
                "duration": o.duration,
                "status": o.status,
            }
            for o in meeting.occurrences
            if now is None or o.start_time + timedelta(minutes=o.duration) > now
        ]
    return body


def list_item(meeting: SimMeeting, start: datetime) -> dict[str, Any]:
    """One element of GET /users/{userId}/meetings ``meetings``."""
    return {
        "uuid": meeting.uuid,
        "id": meeting.id,
        "host_id": meeting.host_id,
        "topic": meeting.topic,
        "type": meeting.type,
        "start_time": zoom_time(start),
        "duration": meeting.duration,
        "timezone": meeting.timezone,
        "agenda": meeting.agenda,
        "created_at": zoom_time(meeting.created_at),
        "join_url": meeting.join_url,
    }


def invitation_text(meeting: SimMeeting, host: SimUser) -> str:
    tz = zone(meeting.timezone) or ZoneInfo("UTC")
    local = meeting.start_time.astimezone(tz)
    digits = str(meeting.id)
    spaced = (
        f"{digits[:3]} {digits[3:7]} {digits[7:]}"
        if len(digits) == 11
        else f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    )
    when = local.strftime("%b %d, %Y %I:%M %p") + f" {meeting.timezone}"
    return (
        f"{host.first_name} {host.last_name} is inviting you to a scheduled Zoom meeting.\r\n\r\n"
        f"Topic: {meeting.topic}\r\nTime: {when}\r\n\r\n"
        f"Join Zoom Meeting\r\n{meeting.join_url}\r\n\r\n"
        f"Meeting ID: {spaced}\r\nPasscode: {meeting.password}\r\n"
    )


def refuse_schedule_for(email: str) -> ZoomRefusal:
    return ZoomRefusal(400, 3000, f"You cannot schedule a meeting for {email}")
