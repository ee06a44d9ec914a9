"""``calls.*``: Slack's Calls API, strictly, so a wrong field or a call used wrongly fails a test.

What Slack documents and the stand-in enforces: ``calls.add`` needs ``external_unique_id``,
``join_url`` and, with a bot token, ``created_by`` (a real user); a call is named by the id
``calls.add`` answered (anything else is ``invalid_call_id``); an ended call takes no more
participants and cannot end again (``inactive_call``); each user object is a ``slack_id`` of
a real user or an ``external_id`` (with an optional ``display_name`` / ``avatar_url``), no
other fields; removing someone who is not in the call is ``bad_users``. A ``call`` block in
a message must name a call this workspace has (``invalid_blocks`` otherwise).
"""

from __future__ import annotations

from typing import Any

from bot.sandbox.slack_standin.context import MethodContext, Refusal, required, text_arg
from bot.sandbox.slack_standin.records import SlackCallRecord

_USER_FIELDS = {"slack_id", "external_id", "display_name", "avatar_url"}
MAX_EXTERNAL_ID = 255


def add(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    external_unique_id = required(args, "external_unique_id")
    join_url = required(args, "join_url")
    if not join_url.startswith(("https://", "http://")):
        raise Refusal("invalid_join_url")
    # A bot token has no user of its own: Slack needs to be told who started the call.
    created_by = required(args, "created_by", "invalid_created_by")
    if created_by not in ctx.workspace.users:
        raise Refusal("invalid_created_by")
    users = _users(ctx, args.get("users")) if args.get("users") not in (None, "") else []
    ws = ctx.workspace
    call = SlackCallRecord(
        id=ws.next_id("R"),
        external_unique_id=external_unique_id,
        join_url=join_url,
        created_by=created_by,
        date_start=_integer(args, "date_start", default=int(ws.clock())),
        title=text_arg(args, "title"),
        external_display_id=text_arg(args, "external_display_id"),
        users=users,
    )
    with ws.lock:
        ws.calls[call.id] = call
    return {"call": call.as_payload()}


def info(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    return {"call": _call(ctx, args).as_payload()}


def end(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    call = _running(ctx, args)
    duration = _integer(args, "duration", default=None)
    if duration is not None and duration < 0:
        raise Refusal("invalid_arguments")
    with ctx.workspace.lock:
        call.duration = duration
        call.date_end = call.date_start + duration if duration is not None else int(ctx.workspace.clock())
    return {}


def participants_add(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    call = _running(ctx, args)
    users = _users(ctx, args.get("users"))
    with ctx.workspace.lock:
        for user in users:
            if _find(call, user) is None:
                call.users.append(user)
    return {}


def participants_remove(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    call = _running(ctx, args)
    users = _users(ctx, args.get("users"))
    with ctx.workspace.lock:
        found = [_find(call, user) for user in users]
        if any(index is None for index in found):
            raise Refusal("bad_users")  # at least one of them is not in the call
        call.users = [u for i, u in enumerate(call.users) if i not in found]
    return {}


def unknown_calls_in(ctx: MethodContext, blocks: Any) -> list[str]:
    """Errors for ``call`` blocks naming a call this workspace does not have."""
    if not isinstance(blocks, list):
        return []
    return [
        f"invalid call_id [json-pointer:/blocks/{i}/call_id]"
        for i, block in enumerate(blocks)
        if isinstance(block, dict)
        and block.get("type") == "call"
        and block.get("call_id") not in ctx.workspace.calls
    ]


def _call(ctx: MethodContext, args: dict[str, Any]) -> SlackCallRecord:
    call = ctx.workspace.calls.get(required(args, "id", "invalid_call_id"))
    if call is None:
        raise Refusal("invalid_call_id")
    return call


def _running(ctx: MethodContext, args: dict[str, Any]) -> SlackCallRecord:
    call = _call(ctx, args)
    if call.ended:
        raise Refusal("inactive_call")
    return call


def _users(ctx: MethodContext, raw: Any) -> list[dict[str, str]]:
    if raw is None or raw == "":
        raise Refusal(
            "invalid_arguments", extra={"response_metadata": {"messages": ["[ERROR] missing users"]}}
        )
    if not isinstance(raw, list) or not raw:
        raise Refusal("invalid_users")
    users = []
    for user in raw:
        if (
            not isinstance(user, dict)
            or set(user) - _USER_FIELDS
            or not all(isinstance(v, str) for v in user.values())
        ):
            raise Refusal("invalid_users")
        if user.get("slack_id"):
            if user["slack_id"] not in ctx.workspace.users:
                raise Refusal("user_not_found")
            users.append({"slack_id": user["slack_id"]})
        elif user.get("external_id") and len(user["external_id"]) <= MAX_EXTERNAL_ID:
            users.append(dict(user))
        else:
            raise Refusal("invalid_users")  # neither a Slack user nor an external one
    return users


def _find(call: SlackCallRecord, user: dict[str, str]) -> int | None:
    key = "slack_id" if "slack_id" in user else "external_id"
    return next((i for i, u in enumerate(call.users) if u.get(key) == user[key]), None)


def _integer(args: dict[str, Any], key: str, *, default: int | None) -> Any:
    value = args.get(key)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Refusal(
            "invalid_arguments", extra={"response_metadata": {"messages": [f"[ERROR] {key}"]}}
        ) from None
