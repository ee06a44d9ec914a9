"""`/zoom user create | deactivate | activate`, its confirm button, `/zoom audit`: parse, act, render."""

from __future__ import annotations

from bot.services import user_admin
from bot.services.audit import SlackWho
from bot.services.refusals import Refusal, RefusalKind
from bot.services.user_admin import UserChange
from bot.slack import views
from bot.slack.grammar import ChangeUserStatus, CreateUser, ShowAudit
from bot.slack.handlers.caller import Caller
from bot.slack.replies import Outcome


def _who(ctx: Caller) -> SlackWho:
    return SlackWho(ctx.team_id, ctx.user_id)


async def ask_create(cmd: CreateUser, ctx: Caller) -> Outcome:
    return await _ask(UserChange("create", cmd.email, licensed=cmd.licensed), ctx)


async def ask_status(cmd: ChangeUserStatus, ctx: Caller) -> Outcome:
    return await _ask(UserChange("activate" if cmd.active else "deactivate", cmd.email), ctx)


async def _ask(change: UserChange, ctx: Caller) -> Outcome:
    """The confirm question; nothing changes yet. A non-admin's try goes in the audit trail."""
    ctx.deps.zoom_access.require_account_mode(change.operation)  # user mode: no Slack or Zoom call
    try:
        question = await user_admin.ask(await ctx.zoom(), change)
    except Refusal as refusal:
        if refusal.kind is RefusalKind.NOT_ZOOM_ADMIN:
            await ctx.deps.audit.record(
                _who(ctx), change.audit_action, change.email, result="refused", reason=str(refusal.kind)
            )
        raise
    return Outcome(private=views.user_change_question(question))


async def confirm(change: UserChange, ctx: Caller) -> Outcome:
    """The confirm click: checked again, then done at Zoom, and recorded however it ends."""
    ctx.deps.zoom_access.require_account_mode(change.operation)
    detail = change.kind if change.action == "create" else None
    async with ctx.deps.audit.attempt(_who(ctx), change.audit_action, change.email, detail=detail):
        user = await user_admin.apply(await ctx.zoom(), change)
    return Outcome(private=views.user_changed(change, user))


async def show_audit(cmd: ShowAudit, ctx: Caller) -> Outcome:
    operation = "show the audit trail"
    ctx.deps.zoom_access.require_account_mode(operation)
    person = await ctx.person()
    await (await ctx.zoom()).account_users(operation)  # Zoom owners and admins only
    records = await ctx.deps.audit.recent(ctx.team_id, cmd.count)
    return Outcome(private=views.audit_list(records, viewer_tz=person.tz, asked=cmd.count))
