"""Socket Mode: events arrive without an HTTP route, and the listeners still find their port."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from slack_bolt.request.async_request import AsyncBoltRequest

from bot.compose import build_bot
from bot.sandbox.slack_standin import SlackStandin
from bot.settings import Settings
from bot.store.vault import generate_key


async def test_a_command_over_socket_mode_reaches_the_listener_with_its_port(tmp_path: Path) -> None:
    standin = SlackStandin("unused-in-socket-mode")
    with standin.serve_in_thread():
        settings = Settings(
            SLACK_BOT_TOKEN=standin.bot_token,
            SLACK_APP_TOKEN="xapp-1-socket-test",
            SLACK_API_URL=standin.api_url,
            TOKEN_ENCRYPTION_KEY=generate_key(),
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        )
        # Not started: nothing connects to Slack; the app dispatches what the socket would hand it.
        bot = await build_bot(settings, socket_mode=True)
        try:
            body = urlencode(
                {
                    "command": "/zoom",
                    "text": "frobnicate",
                    "team_id": "T0001",
                    "user_id": "U0ALICE",
                    "channel_id": "C0GENERAL",
                    "response_url": "http://127.0.0.1:9/unused",
                }
            )
            response = await bot.bolt_app.async_dispatch(AsyncBoltRequest(body=body, mode="socket_mode"))
        finally:
            await bot.runtime.aclose()
    assert response.status == 200
    assert "frobnicate" in response.body  # the usage hint, built by the listener from the port
