"""Helpers for driving the simulator from tests: PKCE pairs and the OAuth link flow."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import httpx


def pkce_pair() -> tuple[str, str]:
    """A fresh ``(code_verifier, S256 code_challenge)``."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def authorize_code(
    client: httpx.AsyncClient,
    *,
    client_id: str,
    redirect_uri: str,
    email: str,
    state: str = "state",
    code_challenge: str | None = None,
) -> str:
    """Consent as ``email`` (``login_hint``) and return the authorization code."""
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "state": state,
        "login_hint": email,
    }
    if code_challenge is not None:
        params.update(code_challenge=code_challenge, code_challenge_method="S256")
    response = await client.get("/oauth/authorize", params=params)
    if response.status_code != 302:
        raise AssertionError(f"authorize answered {response.status_code}")
    return httpx.URL(response.headers["location"]).params["code"]


async def link_user(
    client: httpx.AsyncClient, *, client_id: str, client_secret: str, redirect_uri: str, email: str
) -> dict[str, Any]:
    """The whole user-managed OAuth flow with PKCE; returns the token response JSON."""
    verifier, challenge = pkce_pair()
    code = await authorize_code(
        client, client_id=client_id, redirect_uri=redirect_uri, email=email, code_challenge=challenge
    )
    response = await client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        auth=(client_id, client_secret),
    )
    if response.status_code != 200:
        raise AssertionError(f"code exchange answered {response.status_code}: {response.text}")
    body: dict[str, Any] = response.json()
    return body


async def consent(browser: httpx.AsyncClient, authorize_url: str, email: str) -> tuple[str, str]:
    """The user opens an authorize URL and allows the app as ``email``; returns (code, state)
    from the redirect to the bot's callback."""
    response = await browser.get(httpx.URL(authorize_url).copy_merge_params({"login_hint": email}))
    assert response.status_code == 302, response.text
    params = httpx.URL(response.headers["location"]).params
    return params["code"], params["state"]


# Shapes of the test fixtures built on these helpers (for annotations in test modules).
Login = Callable[[str], Awaitable[dict[str, Any]]]
TokenFetch = Callable[[], Awaitable[str]]
