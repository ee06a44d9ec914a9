"""``chat.*``: posting, ephemerals, edits, deletions and scheduled messages."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.sandbox.slack_standin.blocks import MAX_MESSAGE_BLOCKS, block_errors
from bot.sandbox.slack_standin.call_methods import unknown_calls_in
from bot.sandbox.slack_standin.context import MethodContext, Refusal, flag, required, text_arg
from bot.sandbox.slack_standin.records import Channel, Message, ScheduledMessage

MAX_SCHEDULE_AHEAD_SECONDS = 120 * 24 * 3600
# Arguments recorded as-is on the message rather than dropped (unfurl flags, metadata...).
_KNOWN_MESSAGE_ARGS = {"channel", "text", "blocks", "thread_ts", "user", "ts", "post_at", "token"}


def check_content(
    text: str | None, blocks: Any, *, allow_empty: bool = False, ctx: MethodContext | None = None
) -> None:
    """Slack's content rules: something to show, blocks within Block Kit limits, real calls."""
    if blocks is not None:
        errors = block_errors(blocks, max_blocks=MAX_MESSAGE_BLOCKS)
        errors += unknown_calls_in(ctx, blocks) if ctx is not None else []
        if errors:
            raise Refusal(
                "invalid_blocks",
                extra={"errors": errors, "response_metadata": {"messages": [f"[ERROR] {e}" for e in errors]}},
            )
    if not allow_empty and not text and not blocks:
        raise Refusal("no_text")


def resolve_channel(ctx: MethodContext, channel_arg: str | None, *, for_posting: bool = True) -> Channel:
    """A channel id, or a user id (Slack then posts into the DM with that user)."""
    if channel_arg is None:
        raise Refusal("channel_not_found")
    ws = ctx.workspace
    if channel_arg[:1] in ("U", "W") and channel_arg in ws.users:
        dm, _ = ws.open_dm(channel_arg)
        return dm
    channel = ws.channels.get(channel_arg)
    if channel is None:
        raise Refusal("channel_not_found")
    # A public channel takes posts from a non-member only with chat:write.public.
    outsider = for_posting and not channel.bot_is_member
    if outsider and (channel.is_private or not ctx.granted("chat:write.public")):
        raise Refusal("not_in_channel")
    return channel


def _extra(args: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in args.items() if k not in _KNOWN_MESSAGE_ARGS}


def _message_body(ctx: MethodContext, message: Message) -> dict[str, Any]:
    return message.as_payload(ctx.identity.bot_user_id, ctx.identity.bot_id)


def post_message(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    channel = resolve_channel(ctx, text_arg(args, "channel"))
    text, blocks = text_arg(args, "text"), args.get("blocks")
    check_content(text, blocks, ctx=ctx)
    thread_ts = thread_parent(ctx, channel.id, text_arg(args, "thread_ts"))
    if ctx.post_limiter is not None:
        wait = ctx.post_limiter.take(channel.id)
        if wait is not None:
            raise Refusal("ratelimited", status=429, retry_after=wait)
    message = Message(
        kind="post",
        channel=channel.id,
        ts=ctx.workspace.next_ts(),
        text=text,
        blocks=blocks,
        thread_ts=thread_ts,
        extra=_extra(args),
    )
    with ctx.workspace.lock:
        ctx.workspace.live[(channel.id, message.ts)] = message
    ctx.recorder.message(message)
    return {"channel": channel.id, "ts": message.ts, "message": _message_body(ctx, message)}


def thread_parent(ctx: MethodContext, channel_id: str, thread_ts: str | None) -> str | None:
    """The thread a reply joins: a reply's ts puts the new reply in its parent's thread, as in
    Slack (threads are one level deep). A ts the stand-in does not know is kept as given."""
    if thread_ts is None:
        return None
    with ctx.workspace.lock:
        parent = ctx.workspace.live.get((channel_id, thread_ts))
    return (parent.thread_ts or parent.ts) if parent is not None else thread_ts


def post_ephemeral(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    channel = resolve_channel(ctx, text_arg(args, "channel"))
    user = required(args, "user", "user_not_found")
    if user not in ctx.workspace.users:
        raise Refusal("user_not_found")
    text, blocks = text_arg(args, "text"), args.get("blocks")
    check_content(text, blocks)
    message = Message(
        kind="ephemeral",
        channel=channel.id,
        ts=ctx.workspace.next_ts(),
        text=text,
        blocks=blocks,
        user=user,
        thread_ts=text_arg(args, "thread_ts"),
        extra=_extra(args),
    )
    ctx.recorder.message(message)
    return {"message_ts": message.ts}


def update(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    channel = resolve_channel(ctx, text_arg(args, "channel"))
    ts = required(args, "ts", "message_not_found")
    text, blocks = text_arg(args, "text"), args.get("blocks")
    check_content(text, blocks, ctx=ctx)
    if ctx.update_limiter is not None:
        wait = ctx.update_limiter.take(channel.id, ts)
        if wait is not None:
            raise Refusal("ratelimited", status=429, retry_after=wait)
    with ctx.workspace.lock:
        # Ephemeral messages are never in `live`: Slack cannot chat.update them either.
        current = ctx.workspace.live.get((channel.id, ts))
        if current is None:
            raise Refusal("message_not_found")
        updated = replace(current, text=text, blocks=blocks)
        ctx.workspace.live[(channel.id, ts)] = updated
    ctx.recorder.message(replace(updated, kind="update", extra=_extra(args)))
    return {"channel": channel.id, "ts": ts, "text": text or "", "message": _message_body(ctx, updated)}


def delete(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    channel = resolve_channel(ctx, text_arg(args, "channel"))
    ts = required(args, "ts", "message_not_found")
    with ctx.workspace.lock:
        current = ctx.workspace.live.pop((channel.id, ts), None)
    if current is None:
        raise Refusal("message_not_found")
    ctx.recorder.message(Message(kind="delete", channel=channel.id, ts=ts))
    return {"channel": channel.id, "ts": ts}


def schedule_message(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    channel = resolve_channel(ctx, text_arg(args, "channel"))
    try:
        post_at = int(float(required(args, "post_at", "invalid_time")))
    except ValueError:
        raise Refusal("invalid_time") from None
    now = ctx.workspace.clock()
    if post_at <= now:
        raise Refusal("time_in_past")
    if post_at > now + MAX_SCHEDULE_AHEAD_SECONDS:
        raise Refusal("time_too_far")
    text, blocks = text_arg(args, "text"), args.get("blocks")
    check_content(text, blocks)
    scheduled = ScheduledMessage(ctx.workspace.next_id("Q"), channel.id, post_at, text, blocks)
    with ctx.workspace.lock:
        ctx.workspace.scheduled[scheduled.id] = scheduled
    return {
        "channel": channel.id,
        "scheduled_message_id": scheduled.id,
        "post_at": post_at,
        "message": {"type": "message", "text": text or "", "bot_id": ctx.identity.bot_id},
    }


def delete_scheduled_message(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    channel = resolve_channel(ctx, text_arg(args, "channel"), for_posting=False)
    scheduled_id = required(args, "scheduled_message_id", "invalid_scheduled_message_id")
    with ctx.workspace.lock:
        scheduled = ctx.workspace.scheduled.get(scheduled_id)
        if scheduled is None or scheduled.channel != channel.id:
            raise Refusal("invalid_scheduled_message_id")
        del ctx.workspace.scheduled[scheduled_id]
    return {}


def deliver_due_scheduled(ctx: MethodContext) -> list[Message]:
    """Post every scheduled message whose time has come, as Slack would; return them."""
    now = ctx.workspace.clock()
    with ctx.workspace.lock:
        due = [s for s in ctx.workspace.scheduled.values() if s.post_at <= now]
        for scheduled in due:
            del ctx.workspace.scheduled[scheduled.id]
    posted = []
    for scheduled in sorted(due, key=lambda s: s.post_at):
        message = Message(
            kind="post",
            channel=scheduled.channel,
            ts=ctx.workspace.next_ts(),
            text=scheduled.text,
            blocks=scheduled.blocks,
        )
        with ctx.workspace.lock:
            ctx.workspace.live[(message.channel, message.ts)] = message
        ctx.recorder.message(message)
        posted.append(message)
    return posted


def post_to_response_url(ctx: MethodContext, token: str, body: dict[str, Any]) -> None:
    """A ``response_url`` post: Slack's rules (5 uses, 30 minutes), ephemeral by default."""
    target = ctx.workspace.use_response_url(token)
    if isinstance(target, str):
        raise Refusal(target, status=404)
    text, blocks = text_arg(body, "text"), body.get("blocks")
    delete_original = flag(body, "delete_original")
    try:
        check_content(text, blocks, allow_empty=delete_original)
    except Refusal as refusal:
        refusal.status = 400
        raise
    in_channel = body.get("response_type") == "in_channel"
    replace_original = flag(body, "replace_original")
    original_key = (target.channel, target.original_ts) if target.original_ts else None
    with ctx.workspace.lock:
        if original_key and original_key in ctx.workspace.live:
            if delete_original:
                del ctx.workspace.live[original_key]
            elif replace_original:
                current = ctx.workspace.live[original_key]
                ctx.workspace.live[original_key] = replace(current, text=text, blocks=blocks)
    replacing = replace_original or delete_original
    ts = target.original_ts if (replacing and target.original_ts) else ctx.workspace.next_ts()
    message = Message(
        kind="response",
        channel=target.channel,
        ts=ts,
        text=text,
        blocks=blocks,
        user=None if in_channel else target.user,
        thread_ts=text_arg(body, "thread_ts"),
        response_type="in_channel" if in_channel else "ephemeral",
        replace_original=replace_original,
        delete_original=delete_original,
        original_ts=target.original_ts,
        extra={k: v for k, v in body.items() if k not in _KNOWN_MESSAGE_ARGS | _RESPONSE_ARGS},
    )
    if in_channel and not replacing:
        with ctx.workspace.lock:
            ctx.workspace.live[(message.channel, message.ts)] = message
    ctx.recorder.message(message)


_RESPONSE_ARGS = {"response_type", "replace_original", "delete_original"}
