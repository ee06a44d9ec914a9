"""`/zoom status on|off|show`: parse → service → render."""

from __future__ import annotations

from bot.slack import views
from bot.slack.grammar import StatusSyncCommand
from bot.slack.handlers.caller import Caller
from bot.slack.hints.status import (
    status_needs_webhooks_hint,
    status_needs_zoom_hint,
    status_not_configured_hint,
)
from bot.slack.replies import Outcome
from bot.slack.views.status import status_consent_prompt, status_off_message, status_show
from bot.zoom.errors import ZoomError, ZoomErrorKind


async def status_sync(cmd: StatusSyncCommand, ctx: Caller) -> Outcome:
    sync = ctx.deps.status_sync
    if sync is None:
        return Outcome(private=views.hint_message(status_not_configured_hint()))
    if cmd.verb == "off":
        return Outcome(private=status_off_message(await sync.turn_off(ctx.team_id, ctx.user_id)))
    record = await sync.current(ctx.team_id, ctx.user_id)
    if cmd.verb == "show" or (record is not None and record.on):
        on = record is not None and record.on
        return Outcome(private=status_show(on=on, in_meeting=on and record is not None and record.status_set))
    if not sync.available:
        return Outcome(private=views.hint_message(status_not_configured_hint()))
    if not sync.follows_meetings:
        return Outcome(private=views.hint_message(status_needs_webhooks_hint()))
    who = await _zoom_user(ctx)
    if who is None:
        return Outcome(private=views.hint_message(status_needs_zoom_hint(account_mode=ctx.mode == "account")))
    url = await sync.begin(ctx.team_id, ctx.user_id, zoom_user_id=who[0], zoom_email=who[1])
    return Outcome(private=status_consent_prompt(url))


async def _zoom_user(ctx: Caller) -> tuple[str, str] | None:
    """(Zoom user id, e-mail) of the caller: their link (user mode) or the account's user by e-mail."""
    if ctx.mode == "user":
        link = await ctx.deps.link_flow.current(ctx.team_id, ctx.user_id)
        if link is None or link.status != "active":
            return None
        return link.zoom_user_id, link.zoom_email
    try:
        user = await (await ctx.zoom()).me()
    except ZoomError as error:
        if error.kind is ZoomErrorKind.USER_NOT_FOUND:
            return None
        raise
    return user.id, user.email
