"""``SlackDriver``: plays Slack's part towards the bot, sending real signed HTTP requests.

Each request carries the body exactly as Slack would send it (form-encoded slash commands,
``payload=<json>`` interactivity, JSON Events API envelopes), signed with ``v0`` HMAC over
the very bytes sent. The bot's HTTP response is returned unchanged so a test can check
the ack and time it. Response URLs and trigger ids in the payloads come from the
stand-in, so whatever the bot does with them lands there.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

import httpx

from bot.sandbox.slack_standin.records import Message, ViewRecord
from bot.sandbox.slack_standin.server import SlackStandin

EVENTS_PATH = "/slack/events"
_FORM = "application/x-www-form-urlencoded"
_USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
# Slack still sends the deprecated verification token in every payload.
_VERIFICATION_TOKEN = "standin-verification-token"


def sign(body: bytes, timestamp: int, secret: str) -> str:
    """Slack's request signature: ``v0=`` + hex HMAC-SHA256 of ``v0:<timestamp>:<body>``."""
    base = b"v0:" + str(timestamp).encode("ascii") + b":" + body
    return "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()


class SlackDriver:
    def __init__(
        self,
        bot_url: str,
        standin: SlackStandin,
        signing_secret: str | None = None,
        *,
        clock: Callable[[], float] = time.time,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        bot_url = bot_url.rstrip("/")
        self.events_url = bot_url if bot_url.endswith(EVENTS_PATH) else bot_url + EVENTS_PATH
        self.standin = standin
        self._secret = signing_secret if signing_secret is not None else standin.signing_secret
        self._clock = clock
        self._http = httpx.AsyncClient(timeout=timeout, transport=transport)
        self.last_response_url: str | None = None
        self.last_trigger_id: str | None = None
        self.last_event_id: str | None = None

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> SlackDriver:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    # -- what a user does in Slack -------------------------------------------------------

    async def slash(self, user_id: str, channel_id: str, text: str, command: str = "/zoom") -> httpx.Response:
        user = self.standin.ensure_user(user_id)
        channel = self.standin.ensure_channel(channel_id)
        me = self.standin.identity
        fields = [
            ("token", _VERIFICATION_TOKEN),
            ("team_id", me.team_id),
            ("team_domain", me.team_domain),
            ("channel_id", channel.id),
            ("channel_name", "directmessage" if channel.is_im else channel.name),
            ("user_id", user.id),
            ("user_name", user.name),
            ("command", command),
            ("text", text),
            ("api_app_id", me.app_id),
            ("is_enterprise_install", "false"),
            ("response_url", self._response_url(channel.id, user.id)),
            ("trigger_id", self._trigger(user.id)),
        ]
        return await self.send(urlencode(fields).encode("ascii"), _FORM)

    async def block_action(
        self,
        user_id: str,
        channel_id: str | None,
        action_id: str,
        value: str | None = None,
        *,
        message: Message | dict[str, Any] | None = None,
        view: ViewRecord | dict[str, Any] | None = None,
        response_url: bool = True,
        selected_option: dict[str, Any] | None = None,
    ) -> httpx.Response:
        """Click a button (or pick an option) on a message or in a view.

        With ``message`` or ``view`` given, the element must exist there (a test clicking
        a button the bot never rendered fails with ``LookupError``); its ``block_id``,
        text and, when ``value`` is None, its value are taken from it.
        """
        user = self.standin.ensure_user(user_id)
        me = self.standin.identity
        message_payload = self._message_payload(message)
        view_payload = self._view_payload(view)
        blocks = (message_payload or view_payload or {}).get("blocks")
        block_id, element = _find_element(blocks, action_id) if blocks is not None else ("", {})
        if blocks is not None and element is None:
            raise LookupError(f"no element with action_id {action_id!r} in the given message/view")
        element = element or {"type": "button"}
        action = _action(element, action_id, block_id, value, selected_option, self._clock())
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user.id, "username": user.name, "name": user.name, "team_id": me.team_id},
            "api_app_id": me.app_id,
            "token": _VERIFICATION_TOKEN,
            "trigger_id": self._trigger(user.id),
            "team": {"id": me.team_id, "domain": me.team_domain},
            "enterprise": None,
            "is_enterprise_install": False,
            "state": {"values": {}},
            "actions": [action],
        }
        if view_payload is not None:
            payload["container"] = {"type": "view", "view_id": view_payload["id"]}
            payload["view"] = view_payload
        if channel_id is not None:
            channel = self.standin.ensure_channel(channel_id)
            payload["channel"] = {
                "id": channel.id,
                "name": "directmessage" if channel.is_im else channel.name,
            }
            if message_payload is not None:
                payload["container"] = {
                    "type": "message",
                    "message_ts": message_payload["ts"],
                    "channel_id": channel.id,
                    "is_ephemeral": _is_ephemeral(message),
                }
                payload["message"] = message_payload
            if response_url:
                original_ts = message_payload["ts"] if message_payload is not None else None
                payload["response_url"] = self._response_url(channel.id, user.id, original_ts)
        return await self._send_payload(payload)

    async def view_submission(
        self, user_id: str, view: ViewRecord | dict[str, Any], values: dict[str, dict[str, Any]]
    ) -> httpx.Response:
        """Submit a modal with ``values`` shaped like ``view.state.values``:
        ``{block_id: {action_id: {"type": "plain_text_input", "value": "..."}}}``."""
        user = self.standin.ensure_user(user_id)
        me = self.standin.identity
        opened = self._view_payload(view) or {}
        submitted = {**opened, "state": {"values": values}}
        payload = {
            "type": "view_submission",
            "team": {"id": me.team_id, "domain": me.team_domain},
            "user": {"id": user.id, "username": user.name, "name": user.name, "team_id": me.team_id},
            "api_app_id": me.app_id,
            "token": _VERIFICATION_TOKEN,
            "trigger_id": self._trigger(user.id),
            "view": submitted,
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return await self._send_payload(payload)

    async def event(
        self, event_dict: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None
    ) -> httpx.Response:
        """Deliver an Events API ``event_callback`` envelope around ``event_dict``.

        ``event_id`` and ``retry_num`` replay a delivery the way Slack retries one: the same
        event id, with ``X-Slack-Retry-Num`` / ``X-Slack-Retry-Reason`` headers.
        """
        me = self.standin.identity
        now = self._clock()
        event = {"event_ts": f"{now:.6f}", **event_dict}
        envelope = {
            "token": _VERIFICATION_TOKEN,
            "team_id": me.team_id,
            "api_app_id": me.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or "Ev" + secrets.token_hex(5).upper(),
            "event_time": int(now),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": me.team_id,
                    "user_id": me.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        self.last_event_id = str(envelope["event_id"])
        retry = (
            {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
            if retry_num is not None
            else None
        )
        return await self.send(json.dumps(envelope).encode("utf-8"), "application/json", headers=retry)

    async def post_message(
        self, user_id: str, channel_id: str, text: str
    ) -> tuple[Message, httpx.Response | None]:
        """``user_id`` posts ``text`` in ``channel_id``; a Zoom link in it reaches the bot as a
        signed ``link_shared`` event, as Slack sends it (the bot's answer is returned, or None)."""
        message, link_shared = self.standin.post_as_person(user_id, channel_id, text)
        if link_shared is None:
            return message, None
        return message, await self.event(link_shared)

    async def shortcut(self, user_id: str, callback_id: str) -> httpx.Response:
        """A global shortcut, as Slack sends it: no channel and no response_url, a trigger id."""
        return await self._send_payload({**self._shortcut_base(user_id, callback_id), "type": "shortcut"})

    async def message_shortcut(self, user_id: str, callback_id: str, message: Message) -> httpx.Response:
        """A message shortcut on ``message``: its channel, the message itself, a response_url."""
        channel = self.standin.ensure_channel(message.channel)
        me = self.standin.identity
        payload = {
            **self._shortcut_base(user_id, callback_id),
            "type": "message_action",
            "channel": {"id": channel.id, "name": "directmessage" if channel.is_im else channel.name},
            "message_ts": message.ts,
            "message": message.as_payload(me.bot_user_id, me.bot_id),
            "response_url": self._response_url(channel.id, self.standin.ensure_user(user_id).id),
        }
        return await self._send_payload(payload)

    def _shortcut_base(self, user_id: str, callback_id: str) -> dict[str, Any]:
        user = self.standin.ensure_user(user_id)
        me = self.standin.identity
        return {
            "token": _VERIFICATION_TOKEN,
            "action_ts": f"{self._clock():.6f}",
            "team": {"id": me.team_id, "domain": me.team_domain},
            "user": {"id": user.id, "username": user.name, "team_id": me.team_id},
            "is_enterprise_install": False,
            "enterprise": None,
            "callback_id": callback_id,
            "trigger_id": self._trigger(user.id),
        }

    async def run_workflow_step(
        self, callback_id: str, inputs: dict[str, Any], *, ran_by: str | None = None
    ) -> tuple[str, httpx.Response]:
        """A workflow reaches the app's custom step: the signed ``function_executed`` event.

        ``ran_by`` is the person who started the workflow: a step that declares a
        ``user_context`` input gets it there, as Workflow Builder's "Person who used this
        workflow". Returns the run's execution id (see ``standin.execution``) and the bot's answer.
        """
        given = dict(inputs)
        if ran_by is not None and "user_context" not in given:
            user = self.standin.ensure_user(ran_by)
            given["user_context"] = {"id": user.id, "secret": secrets.token_hex(16)}
        event = self.standin.start_execution(callback_id, given)
        return str(event["function_execution_id"]), await self.event(event)

    async def app_home_opened(self, user_id: str) -> httpx.Response:
        user = self.standin.ensure_user(user_id)
        return await self.event(
            {
                "type": "app_home_opened",
                "user": user.id,
                "channel": self.standin.dm_channel(user.id),
                "tab": "home",
            }
        )

    # -- the wire --------------------------------------------------------------------------

    async def send(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """POST ``body`` to the bot, signed; ``timestamp`` overrides the clock (stale tests)."""
        ts = int(self._clock()) if timestamp is None else timestamp
        headers = {
            **(headers or {}),
            "Content-Type": content_type,
            "User-Agent": _USER_AGENT,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": sign(body, ts, self._secret),
        }
        return await self._http.post(self.events_url, content=body, headers=headers)

    async def _send_payload(self, payload: dict[str, Any]) -> httpx.Response:
        body = urlencode({"payload": json.dumps(payload)}).encode("ascii")
        return await self.send(body, _FORM)

    def _response_url(self, channel: str, user: str, original_ts: str | None = None) -> str:
        self.last_response_url = self.standin.issue_response_url(channel, user, original_ts)
        return self.last_response_url

    def _trigger(self, user: str) -> str:
        self.last_trigger_id = self.standin.issue_trigger_id(user)
        return self.last_trigger_id

    def _message_payload(self, message: Message | dict[str, Any] | None) -> dict[str, Any] | None:
        if isinstance(message, Message):
            me = self.standin.identity
            return message.as_payload(me.bot_user_id, me.bot_id)
        return message

    def _view_payload(self, view: ViewRecord | dict[str, Any] | None) -> dict[str, Any] | None:
        if isinstance(view, ViewRecord):
            return self.standin.view(view.id)
        return view


def _is_ephemeral(message: Message | dict[str, Any] | None) -> bool:
    return isinstance(message, Message) and message.is_ephemeral


def _walk_elements(blocks: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    for block in blocks:
        block_id = str(block.get("block_id", ""))
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            yield block_id, element
        for key in ("accessory", "element"):
            if isinstance(block.get(key), dict):
                yield block_id, block[key]


def _find_element(blocks: list[dict[str, Any]], action_id: str) -> tuple[str, dict[str, Any] | None]:
    for block_id, element in _walk_elements(blocks):
        if element.get("action_id") == action_id:
            return block_id, element
    return "", None


def _action(
    element: dict[str, Any],
    action_id: str,
    block_id: str,
    value: str | None,
    selected_option: dict[str, Any] | None,
    now: float,
) -> dict[str, Any]:
    action: dict[str, Any] = {
        "type": element.get("type", "button"),
        "action_id": action_id,
        "block_id": block_id or "standin-block",
        "action_ts": f"{now:.6f}",
    }
    if "text" in element:
        action["text"] = element["text"]
    if selected_option is not None:
        action["selected_option"] = selected_option
    else:
        chosen = value if value is not None else element.get("value")
        if chosen is not None:
            action["value"] = chosen
    return action
