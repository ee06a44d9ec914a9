"""Stand-in + driver round trip against a tiny real Bolt AsyncApp served over loopback.

The app is Bolt's own (not zoombot's): it proves the stand-in speaks well enough for
slack_sdk and Bolt, and that the driver's signed requests pass Bolt's verification.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.sandbox.devserver import serve_asgi
from bot.sandbox.slack_standin import SlackDriver, SlackStandin

SECRET = "bolt-round-trip-secret"
JOIN_BLOCKS = [
    {"type": "section", "block_id": "topic", "text": {"type": "mrkdwn", "text": "*Standup*"}},
    {
        "type": "actions",
        "block_id": "buttons",
        "elements": [
            {
                "type": "button",
                "action_id": "cancel",
                "value": "81234567890",
                "text": {"type": "plain_text", "text": "Cancel"},
            }
        ],
    },
]
SCHEDULE_MODAL = {
    "type": "modal",
    "callback_id": "schedule",
    "private_metadata": "C1",
    "title": {"type": "plain_text", "text": "Schedule"},
    "submit": {"type": "plain_text", "text": "Schedule"},
    "blocks": [
        {
            "type": "input",
            "block_id": "topic",
            "label": {"type": "plain_text", "text": "Topic"},
            "element": {"type": "plain_text_input", "action_id": "topic"},
        }
    ],
}


def build_bolt_app(standin: SlackStandin, client: AsyncWebClient) -> AsyncApp:
    app = AsyncApp(signing_secret=SECRET, client=client)

    @app.command("/zoom")
    async def zoom(
        ack: Any, respond: Any, client: AsyncWebClient, command: dict[str, Any], body: dict[str, Any]
    ) -> None:
        if command["text"] == "schedule":
            await ack()
            await client.views_open(trigger_id=body["trigger_id"], view=SCHEDULE_MODAL)
            return
        await ack(text="working on it")
        user = (await client.users_info(user=command["user_id"]))["user"]
        await respond(f"Hi {user['profile']['real_name']}, your zone is {user['tz']}")
        await client.chat_postMessage(channel=command["channel_id"], text="Standup", blocks=JOIN_BLOCKS)

    @app.action("cancel")
    async def cancel(ack: Any, respond: Any, action: dict[str, Any]) -> None:
        await ack()
        await respond(replace_original=True, text=f"Meeting {action['value']} cancelled")

    @app.view("schedule")
    async def submit(ack: Any, view: dict[str, Any], client: AsyncWebClient) -> None:
        topic = view["state"]["values"]["topic"]["topic"]["value"]
        if not topic:
            await ack(response_action="errors", errors={"topic": "Give the meeting a topic"})
            return
        await ack()
        await client.chat_postMessage(channel=view["private_metadata"], text=f"Scheduled {topic}")

    @app.event("app_home_opened")
    async def home(event: dict[str, Any], client: AsyncWebClient) -> None:
        await client.views_publish(
            user_id=event["user"],
            view={
                "type": "home",
                "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Home"}}],
            },
        )

    return app


def asgi_app(bolt: AsyncApp) -> Starlette:
    handler = AsyncSlackRequestHandler(bolt)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"])])


@dataclass
class Rig:
    standin: SlackStandin
    driver: SlackDriver
    bot_url: str


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    standin = SlackStandin(SECRET)
    standin.add_user("U1", "ada", "ada@example.com", tz="Europe/London")
    standin.add_channel("C1", "general")
    async with standin.serve():
        client = AsyncWebClient(token=standin.bot_token, base_url=standin.api_url)
        client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=1))
        async with serve_asgi(asgi_app(build_bolt_app(standin, client))) as bot_url:
            driver = SlackDriver(bot_url, standin, SECRET)
            try:
                yield Rig(standin, driver, bot_url)
            finally:
                await driver.aclose()


async def test_slash_command_is_acked_and_its_work_lands_in_the_standin(rig: Rig) -> None:
    started = time.monotonic()
    ack = await rig.driver.slash("U1", "C1", "new Standup")
    assert ack.status_code == 200
    assert ack.text == "working on it"
    assert time.monotonic() - started < 10.0  # the work runs after the ack (a generous bound)

    standin = rig.standin
    reply = await standin.wait_for(lambda: standin.ephemerals_for("U1"))
    assert reply[-1].kind == "response"
    assert reply[-1].text == "Hi ada, your zone is Europe/London"
    posted = await standin.wait_for(lambda: [m for m in standin.messages_in("C1") if m.kind == "post"])
    assert posted[0].blocks == JOIN_BLOCKS
    users_info = standin.calls_to("users.info")
    assert [(c.ok, c.args["user"], c.token) for c in users_info] == [(True, "U1", standin.bot_token)]
    assert standin.calls_to("auth.test"), "Bolt authorizes with auth.test on the first request"


async def test_wrong_signature_and_stale_timestamp_get_401_and_do_nothing(rig: Rig) -> None:
    async with SlackDriver(rig.bot_url, rig.standin, "not-the-secret") as forger:
        assert (await forger.slash("U1", "C1", "new")).status_code == 401
    stale = int(time.time()) - 6 * 60
    body = b"token=x&team_id=T0001&user_id=U1&command=%2Fzoom&text=new"
    assert (
        await rig.driver.send(body, "application/x-www-form-urlencoded", timestamp=stale)
    ).status_code == 401
    assert rig.standin.calls == [] and rig.standin.messages == []


async def test_button_click_replaces_the_original_message(rig: Rig) -> None:
    standin = rig.standin
    await rig.driver.slash("U1", "C1", "new Standup")
    [posted] = await standin.wait_for(lambda: [m for m in standin.messages_in("C1") if m.kind == "post"])
    click = await rig.driver.block_action("U1", "C1", "cancel", None, message=posted)
    assert click.status_code == 200
    await standin.wait_for(lambda: any(m.replace_original for m in standin.messages))
    live = standin.live_message("C1", posted.ts)
    assert live is not None and live.text == "Meeting 81234567890 cancelled"
    with pytest.raises(LookupError):
        await rig.driver.block_action("U1", "C1", "no-such-button", None, message=posted)


async def test_modal_opens_from_the_trigger_and_submission_is_validated(rig: Rig) -> None:
    standin = rig.standin
    assert (await rig.driver.slash("U1", "C1", "schedule")).status_code == 200
    [opened] = await standin.wait_for(lambda: standin.views)
    assert opened.method == "views.open" and opened.user == "U1"

    empty = await rig.driver.view_submission(
        "U1", opened, {"topic": {"topic": {"type": "plain_text_input", "value": ""}}}
    )
    assert empty.json() == {"response_action": "errors", "errors": {"topic": "Give the meeting a topic"}}
    filled = {"topic": {"topic": {"type": "plain_text_input", "value": "Design review"}}}
    assert (await rig.driver.view_submission("U1", opened, filled)).status_code == 200
    [posted] = await standin.wait_for(lambda: standin.messages_in("C1"))
    assert posted.text == "Scheduled Design review"


async def test_app_home_opened_event_publishes_the_home_tab(rig: Rig) -> None:
    assert (await rig.driver.app_home_opened("U1")).status_code == 200
    [published] = await rig.standin.wait_for(lambda: rig.standin.views)
    assert (published.method, published.user, published.view["type"]) == ("views.publish", "U1", "home")


async def test_rate_limited_post_is_retried_after_retry_after(rig: Rig) -> None:
    standin = rig.standin
    standin.inject("chat.postMessage", status=429, retry_after=1)
    await rig.driver.slash("U1", "C1", "new Standup")
    await standin.wait_for(lambda: [m for m in standin.messages_in("C1") if m.kind == "post"], timeout=30)
    first, second = standin.calls_to("chat.postMessage")
    assert (first.status, first.error) == (429, "ratelimited")
    assert second.ok
    assert second.at - first.at >= 1.0
