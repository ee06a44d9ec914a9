"""Zoom webhook deliveries: signatures and event bodies shaped like Zoom's webhook documents.

Signature (Zoom's scheme): ``x-zm-signature = "v0=" + hex(HMAC_SHA256(secret_token,
"v0:{timestamp}:{raw body}"))`` with ``x-zm-request-timestamp = timestamp`` (seconds).
URL validation reply: ``encryptedToken = hex(HMAC_SHA256(secret_token, plainToken))``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any

from bot.sandbox.zoom_simulator.model import SimMeeting, SimRecording, SimUser, zoom_time

EVENTS = (
    "endpoint.url_validation",
    "meeting.updated",
    "meeting.deleted",
    "meeting.ended",
    "recording.completed",
    "app_deauthorized",
)


def sign_webhook(secret_token: str, body: bytes, timestamp: int) -> dict[str, str]:
    message = b"v0:" + str(timestamp).encode() + b":" + body
    digest = hmac.new(secret_token.encode(), message, hashlib.sha256).hexdigest()
    return {"x-zm-signature": f"v0={digest}", "x-zm-request-timestamp": str(timestamp)}


def encrypted_token(secret_token: str, plain_token: str) -> str:
    """What a correct answer to ``endpoint.url_validation`` carries as ``encryptedToken``."""
    return hmac.new(secret_token.encode(), plain_token.encode(), hashlib.sha256).hexdigest()


def _ms(now: datetime) -> int:
    return int(now.timestamp() * 1000)


def url_validation(now: datetime, plain_token: str | None = None) -> dict[str, Any]:
    return {
        "event": "endpoint.url_validation",
        "payload": {"plainToken": plain_token or secrets.token_urlsafe(16)},
        "event_ts": _ms(now),
    }


def meeting_updated(
    meeting: SimMeeting,
    operator: SimUser,
    old_values: dict[str, Any],
    now: datetime,
    occurrence_id: str | None = None,
) -> dict[str, Any]:
    """``old_values``: the fields that changed, with their previous values.

    With ``occurrence_id`` the change was to that occurrence of a series only: Zoom then
    names it in ``occurrences`` (new start in ``object``, old one in ``old_object``).
    """
    if occurrence_id is not None:
        occurrence = next(o for o in meeting.occurrences if o.occurrence_id == occurrence_id)
        new = {"occurrence_id": occurrence_id, "start_time": zoom_time(occurrence.start_time)}
        old = {"occurrence_id": occurrence_id, **old_values}
        return _updated(meeting, operator, now, {"occurrences": [new]}, {"occurrences": [old]})
    current = {
        "topic": meeting.topic,
        "start_time": zoom_time(meeting.start_time),
        "duration": meeting.duration,
        "timezone": meeting.timezone,
        "agenda": meeting.agenda,
        "type": meeting.type,
    }
    changed = {k: current[k] for k in old_values if k in current}
    return _updated(meeting, operator, now, changed, old_values)


def _updated(
    meeting: SimMeeting, operator: SimUser, now: datetime, changed: dict[str, Any], old: dict[str, Any]
) -> dict[str, Any]:
    return {
        "event": "meeting.updated",
        "event_ts": _ms(now),
        "payload": {
            "account_id": meeting.account_id,
            "operator": operator.email,
            "operator_id": operator.id,
            "scope": "single",
            "object": {"id": meeting.id, "uuid": meeting.uuid, **changed},
            "old_object": {"id": meeting.id, "uuid": meeting.uuid, **old},
            "time_stamp": _ms(now),
        },
    }


def meeting_deleted(meeting: SimMeeting, operator: SimUser, now: datetime) -> dict[str, Any]:
    return {
        "event": "meeting.deleted",
        "event_ts": _ms(now),
        "payload": {
            "account_id": meeting.account_id,
            "operator": operator.email,
            "operator_id": operator.id,
            "operation": "single",
            "object": {
                "uuid": meeting.uuid,
                "id": meeting.id,
                "host_id": meeting.host_id,
                "topic": meeting.topic,
                "type": meeting.type,
                "start_time": zoom_time(meeting.start_time),
                "duration": meeting.duration,
                "timezone": meeting.timezone,
            },
        },
    }


def meeting_ended(meeting: SimMeeting, now: datetime) -> dict[str, Any]:
    return {
        "event": "meeting.ended",
        "event_ts": _ms(now),
        "payload": {
            "account_id": meeting.account_id,
            "object": {
                "id": str(meeting.id),  # the webhook document types this id as a string
                "uuid": meeting.uuid,
                "host_id": meeting.host_id,
                "topic": meeting.topic,
                "type": meeting.type,
                "start_time": zoom_time(meeting.start_time),
                "timezone": meeting.timezone,
                "duration": meeting.duration,
                "end_time": zoom_time(now),
            },
        },
    }


def recording_completed(recording: SimRecording, host: SimUser, now: datetime) -> dict[str, Any]:
    files = [{**f, "file_size": int(f["file_size"])} for f in recording.files]
    return {
        "event": "recording.completed",
        "event_ts": _ms(now),
        "download_token": "simdl_" + secrets.token_urlsafe(24),
        "payload": {
            "account_id": recording.account_id,
            "object": {
                "id": recording.meeting_id,
                "uuid": recording.uuid,
                "host_id": recording.host_id,
                "account_id": recording.account_id,
                "topic": recording.topic,
                "type": 2,
                "start_time": zoom_time(recording.start_time),
                "password": "",
                "host_email": host.email,
                "duration": recording.duration,
                "share_url": recording.share_url,
                "total_size": sum(int(f["file_size"]) for f in files),
                "recording_count": len(files),
                "recording_files": files,
            },
        },
    }


def app_deauthorized(user: SimUser, client_id: str, now: datetime) -> dict[str, Any]:
    return {
        "event": "app_deauthorized",
        "event_ts": _ms(now),
        "payload": {
            "user_id": user.id,
            "account_id": user.account_id,
            "client_id": client_id,
            "deauthorization_time": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
            "signature": secrets.token_hex(32),
            "event_ts": _ms(now),
        },
    }
