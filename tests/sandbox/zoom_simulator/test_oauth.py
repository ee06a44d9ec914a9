"""The simulator's zoom.us OAuth: consent, codes, PKCE, client auth, rotation, revoke, S2S."""

from __future__ import annotations

import re

import httpx

from bot.sandbox.zoom_simulator import ManualClock, ZoomSimulator
from bot.sandbox.zoom_simulator.model import SimApp
from tests.kit.zoom_link import Login, authorize_code, bearer, pkce_pair

INVALID_CLIENT = {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}
INVALID_TOKEN = {"reason": "Invalid Token!", "error": "invalid_grant"}


def authorize_params(app: SimApp, **extra: str) -> dict[str, str]:
    return {"response_type": "code", "client_id": app.client_id, "redirect_uri": app.redirect_uri, **extra}


async def exchange(zoom: httpx.AsyncClient, app: SimApp, code: str, **extra: str) -> httpx.Response:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": app.redirect_uri, **extra}
    return await zoom.post("/oauth/token", data=data, auth=(app.client_id, app.client_secret))


async def refresh(zoom: httpx.AsyncClient, app: SimApp, refresh_token: str) -> httpx.Response:
    return await zoom.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": refresh_token},
        auth=(app.client_id, app.client_secret),
    )


async def test_consent_page_lists_users_and_its_form_redirects_with_code_and_state(
    zoom: httpx.AsyncClient, sim_app: SimApp
) -> None:
    page = await zoom.get("/oauth/authorize", params=authorize_params(sim_app, state="xyz"))
    assert page.status_code == 200
    assert "alice@example.com" in page.text and "bob@example.com" in page.text
    # Submit Bob's form exactly as a browser would: its hidden fields, nothing else.
    forms = re.findall(r'<form method="post" action="/oauth/authorize">(.*?)</form>', page.text)
    bobs_form = next(f for f in forms if 'value="bob@example.com"' in f)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', bobs_form))
    submitted = await zoom.post("/oauth/authorize", data=fields)
    assert submitted.status_code == 302
    location = httpx.URL(submitted.headers["location"])
    assert str(location).startswith(sim_app.redirect_uri + "?")
    assert location.params["state"] == "xyz" and location.params["code"]
    tokens = await exchange(zoom, sim_app, location.params["code"])
    assert tokens.status_code == 200
    me = await zoom.get("/v2/users/me", headers=bearer(tokens.json()["access_token"]))
    assert me.json()["email"] == "bob@example.com"


async def test_login_hint_skips_the_page(zoom: httpx.AsyncClient, sim_app: SimApp) -> None:
    response = await zoom.get(
        "/oauth/authorize", params=authorize_params(sim_app, login_hint="alice@example.com")
    )
    assert response.status_code == 302
    assert "code=" in response.headers["location"]


async def test_authorize_refuses_a_redirect_uri_that_is_not_exactly_the_apps(
    zoom: httpx.AsyncClient, sim_app: SimApp
) -> None:
    for wrong in (sim_app.redirect_uri + "/", sim_app.redirect_uri + "?next=x", "https://evil.example/cb"):
        params = authorize_params(sim_app, login_hint="alice@example.com") | {"redirect_uri": wrong}
        response = await zoom.get("/oauth/authorize", params=params)
        assert response.status_code == 400
        assert "location" not in response.headers
        assert "Invalid redirect" in response.text


async def test_token_response_shape(sim_login: Login, sim_app: SimApp) -> None:
    tokens = await sim_login("alice@example.com")
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 3599
    assert tokens["access_token"].startswith("simat_") and tokens["refresh_token"].startswith("simrt_")
    assert tokens["api_url"] == "http://zoom.test"
    # Alice is a member: the app's :admin scopes are not granted to her.
    granted = set(tokens["scope"].split(" "))
    assert "meeting:write:meeting" in granted and not any(s.endswith(":admin") for s in granted)


async def test_admin_user_receives_admin_scopes(sim_login: Login) -> None:
    tokens = await sim_login("carol@example.com")
    assert "user:read:list_users:admin" in tokens["scope"].split(" ")


async def test_code_is_single_use(zoom: httpx.AsyncClient, sim_app: SimApp) -> None:
    code = await authorize_code(
        zoom, client_id=sim_app.client_id, redirect_uri=sim_app.redirect_uri, email="alice@example.com"
    )
    assert (await exchange(zoom, sim_app, code)).status_code == 200
    again = await exchange(zoom, sim_app, code)
    assert again.status_code == 400
    assert again.json() == {"reason": "Invalid authorization code", "error": "invalid_grant"}


async def test_code_expires_after_five_minutes(
    zoom: httpx.AsyncClient, sim_app: SimApp, sim_clock: ManualClock
) -> None:
    code = await authorize_code(
        zoom, client_id=sim_app.client_id, redirect_uri=sim_app.redirect_uri, email="alice@example.com"
    )
    sim_clock.advance(5 * 60 + 1)
    response = await exchange(zoom, sim_app, code)
    assert response.status_code == 400
    assert response.json() == {"reason": "Code is expired", "error": "invalid_grant"}


async def test_code_within_five_minutes_works(
    zoom: httpx.AsyncClient, sim_app: SimApp, sim_clock: ManualClock
) -> None:
    code = await authorize_code(
        zoom, client_id=sim_app.client_id, redirect_uri=sim_app.redirect_uri, email="alice@example.com"
    )
    sim_clock.advance(5 * 60 - 1)
    assert (await exchange(zoom, sim_app, code)).status_code == 200


async def test_pkce_verifier_must_match(zoom: httpx.AsyncClient, sim_app: SimApp) -> None:
    verifier, challenge = pkce_pair()
    code = await authorize_code(
        zoom,
        client_id=sim_app.client_id,
        redirect_uri=sim_app.redirect_uri,
        email="alice@example.com",
        code_challenge=challenge,
    )
    wrong = await exchange(zoom, sim_app, code, code_verifier=pkce_pair()[0])
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    missing = await exchange(zoom, sim_app, code)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_grant"
    assert (await exchange(zoom, sim_app, code, code_verifier=verifier)).status_code == 200


async def test_code_exchange_needs_the_same_redirect_uri(zoom: httpx.AsyncClient, sim_app: SimApp) -> None:
    code = await authorize_code(
        zoom, client_id=sim_app.client_id, redirect_uri=sim_app.redirect_uri, email="alice@example.com"
    )
    response = await exchange(zoom, sim_app, code, redirect_uri="http://localhost:3000/other")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_token_endpoint_requires_basic_client_auth(zoom: httpx.AsyncClient, sim_app: SimApp) -> None:
    code = await authorize_code(
        zoom, client_id=sim_app.client_id, redirect_uri=sim_app.redirect_uri, email="alice@example.com"
    )
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": sim_app.redirect_uri}
    # client_id/secret in the form body are not client authentication at Zoom.
    no_auth = await zoom.post("/oauth/token", data=data | {"client_id": sim_app.client_id})
    wrong = await zoom.post("/oauth/token", data=data, auth=(sim_app.client_id, "not-the-secret"))
    garbage = await zoom.post("/oauth/token", data=data, headers={"Authorization": "Basic !!!"})
    for response in (no_auth, wrong, garbage):
        assert response.status_code == 401
        assert response.json() == INVALID_CLIENT
    # The refused attempts did not burn the code.
    assert (await exchange(zoom, sim_app, code)).status_code == 200


async def test_refresh_rotates_and_kills_the_old_pair(
    zoom: httpx.AsyncClient, sim_app: SimApp, sim_login: Login
) -> None:
    first = await sim_login("alice@example.com")
    rotated = await refresh(zoom, sim_app, first["refresh_token"])
    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]

    reuse = await refresh(zoom, sim_app, first["refresh_token"])
    assert reuse.status_code == 400 and reuse.json() == INVALID_TOKEN

    old_access = await zoom.get("/v2/users/me", headers=bearer(first["access_token"]))
    assert old_access.status_code == 401
    assert old_access.json() == {"code": 124, "message": "Invalid access token."}
    assert (await zoom.get("/v2/users/me", headers=bearer(second["access_token"]))).status_code == 200
    assert (await refresh(zoom, sim_app, second["refresh_token"])).status_code == 200


async def test_refresh_by_another_client_is_refused(
    zoom: httpx.AsyncClient, sim: ZoomSimulator, sim_app: SimApp, sim_login: Login
) -> None:
    other = sim.add_app("other", "other-secret", sim_app.redirect_uri, ["meeting:read"])
    tokens = await sim_login("alice@example.com")
    response = await refresh(zoom, other, tokens["refresh_token"])
    assert response.status_code == 400 and response.json() == INVALID_TOKEN


async def test_authorizing_again_ends_earlier_tokens(sim_login: Login, zoom: httpx.AsyncClient) -> None:
    first = await sim_login("alice@example.com")
    await sim_login("alice@example.com")
    assert (await zoom.get("/v2/users/me", headers=bearer(first["access_token"]))).status_code == 401


async def test_expired_access_token(
    zoom: httpx.AsyncClient, sim: ZoomSimulator, sim_clock: ManualClock, sim_login: Login
) -> None:
    tokens = await sim_login("alice@example.com")
    sim_clock.advance(3598)
    assert (await zoom.get("/v2/users/me", headers=bearer(tokens["access_token"]))).status_code == 200
    sim_clock.advance(2)
    response = await zoom.get("/v2/users/me", headers=bearer(tokens["access_token"]))
    assert response.status_code == 401
    assert response.json() == {"code": 124, "message": "Access token is expired."}


async def test_expire_access_tokens_helper(
    sim_login: Login, zoom: httpx.AsyncClient, sim: ZoomSimulator
) -> None:
    alice = await sim_login("alice@example.com")
    bob = await sim_login("bob@example.com")
    assert sim.expire_access_tokens("alice@example.com") == 1
    assert (await zoom.get("/v2/users/me", headers=bearer(alice["access_token"]))).status_code == 401
    assert (await zoom.get("/v2/users/me", headers=bearer(bob["access_token"]))).status_code == 200


async def test_revoke_ends_access_and_refresh(
    zoom: httpx.AsyncClient, sim_app: SimApp, sim_login: Login
) -> None:
    tokens = await sim_login("alice@example.com")
    unauthenticated = await zoom.post("/oauth/revoke", params={"token": tokens["access_token"]})
    assert unauthenticated.status_code == 401
    response = await zoom.post(
        "/oauth/revoke",
        params={"token": tokens["access_token"]},
        auth=(sim_app.client_id, sim_app.client_secret),
    )
    assert response.status_code == 200 and response.json() == {"status": "success"}
    assert (await zoom.get("/v2/users/me", headers=bearer(tokens["access_token"]))).status_code == 401
    assert (await refresh(zoom, sim_app, tokens["refresh_token"])).json() == INVALID_TOKEN


async def test_account_credentials_grant(zoom: httpx.AsyncClient, sim: ZoomSimulator) -> None:
    response = await zoom.post(
        "/oauth/token",
        params={"grant_type": "account_credentials", "account_id": "acc-1"},
        auth=("sim-s2s", "sim-s2s-secret"),
    )
    assert response.status_code == 200
    body = response.json()
    assert "refresh_token" not in body
    assert "meeting:write:meeting:admin" in body["scope"].split(" ")
    wrong_account = await zoom.post(
        "/oauth/token",
        params={"grant_type": "account_credentials", "account_id": "acc-2"},
        auth=("sim-s2s", "sim-s2s-secret"),
    )
    assert wrong_account.status_code == 400
    user_app = await zoom.post(
        "/oauth/token",
        params={"grant_type": "account_credentials", "account_id": "acc-1"},
        auth=("sim-client", "sim-client-secret"),
    )
    assert user_app.status_code == 400 and user_app.json()["error"] == "unsupported_grant_type"


async def test_stats_count_token_calls_per_grant(
    sim_login: Login, zoom: httpx.AsyncClient, sim: ZoomSimulator, sim_app: SimApp
) -> None:
    tokens = await sim_login("alice@example.com")
    await refresh(zoom, sim_app, tokens["refresh_token"])
    stats = sim.stats
    assert stats["POST /oauth/token"] == 2
    assert stats["POST /oauth/token:refresh_token"] == 1
    assert stats["POST /oauth/token:authorization_code"] == 1
    assert [g.grant_type for g in sim.tokens_issued] == ["authorization_code", "refresh_token"]
