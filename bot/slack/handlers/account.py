"""`/zoom help | link | unlink | me | recordings | users | user | schedulers`: parse → service → render."""

from __future__ import annotations

from datetime import timedelta

from bot.slack import views
from bot.slack.grammar import Help, Link, ListSchedulers, ListUsers, Me, Recordings, ShowUser, Unlink
from bot.slack.handlers.caller import Caller
from bot.slack.hints import LinkStatus
from bot.slack.replies import Outcome
from bot.slack.views import notices


async def link_status(ctx: Caller) -> LinkStatus:
    if ctx.mode == "account":
        person = await ctx.person()
        return LinkStatus(linked=True, zoom_email=person.email, account_mode=True)
    link = await ctx.deps.link_flow.current(ctx.team_id, ctx.user_id)
    if link is None:
        return LinkStatus(linked=False)
    return LinkStatus(linked=link.status == "active", zoom_email=link.zoom_email)


async def show_help(cmd: Help, ctx: Caller) -> Outcome:
    return Outcome(private=views.help_message(await link_status(ctx), subcommand=cmd.subcommand))


async def link(cmd: Link, ctx: Caller) -> Outcome:
    if ctx.mode == "account":
        return Outcome(private=notices.account_mode_link_message())
    url = await ctx.deps.link_flow.begin(ctx.team_id, ctx.user_id)
    return Outcome(private=views.link_prompt(url))


async def unlink(cmd: Unlink, ctx: Caller) -> Outcome:
    if ctx.mode == "account":
        return Outcome(private=notices.account_mode_link_message())
    result = await ctx.deps.link_flow.unlink(ctx.team_id, ctx.user_id)
    await ctx.deps.reminders.owner_unlinked(ctx.team_id, ctx.user_id)
    return Outcome(private=notices.unlinked_message(result.revoked_at_zoom if result.was_linked else None))


async def me(cmd: Me, ctx: Caller) -> Outcome:
    zoom = await ctx.zoom()
    return Outcome(private=views.user_card(await zoom.me()))


async def recordings(cmd: Recordings, ctx: Caller) -> Outcome:
    person = await ctx.person()
    zoom = await ctx.zoom()
    until = ctx.now()
    found = await zoom.recordings(since=until - timedelta(days=cmd.days), until=until)
    return Outcome(private=views.recordings_list(found, viewer_tz=person.tz, days=cmd.days))


async def list_users(cmd: ListUsers, ctx: Caller) -> Outcome:
    ctx.deps.zoom_access.require_account_mode("list the account's users")
    zoom = await ctx.zoom()
    return Outcome(private=views.user_list(await zoom.users()))


async def show_user(cmd: ShowUser, ctx: Caller) -> Outcome:
    ctx.deps.zoom_access.require_account_mode("look up that user")
    zoom = await ctx.zoom()
    return Outcome(private=views.user_card(await zoom.user(cmd.email)))


async def schedulers(cmd: ListSchedulers, ctx: Caller) -> Outcome:
    zoom = await ctx.zoom()
    return Outcome(private=views.scheduler_list(await zoom.schedulers()))
