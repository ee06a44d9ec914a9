"""The REST API under /v2: users, schedulers and assistants, meetings, invitation, recordings,
and the admins' reports and dashboards (``reports.py``).

Each endpoint runs the same gate before its own rules: bearer token (401 / 124), the
account's per-second budget for the operation's category (429), then the operation's
scope and the ``{userId}`` / ``{meetingId}`` access rules (``access.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.sandbox.zoom_simulator import attendance, catalog, meetings, recording_trash, reports, users_admin
from bot.sandbox.zoom_simulator.access import Principal, authenticate, meeting_for, target_user
from bot.sandbox.zoom_simulator.catalog import Operation
from bot.sandbox.zoom_simulator.contract import Exchange
from bot.sandbox.zoom_simulator.model import SimMeeting, SimRecording, SimUser, zoom_time
from bot.sandbox.zoom_simulator.paging import paginate
from bot.sandbox.zoom_simulator.responses import (
    ZoomRefusal,
    meeting_not_found,
    missing_scope,
    shared_access_not_permitted,
    user_not_found,
    validation_failed,
)

if TYPE_CHECKING:
    from bot.sandbox.zoom_simulator.app import ZoomSimulator


@dataclass
class Call:
    """One authenticated REST request, as the handlers see it."""

    sim: ZoomSimulator
    op: Operation
    principal: Principal
    path: dict[str, str]
    query: dict[str, str]
    raw_body: bytes
    origin_host: str
    now: datetime
    raw_path: str = ""  # the request path as sent, before percent-decoding

    def json_object(self) -> dict[str, Any]:
        try:
            body = json.loads(self.raw_body or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ZoomRefusal(400, 300, "Request Body should be a valid JSON object.")
        return body


Handler = Callable[[Call], Response]


def rest_routes(sim: ZoomSimulator) -> list[Route]:
    handlers: list[tuple[Operation, Handler]] = [
        (catalog.LIST_USERS, list_users),
        (catalog.GET_USER, get_user),
        (catalog.LIST_MEETINGS, list_meetings),
        (catalog.CREATE_MEETING, create_meeting),
        (catalog.GET_MEETING, get_meeting),
        (catalog.UPDATE_MEETING, update_meeting),
        (catalog.DELETE_MEETING, delete_meeting),
        (catalog.MEETING_STATUS, meeting_status),
        (catalog.MEETING_INVITATION, meeting_invitation),
        (catalog.LIST_RECORDINGS, list_recordings),
        (catalog.LIST_SCHEDULERS, list_schedulers),
        (catalog.LIST_ASSISTANTS, list_assistants),
        (catalog.MEETING_SUMMARY, meeting_summary),
        (catalog.DAILY_REPORT, reports.daily_report),
        (catalog.PAST_PARTICIPANTS, attendance.past_participants),
        (catalog.REPORT_PARTICIPANTS, attendance.report_participants),
        (catalog.TRASH_RECORDINGS, recording_trash.trash_recordings),
        (catalog.RECOVER_RECORDINGS, recording_trash.recover_recordings),
        (catalog.LIVE_DASHBOARD, reports.live_meetings),
        (catalog.CREATE_USER, users_admin.create_user),
        (catalog.USER_STATUS, users_admin.user_status),
    ]
    routes = [
        Route(f"/v2{_route_path(op)}", _endpoint(sim, op, handler), methods=[op.method])
        for op, handler in handlers
    ]

    async def unknown(request: Request) -> Response:
        raw = await request.body()
        response = JSONResponse(
            {"code": 2300, "message": "This API endpoint is not recognized."}, status_code=404
        )
        # Reported too: a client calling an endpoint Zoom does not have breaks the contract.
        sim.observe(_exchange(request, None, raw, response, forced=False))
        return response

    routes.append(Route("/v2/{rest:path}", unknown, methods=["GET", "POST", "PATCH", "PUT", "DELETE"]))
    return routes


def _route_path(op: Operation) -> str:
    # A meeting UUID may hold a (percent-encoded) "/": the summary route reads the raw segment itself.
    if op in (
        catalog.MEETING_SUMMARY,
        catalog.PAST_PARTICIPANTS,
        catalog.REPORT_PARTICIPANTS,
        catalog.TRASH_RECORDINGS,
    ):
        return op.path.replace("{meetingId}", "{meetingId:path}")
    if op is catalog.RECOVER_RECORDINGS:
        return op.path.replace("{meetingUUID}", "{meetingUUID:path}")
    return op.path


def _endpoint(sim: ZoomSimulator, op: Operation, handler: Handler) -> Callable[[Request], Any]:
    async def serve(request: Request) -> Response:
        raw = await request.body()
        authorization = request.headers.get("authorization")
        path = {k: str(v) for k, v in request.path_params.items()}
        query = dict(request.query_params)
        origin_host = request.url.netloc
        raw_path = bytes(request.scope.get("raw_path") or b"").decode("latin-1").partition("?")[0]

        def operate() -> Response:
            with sim.lock:
                now = sim.clock.now()
                principal = authenticate(sim, authorization, now)
                sim.qps.check(principal.account_id, op.category)
                return handler(Call(sim, op, principal, path, query, raw, origin_host, now, raw_path))

        response, forced = await sim.guarded_answer([op.key], operate)
        sim.observe(_exchange(request, op.path, raw, response, forced=forced))
        return response

    return serve


def _exchange(
    request: Request, path_template: str | None, raw: bytes, response: Response, *, forced: bool
) -> Exchange:
    return Exchange(
        method=request.method,
        path_template=path_template,
        path=request.url.path,
        query=dict(request.query_params),
        request_body=raw,
        status=response.status_code,
        response_body=bytes(response.body),
        forced=forced,
    )


# -- users ---------------------------------------------------------------------------------


def get_user(call: Call) -> Response:
    user = target_user(call.sim, call.principal, call.op, call.path["userId"])
    return JSONResponse(user.as_zoom())


def list_users(call: Call) -> Response:
    principal, op = call.principal, call.op
    # Only admin-level scopes list users; a member's token never carries them.
    if principal.user is not None and not (principal.user.is_admin and principal.holds_any(op.admin_scopes)):
        raise missing_scope(op.granular_scope(admin=True))
    principal.require_scope(op)
    status = call.query.get("status", "active")
    if status not in ("active", "inactive", "pending"):
        raise validation_failed([{"field": "status", "message": "Invalid field."}])
    users = sorted(
        (u for u in call.sim.users.values() if u.account_id == principal.account_id and u.status == status),
        key=lambda u: (u.created_at, u.email),
    )
    page = paginate(
        call.sim.cursors,
        users,
        query_key=f"{op.key}|{principal.account_id}|{status}",
        query=call.query,
        now=call.now,
    )
    return JSONResponse({**page.envelope(), "users": [u.as_zoom_list_item() for u in page.items]})


# Scheduling privilege, both ways round. Zoom's document for GET /users/{userId}/schedulers:
# "if the current user [...] is User A, this API's response will list all users for whom
# User A can schedule and manage meetings"; /assistants lists the users User A has given
# scheduling privilege to. Both lists hold at most 30 users and have no paging.
MAX_DELEGATES = 30


def list_schedulers(call: Call) -> Response:
    assistant = target_user(call.sim, call.principal, call.op, call.path["userId"])
    hosts = call.sim.hosts_of(assistant.id)[:MAX_DELEGATES]
    return JSONResponse({"schedulers": [{"id": h.id, "email": h.email, "pmi": h.pmi} for h in hosts]})


def list_assistants(call: Call) -> Response:
    host = target_user(call.sim, call.principal, call.op, call.path["userId"])
    assistants = call.sim.assistants_of(host.id)[:MAX_DELEGATES]
    return JSONResponse(
        {
            "assistants": [
                {"id": a.id, "email": a.email, "can_manage_host_private_event": False} for a in assistants
            ]
        }
    )


# -- meetings ------------------------------------------------------------------------------

LIST_TYPES = ("scheduled", "live", "upcoming", "upcoming_meetings", "previous_meetings")


def list_meetings(call: Call) -> Response:
    host = target_user(call.sim, call.principal, call.op, call.path["userId"], delegable=True)
    kind = call.query.get("type", "scheduled")
    if kind not in LIST_TYPES:
        raise validation_failed([{"field": "type", "message": "Invalid field."}])
    now = call.now
    listed: list[tuple[datetime, SimMeeting]] = []
    for m in call.sim.meetings.values():
        # Zoom lists scheduled meetings only: instant meetings never appear.
        if m.host_id != host.id or m.type == 1 or meetings.is_expired(m, now):
            continue
        upcoming = meetings.next_start(m, now)
        if kind == "scheduled":
            listed.append((upcoming or m.start_time, m))
        elif kind in ("upcoming", "upcoming_meetings") and upcoming is not None:
            listed.append((upcoming, m))
        elif (kind == "live" and m.status == "started") or (kind == "previous_meetings" and upcoming is None):
            listed.append((m.start_time, m))
    listed.sort(key=lambda pair: (pair[0], pair[1].id))
    page = paginate(
        call.sim.cursors, listed, query_key=f"{call.op.key}|{host.id}|{kind}", query=call.query, now=now
    )
    return JSONResponse(
        {**page.envelope(), "meetings": [meetings.list_item(m, start) for start, m in page.items]}
    )


def create_meeting(call: Call) -> Response:
    sim, principal = call.sim, call.principal
    caller = target_user(sim, principal, call.op, call.path["userId"])
    body = call.json_object()
    errors = meetings.validate_body(body)
    if errors:
        raise validation_failed(errors)
    host, assistant = caller, None
    schedule_for = body.get("schedule_for")
    if schedule_for:
        host, assistant = _schedule_for(sim, principal, caller, schedule_for, int(body.get("type", 2)))
    sim.daily.consume(host.id, call.now)
    meeting = meetings.build_meeting(
        body=body,
        host=host,
        assistant=assistant,
        meeting_id=meetings.new_meeting_id(sim.rng, set(sim.meetings)),
        rng=sim.rng,
        origin_host=call.origin_host,
        now=call.now,
    )
    sim.meetings[meeting.id] = meeting
    return JSONResponse(meetings.full_body(meeting, sim.new_start_url(meeting)), status_code=201)


def _schedule_for(
    sim: ZoomSimulator, principal: Principal, caller: SimUser, schedule_for: str, meeting_type: int
) -> tuple[SimUser, SimUser | None]:
    """Who hosts a meeting created with ``schedule_for``, and who scheduled it."""
    if meeting_type == 1:
        raise ZoomRefusal(
            400,
            3000,
            f"Instant meetings do not support the schedule_for parameter, can not schedule a meeting for "
            f"{schedule_for}",
        )
    host = sim.find_user(schedule_for)
    if host is caller:
        return caller, None
    if host is None:
        raise user_not_found(schedule_for)
    if host.account_id != caller.account_id:
        raise ZoomRefusal(400, 1010, f"User does not belong to this account: {caller.account_id}.")
    allowed = sim.scheduling_privilege(caller.id, host.id)
    if allowed is None:
        raise meetings.refuse_schedule_for(schedule_for)
    if allowed is False and principal.user is not None:
        # The assistant holds the privilege but did not let this app use shared access.
        raise shared_access_not_permitted()
    return host, caller


def get_meeting(call: Call) -> Response:
    meeting = meeting_for(call.sim, call.principal, call.op, call.path["meetingId"], call.now)
    occurrence_id = call.query.get("occurrence_id")
    occurrence = meetings.find_occurrence(meeting, occurrence_id) if occurrence_id else None
    previous = call.query.get("show_previous_occurrences") == "true"
    body = meetings.full_body(
        meeting, call.sim.new_start_url(meeting), now=None if previous else call.now, occurrence=occurrence
    )
    return JSONResponse(body)


def update_meeting(call: Call) -> Response:
    meeting = meeting_for(call.sim, call.principal, call.op, call.path["meetingId"], call.now)
    body = call.json_object()
    errors = meetings.validate_body(body)
    if body.get("type") == 8 and "recurrence" not in body and meeting.recurrence is None:
        errors.append({"field": "recurrence", "message": "Invalid field."})
    if errors:
        raise validation_failed(errors)
    call.sim.daily.consume(meeting.host_id, call.now)
    occurrence_id = call.query.get("occurrence_id")
    if occurrence_id:
        meetings.apply_occurrence_update(meeting, occurrence_id, body, call.now)
    else:
        meetings.apply_update(meeting, body, call.now)
    return Response(status_code=204)


def delete_meeting(call: Call) -> Response:
    meeting = meeting_for(call.sim, call.principal, call.op, call.path["meetingId"], call.now)
    occurrence_id = call.query.get("occurrence_id")
    if occurrence_id:
        meetings.find_occurrence(meeting, occurrence_id).status = "deleted"
        return Response(status_code=204)
    meeting.deleted = True
    return Response(status_code=204)


def meeting_status(call: Call) -> Response:
    action = call.json_object().get("action")
    if action not in ("end", "recover"):
        raise validation_failed([{"field": "action", "message": "Invalid field."}])
    meeting = meeting_for(
        call.sim,
        call.principal,
        call.op,
        call.path["meetingId"],
        call.now,
        include_deleted=action == "recover",
    )
    if action == "end":
        meeting.ended = True
        meeting.status = "waiting"
    else:
        meeting.deleted = False
    return Response(status_code=204)


def meeting_invitation(call: Call) -> Response:
    meeting = meeting_for(call.sim, call.principal, call.op, call.path["meetingId"], call.now)
    host = call.sim.user_by_id(meeting.host_id)
    assert host is not None  # meetings are only created for existing users
    return JSONResponse({"invitation": meetings.invitation_text(meeting, host), "sip_links": []})


# -- recordings ----------------------------------------------------------------------------


def list_recordings(call: Call) -> Response:
    host = target_user(call.sim, call.principal, call.op, call.path["userId"])
    today = call.now.date()
    start = _date_param(call.query, "from", today)
    end = _date_param(call.query, "to", today)
    if end < start or end > _one_month_after(start):
        raise validation_failed([{"field": "to", "message": "from and to may be at most one month apart."}])
    trash = call.query.get("trash", "false").lower() == "true"
    if trash and call.query.get("trash_type", "meeting_recordings") != "meeting_recordings":
        raise validation_failed([{"field": "trash_type", "message": "Invalid field."}])

    def listed(r: SimRecording) -> bool:
        shelf = recording_trash.in_trash(r, call.now) if trash else r.trashed_at is None
        return shelf and r.host_id == host.id and start <= r.start_time.date() <= end

    found = sorted(
        (r for r in call.sim.recordings if listed(r)),
        key=lambda r: r.start_time,
        reverse=True,
    )
    page = paginate(
        call.sim.cursors,
        found,
        query_key=f"{call.op.key}|{host.id}|{start}|{end}|{trash}",
        query=call.query,
        now=call.now,
    )
    return JSONResponse(
        {
            "from": start.isoformat(),
            "to": end.isoformat(),
            **page.envelope(),
            "meetings": [recording_json(r) for r in page.items],
        }
    )


def _date_param(query: dict[str, str], name: str, default: date) -> date:
    raw = query.get(name)
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise validation_failed([{"field": name, "message": "Invalid field."}]) from None


def _one_month_after(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    return day + timedelta(days=28)


# -- meeting summaries ---------------------------------------------------------------------


def meeting_summary(call: Call) -> Response:
    uuid = uuid_from_path(call.raw_path, "/meeting_summary")
    call.principal.require_scope(call.op)
    meeting = next((m for m in call.sim.meetings.values() if m.uuid == uuid), None)
    summary = call.sim.summaries.get(uuid)
    if meeting is None or summary is None or not _may_read(call, meeting):
        raise meeting_not_found(uuid)
    return JSONResponse(summary)


def uuid_from_path(raw_path: str, suffix: str, prefix: str = "/v2/meetings/") -> str:
    """The ``{meetingId}`` segment as Zoom reads a UUID: percent-decoded once, or twice when the
    client encoded it twice. Zoom's rule: a UUID that begins with ``/`` or contains ``//`` must
    be double-encoded; sent encoded once, it does not name the meeting (3001)."""
    segment = raw_path.removeprefix(prefix).removesuffix(suffix)
    if "/" in segment:  # not encoded at all: the path names something else
        raise meeting_not_found(unquote(segment))
    once = unquote(segment)
    if "%" in once:
        return unquote(once)
    if once.startswith("/") or "//" in once:
        raise meeting_not_found(once)
    return once


def _may_read(call: Call, meeting: SimMeeting) -> bool:
    principal = call.principal
    if principal.user is None:
        return meeting.account_id == principal.account_id
    if meeting.host_id == principal.user.id:
        return True
    return (
        principal.user.account_id == meeting.account_id
        and principal.user.is_admin
        and principal.holds_any(call.op.admin_scopes)
    )


def recording_json(recording: SimRecording) -> dict[str, Any]:
    return {
        "uuid": recording.uuid,
        "id": recording.meeting_id,
        "account_id": recording.account_id,
        "host_id": recording.host_id,
        "topic": recording.topic,
        "type": "2",
        "start_time": zoom_time(recording.start_time),
        "duration": recording.duration,
        "total_size": sum(f["file_size"] for f in recording.files),
        "recording_count": len(recording.files),
        "share_url": recording.share_url,
        "recording_files": recording.files,
    }
