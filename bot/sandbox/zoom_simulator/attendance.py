"""Past meetings' participants: ``/past_meetings/{meetingId}/participants`` for hosts and
``/report/meetings/{meetingId}/participants`` for the account, with Zoom's rules.

The list exists only for a meeting whose last instance ended, and only ``report_delay`` after
the end (Zoom prepares it in the minutes after); until then Zoom answers 3001. A free (Basic)
account gets Zoom's paid-only refusal. A meeting id means its last instance, a UUID that
instance (decoded as Zoom does: twice where it was double-encoded).
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from starlette.responses import JSONResponse, Response

from bot.sandbox.zoom_simulator.model import SimMeeting, zoom_time
from bot.sandbox.zoom_simulator.paging import paginate
from bot.sandbox.zoom_simulator.responses import ZoomRefusal, meeting_not_found, missing_scope

if TYPE_CHECKING:
    from bot.sandbox.zoom_simulator.rest import Call

DEFAULT_REPORT_DELAY = timedelta(minutes=2)


def past_participants(call: Call) -> Response:
    """The host's own past meeting (or one they may read as an admin)."""
    call.principal.require_scope(call.op)
    meeting = _ended_meeting(call)
    if call.principal.user is not None and meeting.host_id != call.principal.user.id:
        user = call.principal.user
        admin = user.is_admin and user.account_id == meeting.account_id
        if not (admin and call.principal.holds_any(call.op.admin_scopes)):
            raise meeting_not_found(call.path["meetingId"])
    if call.sim.accounts[meeting.account_id].plan == "basic":
        raise ZoomRefusal(400, 200, f"Only available for paid account: {meeting.account_id}")
    return _page(call, meeting)


def report_participants(call: Call) -> Response:
    """The account's report: an account token, or an owner/admin with an ``:admin`` scope."""
    principal, op = call.principal, call.op
    if principal.user is not None and not (principal.user.is_admin and principal.holds_any(op.admin_scopes)):
        raise missing_scope(op.granular_scope(admin=True))
    principal.require_scope(op)
    if call.sim.accounts[principal.account_id].plan == "basic":
        raise ZoomRefusal(400, 200, "No permission.")
    meeting = _ended_meeting(call)
    if meeting.account_id != principal.account_id:
        raise meeting_not_found(call.path["meetingId"])
    return _page(call, meeting)


def _ended_meeting(call: Call) -> SimMeeting:
    wanted = call.path["meetingId"]
    if wanted.isdigit():
        meeting = call.sim.meeting_by_id(wanted)
    else:
        meeting = next((m for m in call.sim.meetings.values() if m.uuid == _uuid(call)), None)
    ready = (
        meeting is not None
        and meeting.ended_at is not None
        and call.now >= meeting.ended_at + call.sim.report_delay
    )
    if not ready or meeting is None:
        raise ZoomRefusal(404, 3001, f"Meeting does not exist: {wanted}.")
    return meeting


def _uuid(call: Call) -> str:
    from bot.sandbox.zoom_simulator.rest import uuid_from_path  # the one UUID rule, shared

    prefix = "/v2" + call.op.path.split("{")[0]
    return uuid_from_path(call.raw_path, "/participants", prefix)


def _page(call: Call, meeting: SimMeeting) -> Response:
    stays = sorted(meeting.participants, key=lambda p: (p.join_time, p.name))
    page = paginate(
        call.sim.cursors,
        stays,
        query_key=f"{call.op.key}|{meeting.uuid}",
        query=call.query,
        now=call.now,
    )
    items = []
    for person in page.items:
        left = person.leave_time or meeting.ended_at or call.now
        items.append(
            {
                "id": person.zoom_user_id,
                "user_id": person.user_id,
                "name": person.name,
                "user_email": person.email,
                "join_time": zoom_time(person.join_time),
                "leave_time": zoom_time(left),
                "duration": int((left - person.join_time).total_seconds()),
                "status": "in_meeting",
            }
        )
    return JSONResponse({**page.envelope(), "participants": items})
