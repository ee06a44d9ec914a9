"""`/zoom report <meeting-id>` and `/zoom attendance on|off`: attendance on demand, and after meetings."""

from __future__ import annotations

from bot.services.attendance import summarize
from bot.slack import views
from bot.slack.grammar import AttendanceSwitch, MeetingReport
from bot.slack.handlers.caller import Caller
from bot.slack.replies import Outcome
from bot.slack.views import attendance as attendance_views


async def report(cmd: MeetingReport, ctx: Caller) -> Outcome:
    zoom = await ctx.zoom()
    stays = await zoom.attendance(cmd.meeting_id)
    return Outcome(private=views.attendance_report(cmd.meeting_id, summarize(stays)))


async def switch(cmd: AttendanceSwitch, ctx: Caller) -> Outcome:
    """Anyone in the channel may switch it (it is the channel's, like its topic); the channel learns who."""
    switches = ctx.deps.attendance_switches
    webhooks = ctx.deps.meeting_threads is not None
    if cmd.enabled is None:
        state = await switches.state(ctx.team_id, ctx.channel_id)
        reply = attendance_views.attendance_switched(
            enabled=state.enabled, changed=False, by=state.changed_by, webhooks=webhooks
        )
        return Outcome(private=reply)
    changed = await switches.turn(ctx.team_id, ctx.channel_id, enabled=cmd.enabled, by=ctx.user_id)
    reply = attendance_views.attendance_switched(
        enabled=cmd.enabled, changed=changed, by=None, webhooks=webhooks
    )
    notice = (
        attendance_views.attendance_switch_notice(enabled=cmd.enabled, by=ctx.user_id) if changed else None
    )
    return Outcome(private=reply, public=notice)
