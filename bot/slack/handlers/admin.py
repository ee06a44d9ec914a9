"""`/zoom usage | live`: the account's figures for Zoom admins, parse → service → render."""

from __future__ import annotations

from bot.slack import views
from bot.slack.grammar import ShowLive, ShowUsage
from bot.slack.handlers.caller import Caller
from bot.slack.replies import Outcome


async def show_usage(cmd: ShowUsage, ctx: Caller) -> Outcome:
    operation = "show the account's usage"
    ctx.deps.zoom_access.require_account_mode(operation)
    person = await ctx.person()
    reports = await (await ctx.zoom()).account_reports(operation)
    report = await ctx.deps.account_figures.usage(reports, cmd.period, tz=person.tz_name)
    return Outcome(private=views.usage_report(report))


async def show_live(cmd: ShowLive, ctx: Caller) -> Outcome:
    operation = "show the meetings in progress"
    ctx.deps.zoom_access.require_account_mode(operation)
    person = await ctx.person()
    reports = await (await ctx.zoom()).account_reports(operation)
    readout = await ctx.deps.account_figures.live(reports)
    return Outcome(private=views.live_meetings(readout, viewer_tz=person.tz, now=ctx.now()))
