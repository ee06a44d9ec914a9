"""A signed Slack request whose body is not shaped as Slack sends it is refused with a 400.

The signature only says the bytes came from someone with the signing secret; Bolt and our
listeners then index into the body as Slack shapes it (``payload["actions"][0]["action_id"]``,
``view["private_metadata"]`` as our JSON object, …) and a body shaped otherwise used to
end in a 500 from inside Bolt. ``bolt_request`` builds Bolt's own request (Bolt parses the
body once, for itself and for this check) and checks the parts Bolt's routing and our
listeners rely on before either runs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest


def bolt_request(
    body: str, *, query: Mapping[str, str], headers: Mapping[str, str], context: dict[str, Any]
) -> AsyncBoltRequest | str:
    """Bolt's request for a signed ``body``, or the reason it is refused (never the body itself).

    Building it parses the body and reads a few fields into Bolt's context (team, user,
    channel); a body no Slack client sends can make that reading fail in any way (``.get`` on
    a list, ``in`` on a number, a RecursionError from JSON nested too deep), and each is a
    refusal, not an error of ours."""
    try:
        # Starlette's query and header mappings, as Bolt's own Starlette adapter passes them.
        request = AsyncBoltRequest(body=body, query=query, headers=headers, context=context)  # type: ignore[arg-type]
    except (ValueError, RecursionError):
        return "body is not the JSON it claims to be"
    except Exception as error:  # Bolt's reading of a field shaped as Slack never sends it
        # The error's kind, never its text (that may quote the body): when every request is
        # refused so, after a Bolt upgrade say, the log line says where to look.
        return f"payload is not shaped as Slack sends it ({type(error).__name__} in Bolt)"
    problem = payload_problem(request.body)
    return request if problem is None else problem


def payload_problem(parsed: object) -> str | None:
    """None when Bolt can route a body it parsed as ``parsed`` safely; else a short reason
    (never the body itself)."""
    if not isinstance(parsed, dict) or not parsed:
        return "payload is not an object"
    if "command" in parsed:
        return _command_problem(parsed)
    if "ssl_check" in parsed:  # Slack's check of a slash command's URL
        return None
    kind = parsed.get("type")
    if not isinstance(kind, str):
        return "payload has no type"
    check = _CHECKS.get(kind)
    return check(parsed) if check is not None else None


def _command_problem(form: dict[str, Any]) -> str | None:
    for field in ("command", "team_id", "user_id"):
        if not _text(form.get(field)):
            return f"slash command without {field}"
    return None


def _event_problem(envelope: dict[str, Any]) -> str | None:
    event = envelope.get("event")
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return "event is not an object with a type"
    return None


def _challenge_problem(envelope: dict[str, Any]) -> str | None:
    return None if isinstance(envelope.get("challenge"), str) else "url_verification without a challenge"


def _actions_problem(payload: dict[str, Any]) -> str | None:
    problem = _user_problem(payload) or _containers_problem(payload)
    if problem:
        return problem
    actions = payload.get("actions")
    if not isinstance(actions, list) or not actions:
        return "actions is not a non-empty list"
    if not all(isinstance(a, dict) and _text(a.get("action_id")) for a in actions):
        return "an action without an action_id"
    view = payload.get("view")
    return _metadata_problem(view) if isinstance(view, dict) else None


def _view_problem(payload: dict[str, Any]) -> str | None:
    problem = _user_problem(payload)
    if problem:
        return problem
    view = payload.get("view")
    if not isinstance(view, dict) or not _text(view.get("callback_id")):
        return "view is not an object with a callback_id"
    state = view.get("state")
    if state is not None and not (isinstance(state, dict) and isinstance(state.get("values", {}), dict)):
        return "view state is not an object"
    return _metadata_problem(view)


def _metadata_problem(view: dict[str, Any]) -> str | None:
    """Our views carry a JSON object in ``private_metadata`` (or nothing)."""
    metadata = view.get("private_metadata")
    if metadata is None or metadata == "":
        return None
    if not isinstance(metadata, str):
        return "private_metadata is not a string"
    try:
        decoded = json.loads(metadata)
    except (ValueError, RecursionError):
        return "private_metadata is not JSON"
    return None if isinstance(decoded, dict) else "private_metadata is not an object"


def _user_problem(payload: dict[str, Any]) -> str | None:
    user = payload.get("user")
    if not isinstance(user, dict) or not _text(user.get("id")):
        return "user is not an object with an id"
    return None


def _containers_problem(payload: dict[str, Any]) -> str | None:
    for key in ("team", "channel", "container", "message", "view", "enterprise"):
        if payload.get(key) is not None and not isinstance(payload[key], dict):
            return f"{key} is not an object"
    return None


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value)


_CHECKS = {
    "event_callback": _event_problem,
    "url_verification": _challenge_problem,
    "block_actions": _actions_problem,
    "view_submission": _view_problem,
    "view_closed": _view_problem,
}
