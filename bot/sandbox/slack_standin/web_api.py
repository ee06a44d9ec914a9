"""Route a Web API call: known method, bot token, injected fault, then the method itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.slack_standin import (
    call_methods,
    chat_methods,
    directory_methods,
    function_methods,
    unfurl_methods,
    view_methods,
)
from bot.sandbox.slack_standin.context import Method, MethodContext, Refusal
from bot.sandbox.slack_standin.throttle import FaultPlan

METHODS: dict[str, Method] = {
    "auth.test": directory_methods.auth_test,
    "chat.postMessage": chat_methods.post_message,
    "chat.postEphemeral": chat_methods.post_ephemeral,
    "chat.update": chat_methods.update,
    "chat.delete": chat_methods.delete,
    "chat.scheduleMessage": chat_methods.schedule_message,
    "chat.deleteScheduledMessage": chat_methods.delete_scheduled_message,
    "chat.unfurl": unfurl_methods.unfurl,
    "users.info": directory_methods.users_info,
    "users.lookupByEmail": directory_methods.users_lookup_by_email,
    "calls.add": call_methods.add,
    "calls.info": call_methods.info,
    "calls.end": call_methods.end,
    "calls.participants.add": call_methods.participants_add,
    "calls.participants.remove": call_methods.participants_remove,
    "conversations.open": directory_methods.conversations_open,
    "conversations.info": directory_methods.conversations_info,
    "views.open": view_methods.views_open,
    "views.update": view_methods.views_update,
    "views.push": view_methods.views_push,
    "views.publish": view_methods.views_publish,
    "functions.completeSuccess": function_methods.complete_success,
    "functions.completeError": function_methods.complete_error,
}


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def error(self) -> str | None:
        error = self.body.get("error")
        return error if isinstance(error, str) else None


def refusal_answer(refusal: Refusal) -> Answer:
    headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after is not None else {}
    return Answer(refusal.status, refusal.body(), headers)


def call_method(
    ctx: MethodContext, faults: FaultPlan, method: str, args: dict[str, Any], token: str | None
) -> Answer:
    try:
        implementation = METHODS.get(method)
        if implementation is None:
            raise Refusal("unknown_method", extra={"req_method": method})
        _check_token(ctx, token)
        _check_scope(ctx, method)
        fault = faults.take(method)
        if fault is not None:
            raise Refusal(fault.error, status=fault.status, retry_after=fault.retry_after)
        ctx.caller_token = token
        return Answer(200, {"ok": True, **implementation(ctx, args)})
    except Refusal as refusal:
        return refusal_answer(refusal)


# Methods that need one of the scopes zoombot's manifest marks optional (bot_optional).
OPTIONAL_SCOPE_OF = {"chat.unfurl": "links:write", "conversations.info": "channels:read"}
# ... and required scopes a workspace may not have granted yet: an install made before the
# manifest asked for them keeps its old scopes until someone reinstalls the app.
SCOPE_OF = {
    **OPTIONAL_SCOPE_OF,
    "calls.add": "calls:write",
    "calls.end": "calls:write",
    "calls.participants.add": "calls:write",
    "calls.participants.remove": "calls:write",
    "calls.info": "calls:read",
    "users.lookupByEmail": "users:read.email",
}


def _check_scope(ctx: MethodContext, method: str) -> None:
    needed = SCOPE_OF.get(method)
    if needed is not None and not ctx.granted(needed):
        provided = ",".join(sorted(ctx.granted_scopes or ()))
        raise Refusal("missing_scope", extra={"needed": needed, "provided": provided})


def _check_token(ctx: MethodContext, token: str | None) -> None:
    if not token:
        raise Refusal("not_authed")
    known = token == ctx.identity.bot_token or token in ctx.extra_tokens
    if not known and ctx.executions.by_token(token) is None:  # nor a workflow step run's own token
        raise Refusal("invalid_auth")
