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

from bot.sandbox.zoom_simulator.model import SimMeeting, SimParticipant, SimRecording, SimUser, zoom_time
from bot.services.zoom_events import SUBSCRIBED_EVENTS

# The simulator sends what the bot subscribes to (one list, the bot's), plus Zoom's URL check.
EVENTS = ("endpoint.url_validation", *SUBSCRIBED_EVENTS)


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


def _instance(meeting: SimMeeting) -> dict[str, Any]:
    """The meeting fields every in-meeting event carries (the webhook documents type ``id`` as a string)."""
    return {
        "id": str(meeting.id),
        "uuid": meeting.uuid,
        "host_id": meeting.host_id,
        "topic": meeting.topic,
        "type": meeting.type,
        "start_time": zoom_time(meeting.started_at or meeting.start_time),
        "timezone": meeting.timezone,
        "duration": meeting.duration,
    }


def meeting_started(meeting: SimMeeting, now: datetime) -> dict[str, Any]:
    return {
        "event": "meeting.started",
        "event_ts": _ms(now),
        "payload": {"account_id": meeting.account_id, "object": _instance(meeting)},
    }


def _participant(person: SimParticipant) -> dict[str, Any]:
    return {
        "user_id": person.user_id,
        "user_name": person.name,
        "id": person.zoom_user_id,
        "participant_uuid": person.participant_uuid,
        "email": person.email,
        "participant_user_id": person.zoom_user_id,
    }


def participant_joined(meeting: SimMeeting, person: SimParticipant, now: datetime) -> dict[str, Any]:
    return {
        "event": "meeting.participant_joined",
        "event_ts": _ms(now),
        "payload": {
            "account_id": meeting.account_id,
            "object": {
                **_instance(meeting),
                "participant": {**_participant(person), "join_time": zoom_time(person.join_time)},
            },
        },
    }


def participant_left(meeting: SimMeeting, person: SimParticipant, now: datetime) -> dict[str, Any]:
    left = person.leave_time or now
    return {
        "event": "meeting.participant_left",
        "event_ts": _ms(now),
        "payload": {
            "account_id": meeting.account_id,
            "object": {
                **_instance(meeting),
                "participant": {
                    **_participant(person),
                    "leave_time": zoom_time(left),
                    "leave_reason": f"{person.name} left the meeting.",
                },
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
                "start_time": zoom_time(meeting.started_at or meeting.start_time),
                "timezone": meeting.timezone,
                "duration": meeting.duration,
                "end_time": zoom_time(meeting.ended_at or now),
            },
        },
    }


def recording_completed(recording: SimRecording, host: SimUser, now: datetime) -> dict[str, Any]:
    # The transcript is not ready yet when the recording is: it has its own event.
    files = [
        {**f, "file_size": int(f["file_size"])} for f in recording.files if f["file_type"] != "TRANSCRIPT"
    ]
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


def transcript_completed(recording: SimRecording, host: SimUser, now: datetime) -> dict[str, Any]:
    """The transcript of a cloud recording is ready (its file is the ``TRANSCRIPT`` one)."""
    files = [
        {**f, "file_size": int(f["file_size"])} for f in recording.files if f["file_type"] == "TRANSCRIPT"
    ]
    body = recording_completed(recording, host, now)
    body["event"] = "recording.transcript_completed"
    body["payload"]["object"].update(
        recording_files=files,
        recording_count=len(files),
        total_size=sum(int(f["file_size"]) for f in files),
    )
    return body


def summary_completed(summary: dict[str, Any], account_id: str, now: datetime) -> dict[str, Any]:
    """``meeting.summary_completed``: the webhook carries the summary's fields (the API has them too)."""
    fields = (
        "meeting_host_id",
        "meeting_host_email",
        "meeting_uuid",
        "meeting_id",
        "meeting_topic",
        "meeting_start_time",
        "meeting_end_time",
        "summary_start_time",
        "summary_end_time",
        "summary_created_time",
        "summary_last_modified_time",
        "summary_title",
        "summary_overview",
        "summary_details",
        "next_steps",
        "summary_content",
        "summary_doc_url",
    )
    return {
        "event": "meeting.summary_completed",
        "event_ts": _ms(now),
        "payload": {"account_id": account_id, "object": {k: summary[k] for k in fields if k in summary}},
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
