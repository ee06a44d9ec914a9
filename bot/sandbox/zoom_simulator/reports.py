"""Account read-outs for admins: the daily usage report and the live-meetings dashboard.

Both follow Zoom's rules: an account token with the scope, or a user token of an owner/admin
with an ``:admin`` scope; the plan (reports need Pro or higher, dashboards Business or higher);
the daily report only for a month within the last six; the dashboard needs ``from`` and ``to``.
The figures come from the simulator's own meetings and users, plus any history a test or the
sandbox recorded with :meth:`UsageHistory.record` (days before the simulator existed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from starlette.responses import JSONResponse, Response

from bot.sandbox.zoom_simulator.model import SimMeeting, zoom_time
from bot.sandbox.zoom_simulator.paging import paginate
from bot.sandbox.zoom_simulator.responses import ZoomRefusal, missing_scope, validation_failed

if TYPE_CHECKING:
    from bot.sandbox.zoom_simulator.app import ZoomSimulator
    from bot.sandbox.zoom_simulator.rest import Call

REPORT_MONTHS = 6  # Zoom keeps the daily report for the current month and the five before


@dataclass
class DayUsage:
    new_users: int = 0
    meetings: int = 0
    participants: int = 0
    meeting_minutes: int = 0

    def add(self, other: DayUsage) -> DayUsage:
        return DayUsage(
            self.new_users + other.new_users,
            self.meetings + other.meetings,
            self.participants + other.participants,
            self.meeting_minutes + other.meeting_minutes,
        )


@dataclass
class UsageHistory:
    """Usage of days the simulator did not see happen, per account."""

    days: dict[tuple[str, date], DayUsage] = field(default_factory=dict)

    def record(self, account_id: str, day: date, usage: DayUsage) -> None:
        self.days[(account_id, day)] = usage


def seed_usage_history(sim: ZoomSimulator, account_id: str, today: date, *, days: int) -> None:
    """Plausible days before the simulator started, for the sandbox: a team of a few dozen
    people, busier on weekdays, from the simulator's seeded random source."""
    for back in range(1, days + 1):
        day = today - timedelta(days=back)
        weekday = day.weekday() < 5
        meetings = sim.rng.randint(8, 20) if weekday else sim.rng.randint(0, 3)
        participants = meetings * sim.rng.randint(2, 6)
        sim.usage_history.record(
            account_id,
            day,
            DayUsage(
                new_users=1 if sim.rng.random() < 0.1 else 0,
                meetings=meetings,
                participants=participants,
                meeting_minutes=meetings * sim.rng.randint(20, 45),
            ),
        )


def _admin_gate(call: Call) -> None:
    principal, op = call.principal, call.op
    if principal.user is not None and not (principal.user.is_admin and principal.holds_any(op.admin_scopes)):
        raise missing_scope(op.granular_scope(admin=True))
    principal.require_scope(op)


def daily_report(call: Call) -> Response:
    _admin_gate(call)
    account = call.sim.accounts[call.principal.account_id]
    if account.plan == "basic":
        raise ZoomRefusal(400, 200, "No permission.")
    zone = ZoneInfo(account.timezone)
    today = call.now.astimezone(zone).date()
    year = _int_param(call, "year", today.year)
    month = _int_param(call, "month", today.month)
    if not 1 <= month <= 12:
        raise validation_failed([{"field": "month", "message": "Invalid field."}])
    months_back = (today.year - year) * 12 + (today.month - month)
    if not 0 <= months_back < REPORT_MONTHS:
        raise ZoomRefusal(
            400, 300, "Daily report can only be provided for a month that falls within the recent 6 months."
        )
    first = date(year, month, 1)
    last = min(_month_end(first), today)
    days = []
    day = first
    while day <= last:
        usage = usage_on(call, account.account_id, day, zone)
        days.append(
            {
                "date": day.isoformat(),
                "new_users": usage.new_users,
                "meetings": usage.meetings,
                "participants": usage.participants,
                "meeting_minutes": usage.meeting_minutes,
            }
        )
        day += timedelta(days=1)
    return JSONResponse({"year": year, "month": month, "dates": days})


def usage_on(call: Call, account_id: str, day: date, zone: ZoneInfo) -> DayUsage:
    """What the account did on ``day`` (in its time zone): recorded history plus what happened
    in the simulator."""
    sim = call.sim
    seen = DayUsage(
        new_users=sum(
            1
            for u in sim.users.values()
            if u.account_id == account_id and u.created_at.astimezone(zone).date() == day
        )
    )
    for meeting in sim.meetings.values():
        if meeting.account_id != account_id or meeting.started_at is None:
            continue
        if meeting.started_at.astimezone(zone).date() != day:
            continue
        until = meeting.ended_at or call.now
        seen.meetings += 1
        seen.participants += len(meeting.participants)
        seen.meeting_minutes += max(0, int((until - meeting.started_at).total_seconds() // 60))
    return seen.add(sim.usage_history.days.get((account_id, day), DayUsage()))


def live_meetings(call: Call) -> Response:
    _admin_gate(call)
    account = call.sim.accounts[call.principal.account_id]
    if account.plan != "business":
        raise ZoomRefusal(
            400,
            400,
            "This API is only available for ZMP and Business or higher accounts that have enabled "
            "the Dashboard feature.",
        )
    kind = call.query.get("type", "live")
    if kind not in ("live", "past", "pastOne"):
        raise validation_failed([{"field": "type", "message": "Invalid field."}])
    start = _date_param(call, "from")
    end = _date_param(call, "to")
    if end < start or end - start > timedelta(days=31):
        raise ZoomRefusal(400, 300, "The date range should only be one month.")
    meetings = sorted(
        (m for m in call.sim.meetings.values() if _shown(m, call.principal.account_id, kind, start, end)),
        key=lambda m: (m.started_at or m.start_time, m.id),
    )
    page = paginate(
        call.sim.cursors,
        meetings,
        query_key=f"{call.op.key}|{call.principal.account_id}|{kind}|{start}|{end}",
        query=call.query,
        now=call.now,
    )
    envelope = page.envelope()
    return JSONResponse(
        {
            "from": start.isoformat(),
            "to": end.isoformat(),
            **{k: envelope[k] for k in ("next_page_token", "page_size", "total_records") if k in envelope},
            "meetings": [_dashboard_item(call, m) for m in page.items],
        }
    )


def _shown(meeting: SimMeeting, account_id: str, kind: str, start: date, end: date) -> bool:
    if meeting.account_id != account_id or meeting.started_at is None or meeting.deleted:
        return False
    live = meeting.status == "started" and meeting.ended_at is None
    if kind == "live":
        return live
    return not live and start <= meeting.started_at.date() <= end


def _dashboard_item(call: Call, meeting: SimMeeting) -> dict[str, object]:
    host = call.sim.users.get(meeting.host_id)
    started = meeting.started_at or meeting.start_time
    seconds = int(((meeting.ended_at or call.now) - started).total_seconds())
    in_meeting = sum(1 for p in meeting.participants if p.leave_time is None)
    item: dict[str, object] = {
        "uuid": meeting.uuid,
        "id": meeting.id,
        "topic": meeting.topic,
        "host": f"{host.first_name} {host.last_name}".strip() if host else "",
        "email": meeting.host_email,
        "user_type": "Licensed" if host is None or host.type == 2 else "Basic",
        "start_time": zoom_time(started),
        "duration": f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}",
        "participants": in_meeting,
        "has_recording": False,
    }
    if meeting.ended_at is not None:
        item["end_time"] = zoom_time(meeting.ended_at)
    return item


def _int_param(call: Call, name: str, default: int) -> int:
    raw = call.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise validation_failed([{"field": name, "message": "Invalid field."}]) from None


def _date_param(call: Call, name: str) -> date:
    raw = call.query.get(name, "")
    if not raw:
        raise validation_failed([{"field": name, "message": f"{name} is required."}])
    try:
        return datetime.strptime(raw[:10], "%Y-%m-%d").date()
    except ValueError:
        raise validation_failed([{"field": name, "message": "Invalid field."}]) from None


def _month_end(first: date) -> date:
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)
