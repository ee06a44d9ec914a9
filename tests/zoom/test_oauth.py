"""Zoom's OAuth endpoints as ZoomOAuth speaks them: the authorize URL, code exchange and
refresh (rotation), client authentication — against the simulator on loopback."""

from __future__ import annotations

import httpx
import pytest

from bot.sandbox.zoom_simulator import ZoomSimulator
from bot.zoom.errors import ZoomError, ZoomErrorKind
from bot.zoom.http import ZoomHttp
from bot.zoom.oauth import ZoomOAuth
from tests.kit.zoom_link import consent, pkce_pair

ALICE = "alice@example.com"


def test_authorize_url_carries_exact_parameters(oauth: ZoomOAuth) -> None:
    url = httpx.URL(oauth.authorize_url("st4te", "ch4llenge"))
    assert url.path == "/oauth/authorize"
    assert dict(url.params) == {
        "response_type": "code",
        "client_id": "sim-client",
        "redirect_uri": "http://localhost:3000/zoom/oauth/callback",
        "state": "st4te",
        "code_challenge": "ch4llenge",
        "code_challenge_method": "S256",
    }
    assert "secret" not in repr(oauth)


async def test_token_set_repr_hides_tokens(oauth: ZoomOAuth, http: ZoomHttp, sim: ZoomSimulator) -> None:
    verifier, challenge = pkce_pair()
    code, _ = await consent(http.client, oauth.authorize_url("s", challenge), ALICE)
    tokens = await oauth.exchange_code(code, verifier)
    assert tokens.access_token not in repr(tokens) and str(tokens.refresh_token) not in repr(tokens)
    refreshed = await oauth.refresh(str(tokens.refresh_token))
    assert refreshed.refresh_token != tokens.refresh_token
    with pytest.raises(ZoomError) as stale:
        await oauth.refresh(str(tokens.refresh_token))  # rotated: the old one is dead
    assert stale.value.kind == ZoomErrorKind.AUTH and stale.value.code == "invalid_grant"
    assert str(tokens.refresh_token) not in str(stale.value)


async def test_bad_client_secret_is_auth(http: ZoomHttp, sim: ZoomSimulator) -> None:
    oauth = ZoomOAuth(http, "sim-client", "wrong-secret", sim.apps["sim-client"].redirect_uri)
    with pytest.raises(ZoomError) as caught:
        await oauth.refresh("simrt_whatever")
    assert caught.value.kind == ZoomErrorKind.AUTH and caught.value.code == "invalid_client"
    assert "wrong-secret" not in str(caught.value) and "simrt_whatever" not in str(caught.value)
