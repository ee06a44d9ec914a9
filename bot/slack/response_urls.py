"""Replies through a command's ``response_url``, on one pooled HTTP client per process.

Bolt's ``respond()`` builds a new aiohttp session (and TCP/TLS connection) for every call;
under load that was a quarter of the bot's CPU. This poster keeps connections to Slack
alive across replies. A response_url is a bearer capability: it is never logged.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx

from bot.http_transport import AiohttpTransport
from bot.slack.replies import Respond


class ResponseUrlError(Exception):
    """Slack refused a reply posted to a response_url (expired, used up, or malformed)."""


class ResponseUrls:
    def __init__(self, *, timeout: float = 5.0) -> None:
        self._client = httpx.AsyncClient(
            # pool=None: under a burst a reply waits for a free connection instead of being dropped
            # after a pool timeout; a response_url stays valid for 30 minutes.
            timeout=httpx.Timeout(timeout, connect=3.0, pool=None),
            transport=AiohttpTransport(max_connections=100),
        )

    def responder(self, response_url: str | None) -> Respond:
        """A ``respond(**message)`` bound to one response_url (ephemeral unless told otherwise)."""

        async def respond(**message: Any) -> None:
            if not response_url or urlsplit(response_url).scheme not in ("http", "https"):
                raise ResponseUrlError("this interaction came without a usable response_url")
            payload = {key: value for key, value in message.items() if value is not None}
            response = await self._client.post(response_url, json=payload)
            if response.status_code >= 400:
                raise ResponseUrlError(f"Slack answered HTTP {response.status_code} to a reply")

        return respond

    async def aclose(self) -> None:
        await self._client.aclose()
