"""The driver's requests, captured raw by a loopback server and checked with slack_sdk's verifier."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import pytest
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.sandbox.devserver import serve_asgi
from bot.sandbox.slack_standin import SlackDriver, SlackStandin, sign

SECRET = "driver-secret"


@dataclass
class Captured:
    body: bytes
    headers: dict[str, str]

    def form(self) -> list[tuple[str, str]]:
        return parse_qsl(self.body.decode(), keep_blank_values=True)

    def payload(self) -> dict[str, object]:
        [(key, value)] = self.form()
        assert key == "payload"
        return json.loads(value)


@dataclass
class Capture:
    requests: list[Captured] = field(default_factory=list)

    async def endpoint(self, request: Request) -> Response:
        self.requests.append(Captured(await request.body(), dict(request.headers)))
        return PlainTextResponse("acked")


@dataclass
class Rig:
    standin: SlackStandin
    driver: SlackDriver
    capture: Capture


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    capture = Capture()
    app = Starlette(routes=[Route("/slack/events", capture.endpoint, methods=["POST"])])
    standin = SlackStandin(SECRET)
    standin.add_user("U1", "ada", "ada@example.com")
    standin.add_channel("C1", "general")
    async with standin.serve(), serve_asgi(app) as bot_url:
        driver = SlackDriver(bot_url, standin)
        try:
            yield Rig(standin, driver, capture)
        finally:
            await driver.aclose()


def test_sign_matches_slack_sdk() -> None:
    body = b"token=x&text=%2Fzoom+new"
    expected = SignatureVerifier(SECRET).generate_signature(timestamp="1700000000", body=body)
    assert sign(body, 1700000000, SECRET) == expected
    assert sign(body, 1700000001, SECRET) != expected
    assert sign(body, 1700000000, "other") != expected


async def test_slash_command_form_is_exactly_what_slack_sends(rig: Rig) -> None:
    response = await rig.driver.slash("U1", "C1", 'schedule "Design review" tomorrow 3pm')
    assert response.status_code == 200 and response.text == "acked"
    [request] = rig.capture.requests
    assert SignatureVerifier(SECRET).is_valid_request(request.body, request.headers)
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    fields = request.form()
    assert [k for k, _ in fields] == [
        "token",
        "team_id",
        "team_domain",
        "channel_id",
        "channel_name",
        "user_id",
        "user_name",
        "command",
        "text",
        "api_app_id",
        "is_enterprise_install",
        "response_url",
        "trigger_id",
    ]
    form = dict(fields)
    assert (form["user_id"], form["user_name"], form["channel_id"], form["channel_name"]) == (
        "U1",
        "ada",
        "C1",
        "general",
    )
    assert (form["command"], form["text"]) == ("/zoom", 'schedule "Design review" tomorrow 3pm')
    assert form["response_url"].startswith(rig.standin.base_url + "/response/")
    assert form["response_url"] == rig.driver.last_response_url
    assert b"%2Fzoom" in request.body  # Slack percent-encodes the slash


async def test_tampered_body_no_longer_verifies(rig: Rig) -> None:
    await rig.driver.slash("U1", "C1", "new")
    [request] = rig.capture.requests
    assert not SignatureVerifier(SECRET).is_valid_request(request.body + b"&x=1", request.headers)


async def test_block_action_on_a_message_carries_container_and_response_url(rig: Rig) -> None:
    message = {
        "type": "message",
        "ts": "1700000000.000100",
        "text": "Join",
        "blocks": [
            {
                "type": "actions",
                "block_id": "meeting-1",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "cancel",
                        "value": "812",
                        "text": {"type": "plain_text", "text": "Cancel"},
                    }
                ],
            }
        ],
    }
    await rig.driver.block_action("U1", "C1", "cancel", None, message=message)
    [request] = rig.capture.requests
    assert SignatureVerifier(SECRET).is_valid_request(request.body, request.headers)
    payload = request.payload()
    assert payload["type"] == "block_actions"
    assert payload["container"] == {
        "type": "message",
        "message_ts": "1700000000.000100",
        "channel_id": "C1",
        "is_ephemeral": False,
    }
    [action] = payload["actions"]  # type: ignore[misc]
    assert (action["action_id"], action["block_id"], action["value"]) == ("cancel", "meeting-1", "812")
    assert str(payload["response_url"]).startswith(rig.standin.base_url + "/response/")
    assert payload["trigger_id"]


async def test_view_submission_and_event_envelopes(rig: Rig) -> None:
    view = {"id": "V1", "type": "modal", "callback_id": "schedule", "blocks": []}
    values = {"topic": {"topic": {"type": "plain_text_input", "value": "Retro"}}}
    await rig.driver.view_submission("U1", view, values)
    await rig.driver.event({"type": "app_home_opened", "user": "U1", "tab": "home"})
    submission, event = rig.capture.requests
    payload = submission.payload()
    assert payload["type"] == "view_submission"
    assert payload["view"] == {**view, "state": {"values": values}}
    assert event.headers["content-type"] == "application/json"
    assert SignatureVerifier(SECRET).is_valid_request(event.body, event.headers)
    envelope = json.loads(event.body)
    assert envelope["type"] == "event_callback" and envelope["event_id"].startswith("Ev")
    assert envelope["event"]["type"] == "app_home_opened" and envelope["event"]["event_ts"]
    assert envelope["authorizations"][0]["user_id"] == rig.standin.identity.bot_user_id


async def test_unknown_users_and_channels_are_created_on_first_use(rig: Rig) -> None:
    await rig.driver.slash("U9", "C9", "help")
    assert rig.standin.ensure_user("U9").name == "u9"
    assert rig.standin.ensure_channel("C9").name == "c9"
