"""Shared plumbing for the stand-in's Web API methods: their state, refusals, argument reading."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.slack_standin.executions import Executions
from bot.sandbox.slack_standin.identity import BotIdentity
from bot.sandbox.slack_standin.recorder import Recorder
from bot.sandbox.slack_standin.throttle import ChannelRateLimiter, UpdateRateLimiter
from bot.sandbox.slack_standin.workspace import Workspace

# Arguments slack_sdk sends JSON-encoded inside a form body.
_JSON_ARGS = ("blocks", "view", "attachments", "metadata", "outputs", "users")


class Refusal(Exception):
    """Slack's ``{"ok": false, "error": ...}`` answer, with its HTTP status."""

    def __init__(
        self,
        error: str,
        *,
        status: int = 200,
        retry_after: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(error)
        self.error = error
        self.status = status
        self.retry_after = retry_after
        self.extra = extra or {}

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error": self.error, **self.extra}


@dataclass
class MethodContext:
    workspace: Workspace
    recorder: Recorder
    identity: BotIdentity
    post_limiter: ChannelRateLimiter | None = None
    update_limiter: UpdateRateLimiter | None = None
    extra_tokens: dict[str, str] = field(default_factory=dict)  # token -> team id
    # Links handed to the app in link_shared events: what chat.unfurl may then preview.
    shared_links: SharedLinks = field(default_factory=lambda: SharedLinks())
    # The bot scopes the workspace granted at install; None: every scope the app asks for.
    granted_scopes: frozenset[str] | None = None
    # Runs of the app's workflow steps (function_methods); each brings its own token.
    executions: Executions = field(default_factory=lambda: Executions())
    caller_token: str | None = None  # the token of the call being answered

    def granted(self, scope: str) -> bool:
        return self.granted_scopes is None or scope in self.granted_scopes


@dataclass
class SharedLinks:
    """For each person's message (channel, ts) with app links: the URLs, and its unfurl_id."""

    by_message: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    by_unfurl_id: dict[str, tuple[str, str]] = field(default_factory=dict)


Method = Callable[[MethodContext, dict[str, Any]], dict[str, Any]]


def normalise_args(raw: dict[str, Any]) -> dict[str, Any]:
    """Decode the JSON-in-form arguments so JSON and form calls record the same way."""
    args = dict(raw)
    for key in _JSON_ARGS:
        value = args.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            try:
                args[key] = json.loads(value)
            except ValueError:
                raise Refusal(f"invalid_{key}") from None
    return args


def text_arg(args: dict[str, Any], key: str) -> str | None:
    value = args.get(key)
    if value is None or value == "":
        return None
    return str(value)


def required(args: dict[str, Any], key: str, error: str | None = None) -> str:
    value = text_arg(args, key)
    if value is None:
        raise Refusal(
            error or "invalid_arguments",
            extra={"response_metadata": {"messages": [f"[ERROR] missing required field: {key}"]}},
        )
    return value


def flag(args: dict[str, Any], key: str) -> bool:
    value = args.get(key)
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)
