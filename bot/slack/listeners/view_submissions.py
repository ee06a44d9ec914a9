"""The schedule form: validate inline, then create the meeting after the ack."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.people import HostLookupError, HostProblem, host_email
from bot.slack import views
from bot.slack.handlers import meetings
from bot.slack.handlers.caller import Caller
from bot.slack.listeners.run import run_and_reply

log = logging.getLogger(__name__)


def register(app: AsyncApp) -> None:
    app.view(views.SCHEDULE_CALLBACK_ID)(schedule_submitted)


async def schedule_submitted(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        metadata = {}
    ctx = Caller.from_bolt(context, channel_id=str(metadata.get("channel_id") or ""))
    person = await ctx.person()
    form = views.parse_schedule_submission(view.get("state") or {}, tz=person.tz, now=ctx.now())
    if not isinstance(form, dict) and (problem := await _host_problem(form, ctx)) is not None:
        form = {views.SCHEDULE_BLOCK_HOST: problem}
    if isinstance(form, dict):
        await ack(response_action="errors", errors=form)
        return
    await ack()
    if not ctx.channel_id:
        opened = await client.conversations_open(users=ctx.user_id)
        ctx.channel_id = str(opened["channel"]["id"])

    async def ephemeral(**kwargs: Any) -> Any:
        for key in ("replace_original", "delete_original", "response_type"):
            kwargs.pop(key, None)
        return await client.chat_postEphemeral(channel=ctx.channel_id, user=ctx.user_id, **kwargs)

    await run_and_reply(
        meetings.schedule_from_form(form, ctx),
        operation="schedule a meeting",
        ctx=ctx,
        respond=ephemeral,
        client=client,
        label="ScheduleForm",
    )


async def _host_problem(form: views.ScheduleForm, ctx: Caller) -> str | None:
    """A picked host whose Zoom user can't be told (no Slack e-mail, or gone): said on the field.

    Only Slack is asked (``users.info``, cached), so the ack stays well within Slack's 3 s."""
    if form.host is None or form.host.slack_user_id is None:
        return None
    try:
        await host_email(
            ctx.deps.people, await ctx.person(), slack_user_id=form.host.slack_user_id, email=None, label=""
        )
    except HostLookupError as error:
        if error.problem is HostProblem.NO_EMAIL:
            return "Their Slack profile shows no e-mail, so I can't tell which Zoom user they are."
        return "Slack doesn't know that person (deactivated, or not in this workspace)."
    return None
