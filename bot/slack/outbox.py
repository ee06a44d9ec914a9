"""Posting to Slack from background work, with Slack's failures sorted into three kinds.

- :class:`SlackRateLimited`: HTTP 429; ``retry_after`` seconds from Slack's header.
- :class:`SlackRefused`: Slack answered and will keep refusing (``channel_not_found``,
  ``not_in_channel``, ``is_archived``, ``invalid_blocks``…): retrying cannot help.
- :class:`SlackUnavailable`: no usable answer (5xx, network error, timeout). The post
  may or may not have reached Slack; callers retry it (at least once delivery).

The client used here must not retry 429s by sleeping: the caller turns a rate limit into
a later due time instead of holding its leases while it waits.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.slack.views._blocks import SlackMessage

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_RETRY_AFTER_S = 1.0
# Errors Slack documents as temporary (everything else it answers is a refusal).
_TRANSIENT_ERRORS = frozenset(
    {
        "internal_error",
        "fatal_error",
        "service_unavailable",
        "request_timeout",
        "ratelimited",
        "team_added_to_org",
    }
)

ClientFor = Callable[[str], Awaitable[Any]]  # team id -> slack_sdk AsyncWebClient


class SlackOutError(Exception):
    pass


class SlackRateLimited(SlackOutError):
    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited by Slack; retry after {retry_after:.0f} s")
        self.retry_after = retry_after


class SlackRefused(SlackOutError):
    def __init__(self, error: str) -> None:
        super().__init__(f"Slack refused: {error}")
        self.error = error


class SlackUnavailable(SlackOutError):
    pass


def _retry_after(headers: Mapping[str, Any] | None) -> float:
    for key, value in (headers or {}).items():
        if str(key).lower() == "retry-after":
            try:
                return max(float(value if not isinstance(value, list) else value[0]), 0.0)
            except (TypeError, ValueError):
                break
    return DEFAULT_RETRY_AFTER_S


def classify(error: SlackApiError) -> SlackOutError:
    response = error.response
    status = getattr(response, "status_code", 200)
    code = str(response.get("error") or "unknown_error") if response is not None else "unknown_error"
    if status == 429 or code == "ratelimited":
        return SlackRateLimited(_retry_after(getattr(response, "headers", None)))
    if status >= 500 or code in _TRANSIENT_ERRORS:
        return SlackUnavailable(f"Slack unavailable ({status} {code})")
    return SlackRefused(code)


class SlackOut:
    """Posts, DMs and edits on behalf of background work (reminders, digests, webhooks)."""

    def __init__(self, client_for: ClientFor, *, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        self._client_for = client_for
        self.timeout = timeout

    async def post(
        self,
        team_id: str,
        channel: str,
        message: SlackMessage,
        *,
        metadata: dict[str, Any] | None = None,
        thread_ts: str | None = None,
    ) -> str:
        """``chat.postMessage``; returns the message ts."""
        arguments: dict[str, Any] = {"channel": channel, "text": message["text"], "blocks": message["blocks"]}
        if metadata is not None:
            arguments["metadata"] = metadata
        if thread_ts is not None:
            arguments["thread_ts"] = thread_ts
        response = await self._call(team_id, "chat_postMessage", arguments)
        return str(response["ts"])

    async def dm(self, team_id: str, user_id: str, message: SlackMessage) -> str:
        """``conversations.open`` then ``chat.postMessage`` into the bot's DM with the user."""
        opened = await self._call(team_id, "conversations_open", {"users": user_id})
        channel = (opened.get("channel") or {}).get("id")
        if not channel:
            raise SlackRefused("channel_not_found")
        return await self.post(team_id, str(channel), message)

    async def update(self, team_id: str, channel: str, ts: str, message: SlackMessage) -> None:
        await self._call(
            team_id,
            "chat_update",
            {"channel": channel, "ts": ts, "text": message["text"], "blocks": message["blocks"]},
        )

    async def is_private(self, team_id: str, channel: str) -> bool:
        """Whether only some people see ``channel``: a DM, a group DM or a private channel.

        ``G…`` and ``D…`` ids are private by construction; other ids are asked about
        (``conversations.info``). When Slack cannot say, the answer is True: the cautious one.
        """
        if channel[:1] in ("G", "D"):
            return True
        try:
            info = await self._call(team_id, "conversations_info", {"channel": channel})
        except SlackOutError as error:
            log.info("could not tell whether a channel is private (%s); treating it as private", error)
            return True
        found = info.get("channel") or {}
        return bool(found.get("is_private") or found.get("is_im") or found.get("is_mpim"))

    async def api(self, team_id: str, method: str, arguments: dict[str, Any]) -> Any:
        """Any other Web API method (slack_sdk's name, e.g. ``calls_add``), failures sorted as above."""
        return await self._call(team_id, method, arguments)

    async def _call(self, team_id: str, method: str, arguments: dict[str, Any]) -> Any:
        try:
            client = await self._client_for(team_id)
        except LookupError as missing:  # the workspace uninstalled the app
            raise SlackRefused("not_installed") from missing
        try:
            async with asyncio.timeout(self.timeout):
                return await getattr(client, method)(**arguments)
        except SlackApiError as error:
            raise classify(error) from None
        except (TimeoutError, aiohttp.ClientError, SlackRequestError, OSError) as error:
            raise SlackUnavailable(f"Slack unreachable ({type(error).__name__})") from None
