"""Shortcuts: "Schedule a Zoom meeting" and "Start a Zoom meeting about this".

The global one opens the schedule form; the message one starts an instant meeting named after
the message, its card in the message's thread. Both go through the same handlers as
`/zoom schedule` and `/zoom new`.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.capacity import Overloaded
from bot.slack.deps import deps_of
from bot.slack.grammar import NewMeeting
from bot.slack.grammar.words import topic_of_message
from bot.slack.handlers.caller import Caller
from bot.slack.hints import hint_for
from bot.slack.listeners.commands import open_schedule_modal
from bot.slack.listeners.run import run_and_reply
from bot.slack.subcommands import describe, dispatch
from bot.slack.views import hint_message

log = logging.getLogger(__name__)

SCHEDULE_SHORTCUT = "schedule_meeting"  # global shortcut callback id (the contract's name)
MESSAGE_SHORTCUT = "meeting_about_message"  # message shortcut callback id


def register(app: AsyncApp) -> None:
    app.global_shortcut(SCHEDULE_SHORTCUT)(schedule_shortcut)
    app.message_shortcut(MESSAGE_SHORTCUT)(meeting_about_message)


async def schedule_shortcut(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    ctx = Caller.from_bolt(context, channel_id="")  # a global shortcut has no channel

    async def tell_privately(**message: Any) -> None:  # no response_url: a DM says what went wrong
        await client.chat_postMessage(channel=ctx.user_id, **message)

    await open_schedule_modal(ctx, client, str(body.get("trigger_id") or ""), tell_privately)


async def meeting_about_message(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    deps = deps_of(context)
    message = body.get("message") or {}
    channel = str((body.get("channel") or {}).get("id") or "")
    parent = str(message.get("thread_ts") or message.get("ts") or "")
    respond = deps.response_urls.responder(body.get("response_url"))
    command = NewMeeting(topic_of_message(str(message.get("text") or "")))
    if not deps.commands.try_admit():
        await respond(**hint_message(hint_for(Overloaded(), mode=deps.mode)))
        deps.commands.refusals_to_log(time.monotonic())
        return
    try:
        ctx = Caller.from_bolt(context, channel_id=channel)
        ctx.thread_ts = parent or None
        await run_and_reply(
            dispatch(command, ctx),
            operation=describe(command),
            ctx=ctx,
            respond=respond,
            client=client,
            label="MessageShortcut",
        )
    finally:
        deps.commands.release()
