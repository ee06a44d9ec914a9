"""Slack Web API clients for work outside a request: background posts and user look-ups."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import Settings


async def bot_client_for(app: AsyncApp, settings: Settings, team_id: str) -> AsyncWebClient:
    """A Web API client with the right bot token, outside a request (schedulers, callbacks)."""
    if settings.SLACK_BOT_TOKEN:
        return app.client
    store = app.installation_store
    bot = await store.async_find_bot(enterprise_id=None, team_id=team_id) if store else None
    if bot is None or not bot.bot_token:
        raise LookupError(f"zoombot is not installed in workspace {team_id}")
    return AsyncWebClient(token=bot.bot_token, base_url=settings.SLACK_API_URL)


def users_info(app: AsyncApp, settings: Settings) -> Callable[[str, str], Awaitable[dict[str, Any]]]:
    """``users.info`` for the people directory, with the workspace's bot token."""

    async def read(team_id: str, user_id: str) -> dict[str, Any]:
        client = await bot_client_for(app, settings, team_id)
        # The language (en-US, de-DE) says whether 12/11 is written month or day first.
        response = await client.users_info(user=user_id, include_locale=True)
        user: dict[str, Any] = response["user"]
        return user

    return read


class BackgroundClients:
    """Web API clients for background work. Unlike the Bolt app's client, these never sleep on a
    429 (delivery turns a rate limit into a later due time), and share one HTTP session."""

    def __init__(self, app: AsyncApp, settings: Settings) -> None:
        self._app = app
        self._settings = settings
        self._session: aiohttp.ClientSession | None = None
        self._single: AsyncWebClient | None = None

    async def client_for(self, team_id: str) -> AsyncWebClient:
        settings = self._settings
        if not settings.SLACK_BOT_TOKEN:  # multi-workspace: the installation's token
            return await bot_client_for(self._app, settings, team_id)
        if self._single is None:
            self._session = aiohttp.ClientSession()
            self._single = AsyncWebClient(
                token=settings.SLACK_BOT_TOKEN, base_url=settings.SLACK_API_URL, session=self._session
            )
        return self._single

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
            self._single = None
