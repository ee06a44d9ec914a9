"""Slack's OAuth and profile methods with a person's own user token, for status sync.

Slack's consent page lives beside its Web API (``https://slack.com/oauth/v2/authorize`` for
``https://slack.com/api/``), so one setting, ``SLACK_API_URL``, points both at the stand-in in
the sandbox. Tokens go only in the Authorization header (slack_sdk's way) and never into a
log line or an error: a refusal is reported by Slack's error code alone.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urljoin

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.services.status_sync import USER_SCOPES, SlackUserApiError, UserGrant
from bot.store.status_sync import SavedStatus

TIMEOUT_S = 10


def authorize_base(slack_api_url: str) -> str:
    """Slack's consent page for a Web API base: ``…/api/`` → ``…/oauth/v2/authorize``."""
    return urljoin(slack_api_url, "../oauth/v2/authorize")


class SlackUserApi:
    """The :class:`bot.services.status_sync.SlackUserApi` over Slack's Web API."""

    def __init__(self, api_url: str, client_id: str, client_secret: str, redirect_uri: str) -> None:
        self._api_url = api_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._redirect_uri = redirect_uri

    def __repr__(self) -> str:
        return "SlackUserApi(client_secret=[redacted])"

    def authorize_url(self, state: str, team_id: str) -> str:
        query = {
            "client_id": self._client_id,
            "user_scope": ",".join(USER_SCOPES),
            "redirect_uri": self._redirect_uri,
            "state": state,
            "team": team_id,  # the workspace the person asked from, preselected
        }
        return f"{authorize_base(self._api_url)}?{urlencode(query)}"

    async def exchange(self, code: str) -> UserGrant:
        answer = await self._call(
            None,
            lambda client: client.oauth_v2_access(
                client_id=self._client_id,
                client_secret=self._client_secret,
                code=code,
                redirect_uri=self._redirect_uri,
            ),
        )
        person = answer.get("authed_user")
        team = answer.get("team")
        if not isinstance(person, dict) or not isinstance(team, dict) or not person.get("access_token"):
            raise SlackUserApiError("no_user_token")
        return UserGrant(
            team_id=str(team.get("id") or ""),
            user_id=str(person.get("id") or ""),
            token=str(person["access_token"]),
            scopes=frozenset(s for s in str(person.get("scope") or "").split(",") if s),
        )

    async def read_status(self, token: str) -> SavedStatus:
        answer = await self._call(token, lambda client: client.users_profile_get())
        profile = answer.get("profile") if isinstance(answer.get("profile"), dict) else {}
        assert isinstance(profile, dict)
        expiration = profile.get("status_expiration")
        return SavedStatus(
            text=str(profile.get("status_text") or ""),
            emoji=str(profile.get("status_emoji") or ""),
            expiration=expiration if isinstance(expiration, int) else 0,
        )

    async def write_status(self, token: str, status: SavedStatus) -> None:
        profile = {
            "status_text": status.text,
            "status_emoji": status.emoji,
            "status_expiration": status.expiration,
        }
        await self._call(token, lambda client: client.users_profile_set(profile=profile))

    async def revoke(self, token: str) -> None:
        await self._call(token, lambda client: client.auth_revoke())

    async def _call(self, token: str | None, call: Any) -> dict[str, Any]:
        client = AsyncWebClient(token=token, base_url=self._api_url, timeout=TIMEOUT_S)
        try:
            response = await call(client)
        except SlackApiError as error:
            code = error.response.get("error") if error.response is not None else None
            status = error.response.status_code if error.response is not None else 0
            raise SlackUserApiError(
                str(code or "unknown_error"), transient=status >= 500 or status == 429
            ) from None
        except (SlackRequestError, aiohttp.ClientError, OSError, TimeoutError):
            raise SlackUserApiError("slack_unreachable", transient=True) from None
        data = response.data
        return data if isinstance(data, dict) else {}
