"""Cloud recordings to the trash and back, with Zoom's rules.

``DELETE /meetings/{meetingId}/recordings?action=trash`` moves a meeting instance's recordings to
the trash (``action=delete`` deletes them for good); ``PUT /meetings/{meetingUUID}/recordings/status``
``{"action": "recover"}`` brings them back within 30 days. After 30 days Zoom empties the trash.
Only the host, an admin of the host's account (with an ``:admin`` scope) or the account's own token
may do either; anyone else, and a recording that isn't there, get 3301.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from starlette.responses import Response

from bot.sandbox.zoom_simulator.model import SimRecording
from bot.sandbox.zoom_simulator.responses import ZoomRefusal, validation_failed

if TYPE_CHECKING:
    from bot.sandbox.zoom_simulator.app import ZoomSimulator
    from bot.sandbox.zoom_simulator.rest import Call

TRASH_DAYS = 30


def in_trash(recording: SimRecording, now: datetime) -> bool:
    return recording.trashed_at is not None and now < recording.trashed_at + timedelta(days=TRASH_DAYS)


def gone(recording: SimRecording, now: datetime) -> bool:
    """Emptied from the trash by Zoom after 30 days."""
    return recording.trashed_at is not None and not in_trash(recording, now)


def trash_recordings(call: Call) -> Response:
    call.principal.require_scope(call.op)
    action = call.query.get("action", "trash")
    if action not in ("trash", "delete"):
        raise validation_failed([{"field": "action", "message": "Invalid field."}])
    recording = _reachable(call, _meeting_param(call, "/recordings"))
    if recording.trashed_at is not None:
        raise _no_recording()
    if action == "delete":
        call.sim.recordings.remove(recording)
    else:
        recording.trashed_at = call.now
    return Response(status_code=204)


def recover_recordings(call: Call) -> Response:
    call.principal.require_scope(call.op)
    body = call.json_object()
    if body.get("action") != "recover":
        raise validation_failed([{"field": "action", "message": "Invalid field."}])
    recording = _reachable(call, _meeting_param(call, "/recordings/status"))
    if not in_trash(recording, call.now):
        raise _no_recording()
    recording.trashed_at = None
    return Response(status_code=200)


def _meeting_param(call: Call, suffix: str) -> str:
    from bot.sandbox.zoom_simulator.rest import uuid_from_path  # the one UUID rule, shared

    raw = next(iter(call.path.values()))
    return raw if raw.isdigit() else uuid_from_path(call.raw_path, suffix)


def _reachable(call: Call, wanted: str) -> SimRecording:
    """The recording ``wanted`` (a meeting id: its latest instance; or an instance UUID)."""
    recording = find_recording(call.sim, wanted, call.now)
    if recording is None:
        raise _no_recording()
    principal = call.principal
    if principal.user is None:
        allowed = recording.account_id == principal.account_id
    else:
        user = principal.user
        admin = user.is_admin and user.account_id == recording.account_id
        allowed = recording.host_id == user.id or (admin and principal.holds_any(call.op.admin_scopes))
    if not allowed:
        raise _no_recording()
    return recording


def find_recording(sim: ZoomSimulator, wanted: str, now: datetime) -> SimRecording | None:
    if wanted.isdigit():
        found = [r for r in sim.recordings if r.meeting_id == int(wanted) and not gone(r, now)]
        return max(found, key=lambda r: r.start_time) if found else None
    return next((r for r in sim.recordings if r.uuid == wanted and not gone(r, now)), None)


def _no_recording() -> ZoomRefusal:
    return ZoomRefusal(404, 3301, "There is no recording for this meeting.")
