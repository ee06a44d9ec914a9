"""Zoom's OAuth endpoints: the authorize URL, the token endpoint, revoke.

``ZoomOAuth`` speaks to ``/oauth/authorize``, ``/oauth/token`` and ``/oauth/revoke``
under the configured OAuth base, with HTTP Basic client authentication and form bodies.
Token calls are not idempotent (a refresh rotates the refresh token; a code works once),
so they are only retried when nothing was sent, or on a 429.

The account-link flow built on it (single-use state, PKCE, e-mail check, storing the
link) is ours, not Zoom's: ``bot.services.link_flow``.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import httpx

from bot.zoom.classify import oauth_error_from_response
from bot.zoom.errors import Outcome, ZoomError, ZoomErrorKind
from bot.zoom.http import ZoomHttp
from bot.zoom.models import TokenSet


class ZoomOAuth:
    """Zoom's OAuth endpoints for one app (client id/secret, registered redirect URI)."""

    def __init__(self, http: ZoomHttp, client_id: str, client_secret: str, redirect_uri: str) -> None:
        self._http = http
        self.client_id = client_id
        self._client_secret = client_secret
        self.redirect_uri = redirect_uri

    def __repr__(self) -> str:
        return f"ZoomOAuth(client_id={self.client_id!r}, redirect_uri={self.redirect_uri!r})"

    def authorize_url(self, state: str, code_challenge: str) -> str:
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": self.redirect_uri,
                "state": state,
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
            }
        )
        return f"{self._http.oauth_url}/oauth/authorize?{query}"

    async def exchange_code(self, code: str, code_verifier: str) -> TokenSet:
        return await self._token(
            "link your Zoom account",
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.redirect_uri,
                "code_verifier": code_verifier,
            },
            secrets=(code, code_verifier),
        )

    async def refresh(self, refresh_token: str) -> TokenSet:
        return await self._token(
            "refresh the Zoom authorization",
            {"grant_type": "refresh_token", "refresh_token": refresh_token},
            secrets=(refresh_token,),
        )

    async def account_token(self, account_id: str) -> TokenSet:
        return await self._token(
            "get a Zoom account token",
            {"grant_type": "account_credentials", "account_id": account_id},
            secrets=(),
        )

    async def revoke(self, token: str) -> None:
        await self._post("/oauth/revoke", "revoke the Zoom authorization", {"token": token}, secrets=(token,))

    # -- plumbing -------------------------------------------------------------------------------

    def _basic(self) -> str:
        raw = f"{self.client_id}:{self._client_secret}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")

    async def _post(
        self, path: str, operation: str, form: dict[str, str], *, secrets: tuple[str, ...]
    ) -> httpx.Response:
        hidden = (*secrets, self._client_secret)
        url = self._http.oauth_url + path
        headers = {"Authorization": self._basic()}
        return await self._http.send_with_retries(
            operation,
            lambda: self._http.client.post(url, data=form, headers=headers),
            idempotent=False,
            to_error=lambda response, outcome: _with_outcome(
                oauth_error_from_response(response, operation=operation, secrets=hidden), outcome
            ),
        )

    async def _token(self, operation: str, form: dict[str, str], *, secrets: tuple[str, ...]) -> TokenSet:
        started = self._http.clock()
        response = await self._post("/oauth/token", operation, form, secrets=secrets)
        try:
            data: dict[str, Any] = response.json()
            access_token = str(data["access_token"])
            expires_in = int(data.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise ZoomError(
                kind=ZoomErrorKind.UNAVAILABLE,
                operation=operation,
                status=response.status_code,
                message="Zoom's token endpoint answered something that is not a token",
                outcome=Outcome.UNKNOWN,
            ) from None
        refresh_token = data.get("refresh_token")
        return TokenSet(
            access_token=access_token,
            refresh_token=str(refresh_token) if refresh_token else None,
            # Counted from when we asked, so clock skew and latency only shorten it.
            expires_at=started + timedelta(seconds=expires_in),
            scopes=tuple(str(data.get("scope") or "").split()),
            api_url=str(data["api_url"]) if data.get("api_url") else None,
        )


def _with_outcome(error: ZoomError, outcome: Outcome) -> ZoomError:
    error.outcome = outcome
    return error
