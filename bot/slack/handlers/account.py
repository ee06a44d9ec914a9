"""`/zoom help | link | unlink | me | recordings | users | user | schedulers`: parse → service → render."""

from __future__ import annotations

from datetime import timedelta

from bot.slack import views
from bot.slack.grammar import Help, Link, ListSchedulers, ListUsers, Me, Recordings, ShowUser, Unlink
from bot.slack.handlers.context import CommandContext
from bot.slack.hints import LinkStatus
from bot.slack.replies import Outcome
from bot.slack.views import notices


async def link_status(ctx: CommandContext) -> LinkStatus:
    if ctx.runtime.settings.account_mode:
        person = await ctx.person()
        return LinkStatus(linked=True, zoom_email=person.email, account_mode=True)
    link = await ctx.runtime.links.get(ctx.team_id, ctx.user_id)
    if link is None:
        return LinkStatus(linked=False)
    return LinkStatus(linked=link.status == "active", zoom_email=link.zoom_email)


async def show_help(cmd: Help, ctx: CommandContext) -> Outcome:
    return Outcome(private=views.help_message(await link_status(ctx), subcommand=cmd.subcommand))


async def link(cmd: Link, ctx: CommandContext) -> Outcome:
    if ctx.runtime.settings.account_mode:
        return Outcome(private=notices.account_mode_link_message())
    url = await ctx.runtime.link_flow.begin(ctx.team_id, ctx.user_id)
    return Outcome(private=views.link_prompt(url))


async def unlink(cmd: Unlink, ctx: CommandContext) -> Outcome:
    if ctx.runtime.settings.account_mode:
        return Outcome(private=notices.account_mode_link_message())
    result = await ctx.runtime.link_flow.unlink(ctx.team_id, ctx.user_id)
    await ctx.runtime.reminders.owner_unlinked(ctx.team_id, ctx.user_id)
    return Outcome(private=notices.unlinked_message(result.revoked_at_zoom if result.was_linked else None))


async def me(cmd: Me, ctx: CommandContext) -> Outcome:
    zoom = await ctx.zoom()
    return Outcome(private=views.user_card(await zoom.me()))


async def recordings(cmd: Recordings, ctx: CommandContext) -> Outcome:
    person = await ctx.person()
    zoom = await ctx.zoom()
    until = ctx.now()
    found = await zoom.recordings(since=until - timedelta(days=cmd.days), until=until)
    return Outcome(private=views.recordings_list(found, viewer_tz=person.tz, days=cmd.days))


async def list_users(cmd: ListUsers, ctx: CommandContext) -> Outcome:
    ctx.runtime.zoom_access.require_account_mode("list the account's users")
    zoom = await ctx.zoom()
    return Outcome(private=views.user_list(await zoom.users()))


async def show_user(cmd: ShowUser, ctx: CommandContext) -> Outcome:
    ctx.runtime.zoom_access.require_account_mode("look up that user")
    zoom = await ctx.zoom()
    return Outcome(private=views.user_card(await zoom.user(cmd.email)))


async def schedulers(cmd: ListSchedulers, ctx: CommandContext) -> Outcome:
    zoom = await ctx.zoom()
    return Outcome(private=views.scheduler_list(await zoom.schedulers()))
