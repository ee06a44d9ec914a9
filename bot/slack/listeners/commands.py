"""The `/zoom` slash command: parse, ack at once, then do the Zoom work."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import views
from bot.slack.capacity import Overloaded
from bot.slack.deps import SlackDeps, deps_of
from bot.slack.grammar import OpenScheduleModal
from bot.slack.handlers.caller import Caller
from bot.slack.hints import UsageError, hint_for
from bot.slack.listeners.run import run_and_reply
from bot.slack.replies import Respond
from bot.slack.subcommands import describe, dispatch, parse_command

log = logging.getLogger(__name__)


def register(app: AsyncApp) -> None:
    app.command("/zoom")(zoom_command)


async def zoom_command(
    ack: AsyncAck,
    command: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    deps = deps_of(context)
    parsed = parse_command(command.get("text") or "")
    label = type(parsed).__name__
    if isinstance(parsed, UsageError):
        # The usage reply needs no I/O, so it rides on the ack itself.
        await _ack_with_hint(ack, deps, parsed, subcommand="usage", outcome="usage")
        return
    if not deps.commands.try_admit():
        refused = deps.commands.refusals_to_log(time.monotonic())
        if refused:
            log.warning("%d /zoom command(s) not started: this process is at its command capacity", refused)
        await _ack_with_hint(ack, deps, Overloaded(), subcommand=label, outcome="busy")
        return
    try:
        ctx = Caller.from_bolt(context, channel_id=str(command.get("channel_id") or ""))
        await ack()
        respond = deps.response_urls.responder(command.get("response_url"))
        if isinstance(parsed, OpenScheduleModal):
            await open_schedule_modal(ctx, client, str(command.get("trigger_id") or ""), respond)
            return
        await run_and_reply(
            dispatch(parsed, ctx),
            operation=describe(parsed),
            ctx=ctx,
            respond=respond,
            client=client,
            label=label,
        )
    finally:
        deps.commands.release()


def busy_ack() -> dict[str, object]:
    """The ack of a command the process is too busy to start (also sent before Bolt runs)."""
    return dict(views.hint_message(hint_for(Overloaded(), mode="user")))  # the same in either mode


async def _ack_with_hint(
    ack: AsyncAck, deps: SlackDeps, error: Exception, *, subcommand: str, outcome: str
) -> None:
    """Answer in the ack itself, for what needs no work: bad input, or no capacity left."""
    deps.metrics.commands.labels(subcommand=subcommand, outcome=outcome).inc()
    hint = hint_for(error, mode=deps.mode)
    await ack(**views.hint_message(hint))


async def open_schedule_modal(ctx: Caller, client: AsyncWebClient, trigger_id: str, respond: Respond) -> None:
    """`/zoom schedule` with no arguments: the form. The trigger id lives ~3 s, so open it first thing."""
    try:
        person = await ctx.person()
        metadata = json.dumps({"channel_id": ctx.channel_id})
        form: dict[str, Any] = {
            "initial_channel": ctx.channel_id or None,
            "tz_name": person.tz_name,
            "private_metadata": metadata,
            "initial_date": ctx.now().astimezone(person.tz).date(),
        }
        account_mode = ctx.mode == "account"
        host = views.host_anyone() if account_mode else None
        opened = await client.views_open(
            trigger_id=trigger_id, view=views.schedule_modal(**form, host_element=host)
        )
    except Exception as error:
        log.warning("could not open the schedule form: %s", type(error).__name__)
        hint = hint_for(error, mode=ctx.mode, operation="open the schedule form")
        await respond(**views.hint_message(hint))
        return
    if not account_mode:
        await _add_host_choices(ctx, client, opened.get("view") or {}, form)


async def _add_host_choices(
    ctx: Caller, client: AsyncWebClient, view: dict[str, Any], form: dict[str, Any]
) -> None:
    """User mode: once Zoom says whom the caller may schedule for, the form gains a Host field.

    Asked after the form is open (the trigger id would not wait for Zoom); without a link, or
    with nobody to schedule for, the form simply stays as it is."""
    try:
        delegates = await (await ctx.zoom()).schedulers()
        if delegates and view.get("id"):
            await client.views_update(
                view_id=str(view["id"]),
                hash=view.get("hash"),
                view=views.schedule_modal(**form, host_element=views.host_choices(delegates)),
            )
    except Exception as error:  # the form works without the field; the caller loses only the choice
        log.info("schedule form without a Host field: %s", type(error).__name__)
