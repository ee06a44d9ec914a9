"""Events API: App Home opened; Slack uninstall/revocation in multi-workspace mode."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.handlers.context import CommandContext
from bot.slack.listeners.home import publish_home


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(app_home_opened)


async def app_home_opened(event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext) -> None:
    if event.get("tab") != "home":
        return
    ctx = CommandContext.from_bolt(context, channel_id=str(event.get("channel") or ""))
    await publish_home(ctx, client)
