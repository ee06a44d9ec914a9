"""Buttons: cancel confirmation, App Home buttons, and URL buttons (ack only)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.recording_actions import RecordingRef
from bot.services.user_admin import UserChange
from bot.slack import views
from bot.slack.deps import deps_of
from bot.slack.grammar import Link, MoveMeeting, NewMeeting, Schedule, Unlink
from bot.slack.handlers import account, meetings, recordings, user_admin
from bot.slack.handlers.caller import Caller
from bot.slack.hints import share_refused_hint
from bot.slack.listeners.home import publish_home
from bot.slack.listeners.run import deliver, run_and_reply
from bot.slack.live.threads import ShareRefused
from bot.slack.replies import Outcome
from bot.slack.subcommands import dispatch, parse_command
from bot.slack.views import attendance as attendance_views
from bot.slack.views import live_meeting, notices
from bot.slack.views.status import ACTION_STATUS_CONSENT

TIME_CHOICES = re.compile(rf"^{views.ACTION_TIME_CHOICE}_[0-9]$")
URL_BUTTONS = re.compile(
    rf"^({views.ACTION_JOIN}|{views.ACTION_START}|{views.ACTION_LINK_OPEN}|{ACTION_STATUS_CONSENT})$"
)


def register(app: AsyncApp) -> None:
    app.action(URL_BUTTONS)(ack_only)
    app.action(views.ACTION_CANCEL_CONFIRM)(cancel_confirmed)
    app.action(views.ACTION_CANCEL_ABORT)(cancel_aborted)
    app.action(views.ACTION_CANCEL_OCCURRENCE)(cancel_occurrence_confirmed)
    app.action(views.ACTION_HOME_LINK)(home_link)
    app.action(views.ACTION_HOME_UNLINK)(home_unlink)
    app.action(views.ACTION_HOME_NEW_MEETING)(home_new_meeting)
    app.action(live_meeting.ACTION_SHARE_SUMMARY)(share_summary)
    app.action(attendance_views.ACTION_SHARE_ATTENDANCE)(share_attendance)
    app.action(TIME_CHOICES)(time_chosen)
    app.action(views.ACTION_RECORDING_TRASH)(recording_trash)
    app.action(views.ACTION_RECORDING_RECOVER)(recording_recover)
    app.action(views.ACTION_USER_CHANGE_CONFIRM)(user_change_confirmed)
    app.action(views.ACTION_USER_CHANGE_ABORT)(cancel_aborted)


def _ctx(body: dict[str, Any], context: AsyncBoltContext) -> Caller:
    # A message button carries its channel; a Home-tab button has none (replies go to the DM).
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or ""
    return Caller.from_bolt(context, channel_id=str(channel))


Work = Callable[[Caller], Awaitable[Outcome]]
ButtonListener = Callable[
    [AsyncAck, dict[str, Any], dict[str, Any], AsyncWebClient, AsyncBoltContext], Awaitable[None]
]
_OCCURRENCE_VALUE = re.compile(r"([0-9]{1,15}):([0-9]{1,20})")


def _cancel_work(value: str) -> Work | None:
    """The meeting id a cancel button carries (None: an old or forged button)."""
    if not (value.isascii() and value.isdigit() and len(value) <= 15):
        return None
    return partial(meetings.confirm_cancel, int(value))


def _cancel_occurrence_work(value: str) -> Work | None:
    """``<meeting id>:<occurrence id>``, as the occurrence's cancel button carries it."""
    found = _OCCURRENCE_VALUE.fullmatch(value)
    if found is None:
        return None
    return partial(meetings.confirm_cancel_occurrence, int(found.group(1)), found.group(2))


def _time_choice_work(value: str) -> Work | None:
    """A "Did you mean …?" button carries the `/zoom` text with one reading; it runs as if typed.

    Only a one-off schedule or move reads; anything else is an old or forged button. A
    forged value can do no more than the clicking user could type, and a reading gone stale
    (its time now past) is refused by the same checks as a typed command.
    """
    command = parse_command(value)
    if not isinstance(command, Schedule | MoveMeeting) or command.repeat is not None:
        return None
    return partial(dispatch, command)


async def ack_only(ack: AsyncAck) -> None:
    await ack()


def _confirm_button(
    read: Callable[[str], Work | None],
    operation: str,
    label: str,
    *,
    operation_of: Callable[[str], str | None] | None = None,
) -> ButtonListener:
    """A confirm button's listener: read its value into work, then answer in place of the question.

    ``operation_of`` names the operation from the value, when one button serves several."""

    async def listener(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        if not await _first_click(body, action, context):
            # A double-click or a second device: the first click's answer replaces the question;
            # this one says so beside it and does nothing.
            respond = deps_of(context).response_urls.responder(body.get("response_url"))
            await respond(replace_original=False, **notices.already_answered_message())
            return
        value = str(action.get("value") or "")
        named = operation_of(value) if operation_of is not None else None
        await _replace_confirmation(body, context, client, read(value), named or operation, label)

    return listener


async def _first_click(body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext) -> bool:
    container = body.get("container") or {}
    message_ts = str(container.get("message_ts") or (body.get("message") or {}).get("ts") or "")
    if not message_ts:
        return True  # nothing to tell the question by: let the work's own checks decide
    return await deps_of(context).clicks.claim(
        str(context.team_id or ""), str(context.user_id or ""), message_ts, str(action.get("block_id") or "")
    )


def _user_change_work(value: str) -> Work | None:
    """The Zoom user change a confirm button carries (None: an old or forged button)."""
    change = UserChange.parse(value)
    return None if change is None else partial(user_admin.confirm, change)


def _user_change_operation(value: str) -> str | None:
    change = UserChange.parse(value)
    return None if change is None else change.operation


cancel_confirmed = _confirm_button(_cancel_work, "cancel the meeting", "CancelConfirmed")
user_change_confirmed = _confirm_button(
    _user_change_work,
    "change the Zoom user",
    "UserChangeConfirmed",
    operation_of=_user_change_operation,
)
time_chosen = _confirm_button(_time_choice_work, "schedule at the time you picked", "TimeChosen")
cancel_occurrence_confirmed = _confirm_button(
    _cancel_occurrence_work, "cancel the occurrence", "CancelOccurrenceConfirmed"
)


async def _replace_confirmation(
    body: dict[str, Any],
    context: AsyncBoltContext,
    client: AsyncWebClient,
    work: Work | None,
    operation: str,
    label: str,
) -> None:
    """Run a confirm button's work and put its answer in place of the confirmation message.

    ``work`` is None when the button's value cannot be read (an old or forged button).
    """
    ctx = _ctx(body, context)
    respond = ctx.deps.response_urls.responder(body.get("response_url"))
    if work is None:
        await respond(replace_original=True, **notices.stale_button_message())
        return

    async def replace(**kwargs: Any) -> Any:
        return await respond(replace_original=True, **kwargs)

    await run_and_reply(work(ctx), operation=operation, ctx=ctx, respond=replace, client=client, label=label)


def _recording_button(
    handler: Callable[[RecordingRef, Caller], Awaitable[Outcome]], operation: str
) -> ButtonListener:
    """A recording's button: the answer goes privately to whoever clicked (the list, or the
    thread's post that everyone sees, stays as it is); a second click does nothing."""

    async def listener(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        ctx = _ctx(body, context)
        respond = ctx.deps.response_urls.responder(body.get("response_url"))
        ref = RecordingRef.parse(str(action.get("value") or ""))
        if ref is None:
            await respond(**notices.stale_button_message())
            return
        if not await _first_click(body, action, context):
            await respond(**notices.already_answered_message())
            return
        await run_and_reply(
            handler(ref, ctx), operation=operation, ctx=ctx, respond=respond, client=client, label=operation
        )

    return listener


recording_trash = _recording_button(recordings.move_to_trash, "move the recording to the trash")
recording_recover = _recording_button(recordings.recover, "recover the recording")


async def cancel_aborted(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    await ack()
    respond = deps_of(context).response_urls.responder(body.get("response_url"))
    await respond(delete_original=True)


HomeWork = Callable[[Caller], Awaitable[Outcome]]
HomeListener = Callable[[AsyncAck, dict[str, Any], AsyncWebClient, AsyncBoltContext], Awaitable[None]]


def _home_button(work: HomeWork, operation: str, *, republish: bool = False) -> HomeListener:
    """A Home-tab button: do the work, answer in the app's DM, and redraw the tab if it changed."""

    async def listener(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        await ack()
        ctx = _ctx(body, context)
        await _dm_outcome(ctx, client, work(ctx), operation)
        if republish:
            await publish_home(ctx, client)

    return listener


home_link = _home_button(partial(account.link, Link()), "link your Zoom account")
home_unlink = _home_button(partial(account.unlink, Unlink()), "unlink your Zoom account", republish=True)
home_new_meeting = _home_button(partial(meetings.new_meeting, NewMeeting(None)), "start a meeting")


async def share_summary(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    """The host shares the meeting summary they were sent first into the meeting card's thread."""
    await _share_in_thread(ack, body, action, context, what="summary")


async def share_attendance(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
) -> None:
    """The host shares the attendance they were sent first into the meeting card's thread."""
    await _share_in_thread(ack, body, action, context, what="attendance")


async def _share_in_thread(
    ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext, *, what: str
) -> None:
    await ack()
    deps = deps_of(context)
    respond = deps.response_urls.responder(body.get("response_url"))
    value = str(action.get("value") or "")
    threads = deps.meeting_threads
    if threads is None or not (value.isascii() and value.isdigit()):
        await respond(replace_original=True, **notices.stale_button_message())
        return
    host_copy = list((body.get("message") or {}).get("blocks") or [])
    team_id, user_id = str(context.team_id or ""), str(context.user_id or "")
    try:
        if what == "attendance":
            blocks = attendance_views.attendance_from_host_copy(host_copy)
            shared = await threads.share_copy(team_id, user_id, int(value), blocks, "Meeting attendance")
        else:
            shared = await threads.share_summary(team_id, user_id, int(value), host_copy)
    except ShareRefused as refused:
        hint = share_refused_hint(refused.reason, what)
        await respond(response_type="ephemeral", **views.hint_message(hint))
        return
    if what == "attendance":
        done = attendance_views.shared_attendance_for_host(host_copy, shared.channel_id)
    else:
        done = live_meeting.shared_summary_for_host(host_copy, shared.channel_id)
    await respond(replace_original=True, **done)


async def _dm_outcome(ctx: Caller, client: AsyncWebClient, work: Any, operation: str) -> None:
    """Home-tab buttons have no channel or response_url: reply in the app's DM with the user."""
    opened = await client.conversations_open(users=ctx.user_id)
    ctx.channel_id = str(opened["channel"]["id"])

    async def respond_in_dm(**kwargs: Any) -> Any:
        for key in ("replace_original", "delete_original", "response_type"):
            kwargs.pop(key, None)
        return await client.chat_postMessage(channel=ctx.channel_id, **kwargs)

    await run_and_reply(
        work, operation=operation, ctx=ctx, respond=respond_in_dm, client=client, label="Home"
    )


__all__ = ["deliver", "register"]
