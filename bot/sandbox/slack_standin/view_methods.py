"""``views.*``: modals (need a fresh trigger) and the App Home tab."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from bot.sandbox.slack_standin.blocks import view_errors
from bot.sandbox.slack_standin.context import MethodContext, Refusal, required, text_arg
from bot.sandbox.slack_standin.records import ViewRecord


def views_open(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    return _open_modal(ctx, args, "views.open")


def views_push(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    return _open_modal(ctx, args, "views.push")


def views_update(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    view = _checked_view(args)
    ws = ctx.workspace
    with ws.lock:
        view_id = text_arg(args, "view_id") or _by_external_id(ctx, text_arg(args, "external_id"))
        current = ws.views.get(view_id or "")
        if current is None:
            raise Refusal("not_found")
        expected_hash = text_arg(args, "hash")
        if expected_hash is not None and expected_hash != current["hash"]:
            raise Refusal("hash_conflict")
        user = current.get("user")
        stored = _stored_view(ctx, view, str(current["id"]), root=str(current["root_view_id"]))
        stored["user"] = user
        ws.views[stored["id"]] = stored
    ctx.recorder.view(ViewRecord("views.update", stored["id"], str(user) if user else None, _public(stored)))
    return {"view": _public(stored)}


def views_publish(ctx: MethodContext, args: dict[str, Any]) -> dict[str, Any]:
    user = required(args, "user_id", "invalid_arguments")
    if user not in ctx.workspace.users:
        raise Refusal("user_not_found")
    view = _checked_view(args)
    if view.get("type") != "home":
        raise Refusal("invalid_arguments")
    ws = ctx.workspace
    with ws.lock:
        view_id = ws.home_views.get(user) or ws.next_id("V")
        stored = _stored_view(ctx, view, view_id, root=view_id)
        stored["user"] = user
        ws.views[view_id] = stored
        ws.home_views[user] = view_id
    ctx.recorder.view(ViewRecord("views.publish", view_id, user, _public(stored)))
    return {"view": _public(stored)}


def _open_modal(ctx: MethodContext, args: dict[str, Any], method: str) -> dict[str, Any]:
    trigger = ctx.workspace.use_trigger(required(args, "trigger_id", "invalid_trigger_id"))
    if isinstance(trigger, str):
        raise Refusal(trigger)
    view = _checked_view(args)
    if view.get("type") != "modal":
        raise Refusal("invalid_arguments")
    ws = ctx.workspace
    view_id = ws.next_id("V")
    stored = _stored_view(ctx, view, view_id, root=view_id)
    stored["user"] = trigger.user
    with ws.lock:
        ws.views[view_id] = stored
    ctx.recorder.view(ViewRecord(method, view_id, trigger.user, _public(stored)))
    return {"view": _public(stored)}


def _checked_view(args: dict[str, Any]) -> dict[str, Any]:
    view = args.get("view")
    errors = view_errors(view)
    if errors:
        raise Refusal(
            "invalid_blocks"
            if isinstance(view, dict) and view.get("type") in ("modal", "home")
            else "invalid_arguments",
            extra={"errors": errors, "response_metadata": {"messages": [f"[ERROR] {e}" for e in errors]}},
        )
    assert isinstance(view, dict)
    return view


def _by_external_id(ctx: MethodContext, external_id: str | None) -> str | None:
    if external_id is None:
        return None
    for view_id, view in ctx.workspace.views.items():
        if view.get("external_id") == external_id:
            return view_id
    return None


def _stored_view(ctx: MethodContext, view: dict[str, Any], view_id: str, *, root: str) -> dict[str, Any]:
    """The view as Slack returns (and later sends back in payloads): ids, hash, empty state."""
    digest = hashlib.sha256(json.dumps(view, sort_keys=True).encode()).hexdigest()[:16]
    return {
        "id": view_id,
        "team_id": ctx.identity.team_id,
        "app_id": ctx.identity.app_id,
        "bot_id": ctx.identity.bot_id,
        "callback_id": view.get("callback_id", ""),
        "private_metadata": view.get("private_metadata", ""),
        "external_id": view.get("external_id", ""),
        **view,
        "state": {"values": {}},
        "hash": f"{int(ctx.workspace.clock())}.{digest}",
        "root_view_id": root,
        "previous_view_id": None,
    }


def _public(stored: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in stored.items() if k != "user"}
