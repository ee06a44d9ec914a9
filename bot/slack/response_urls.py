"""Replies through a command's ``response_url``, on one pooled aiohttp session per process.

Bolt's ``respond()`` builds a new aiohttp session (and TCP/TLS connection) for every call;
under load that was a quarter of the bot's CPU. This poster keeps connections to Slack
alive across replies. It talks to aiohttp directly rather than through httpx's API
(``bot/http_transport.py``): a reply is one JSON POST whose only answer that matters is
its status, nothing retries it, and httpx's request and response models cost more CPU than
aiohttp's whole request (≈0.6 ms against ≈0.45 ms per reply on a 2-core machine; see the
README's benchmarks). A response_url is a bearer capability: it is never logged, and no
error raised here carries it.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from bot.http_transport import SessionPool
from bot.slack.replies import Respond

_HEADERS = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "zoombot"}


class ResponseUrlError(Exception):
    """A reply to a response_url did not get through: refused by Slack (expired, used up,
    malformed), or Slack could not be reached."""


class ResponseUrls:
    def __init__(self, *, timeout: float = 5.0, connect_timeout: float = 3.0) -> None:
        self._pool = SessionPool(max_connections=100)
        # No bound on waiting for a pooled connection: under a burst a reply waits its turn
        # instead of being dropped; a response_url stays valid for 30 minutes.
        self._timeout = aiohttp.ClientTimeout(
            total=None, connect=None, sock_connect=connect_timeout, sock_read=timeout
        )

    def responder(self, response_url: str | None) -> Respond:
        """A ``respond(**message)`` bound to one response_url (ephemeral unless told otherwise)."""

        async def respond(**message: Any) -> None:
            parts = urlsplit(response_url or "")
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ResponseUrlError("this interaction came without a usable response_url")
            payload = {key: value for key, value in message.items() if value is not None}
            body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
            try:
                async with self._pool.session().post(
                    str(response_url),
                    data=body,
                    headers=_HEADERS,
                    timeout=self._timeout,
                    allow_redirects=False,
                    proxy=self._pool.proxy_for(parts.scheme, parts.hostname),
                ) as answer:
                    await answer.read()  # the connection goes back to the pool only once read
                    status = answer.status
            except (aiohttp.ClientError, TimeoutError, OSError) as error:
                # The type only: aiohttp's messages can carry the URL.
                raise ResponseUrlError(f"could not reach Slack ({type(error).__name__})") from None
            if status >= 400:
                raise ResponseUrlError(f"Slack answered HTTP {status} to a reply")

        return respond

    async def aclose(self) -> None:
        await self._pool.aclose()
