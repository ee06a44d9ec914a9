"""`/zoom report <meeting-id>`: who attended one of your past meetings, parse → service → render."""

from __future__ import annotations

from bot.services.attendance import summarize
from bot.slack import views
from bot.slack.grammar import MeetingReport
from bot.slack.handlers.caller import Caller
from bot.slack.replies import Outcome


async def report(cmd: MeetingReport, ctx: Caller) -> Outcome:
    zoom = await ctx.zoom()
    stays = await zoom.attendance(cmd.meeting_id)
    return Outcome(private=views.attendance_report(cmd.meeting_id, summarize(stays)))
