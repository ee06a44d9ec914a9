"""Fault injection, rate limits and tracking ids — over ASGI and over a real loopback socket."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx
import pytest

from bot.sandbox.zoom_simulator import ManualClock, ZoomSimulator
from bot.sandbox.zoom_simulator.server import serve_simulator
from tests.kit.zoom_contract import StrictContract
from tests.kit.zoom_link import Login, bearer, link_user

CREATE = "POST /v2/users/{userId}/meetings"


@pytest.fixture
async def alice(sim_login: Login) -> str:
    token: str = (await sim_login("alice@example.com"))["access_token"]
    return token


async def test_forced_status_replaces_the_real_answer_once(
    zoom: httpx.AsyncClient, alice: str, sim: ZoomSimulator
) -> None:
    sim.inject(CREATE, status=503)
    failed = await zoom.post("/v2/users/me/meetings", headers=bearer(alice), json={"topic": "A"})
    assert failed.status_code == 503 and failed.json()["code"] == 503
    assert sim.meetings_of("alice@example.com") == []  # nothing happened
    assert (
        await zoom.post("/v2/users/me/meetings", headers=bearer(alice), json={"topic": "A"})
    ).status_code == 201
    assert sim.stats[CREATE] == 2


async def test_forced_body_and_headers(zoom: httpx.AsyncClient, alice: str, sim: ZoomSimulator) -> None:
    sim.inject(
        "GET /v2/users/{userId}",
        status=429,
        headers={"Retry-After": "2"},
        body={"code": 429, "message": "slow"},
        times=2,
    )
    for _ in range(2):
        response = await zoom.get("/v2/users/me", headers=bearer(alice))
        assert response.status_code == 429 and response.headers["retry-after"] == "2"
        assert response.json() == {"code": 429, "message": "slow"}
    assert (await zoom.get("/v2/users/me", headers=bearer(alice))).status_code == 200
    assert sim.faults.pending() == []


async def test_after_effect_create_exists_though_the_client_saw_a_failure(
    zoom: httpx.AsyncClient, alice: str, sim: ZoomSimulator
) -> None:
    sim.inject(CREATE, status=502, after_effect=True)
    response = await zoom.post("/v2/users/me/meetings", headers=bearer(alice), json={"topic": "Ghost"})
    assert response.status_code == 502
    assert [m.topic for m in sim.meetings_of("alice@example.com")] == ["Ghost"]


async def test_fault_for_one_grant_type_only(
    zoom: httpx.AsyncClient, sim: ZoomSimulator, sim_login: Login
) -> None:
    sim.inject("POST /oauth/token:refresh_token", status=500)
    tokens = await sim_login("alice@example.com")  # the authorization_code exchange is untouched
    refreshed = await zoom.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        auth=("sim-client", "sim-client-secret"),
    )
    assert refreshed.status_code == 500


async def test_latency_lets_a_client_timeout_fire(sim: ZoomSimulator) -> None:
    async with serve_simulator(sim) as base_url, httpx.AsyncClient(base_url=base_url) as client:
        tokens = await link_user(
            client,
            client_id="sim-client",
            client_secret="sim-client-secret",
            redirect_uri="http://localhost:3000/zoom/oauth/callback",
            email="alice@example.com",
        )
        sim.inject("GET /v2/users/{userId}", latency=0.5)
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            await client.get("/v2/users/me", headers=bearer(tokens["access_token"]), timeout=0.1)
        assert time.monotonic() - started < 0.45
        assert (await client.get("/v2/users/me", headers=bearer(tokens["access_token"]))).status_code == 200


async def test_lost_refresh_response_strands_the_client(sim: ZoomSimulator) -> None:
    # Zoom rotates, then the answer never arrives: the client's only refresh token is now dead.
    started = time.monotonic()
    async with serve_simulator(sim) as base_url, httpx.AsyncClient(base_url=base_url) as client:
        tokens = await link_user(
            client,
            client_id="sim-client",
            client_secret="sim-client-secret",
            redirect_uri="http://localhost:3000/zoom/oauth/callback",
            email="alice@example.com",
        )
        sim.inject("POST /oauth/token:refresh_token", after_effect=True, drop=True)
        data = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
        with pytest.raises(httpx.ReadTimeout):
            await client.post(
                "/oauth/token", data=data, auth=("sim-client", "sim-client-secret"), timeout=0.2
            )
        retry = await client.post("/oauth/token", data=data, auth=("sim-client", "sim-client-secret"))
        assert retry.status_code == 400 and retry.json() == {
            "reason": "Invalid Token!",
            "error": "invalid_grant",
        }
        assert [g.grant_type for g in sim.tokens_issued] == ["authorization_code", "refresh_token"]
    # Leaving the server released the hanging request instead of waiting for it.
    assert time.monotonic() - started < 5


async def test_tracking_id_on_every_response(
    zoom: httpx.AsyncClient, alice: str, sim_contract: StrictContract
) -> None:
    with sim_contract.allowing_invalid_requests():  # /v2/unknown is not a Zoom endpoint
        responses = [
            await zoom.get("/v2/users/me", headers=bearer(alice)),
            await zoom.get("/v2/users/me"),
            await zoom.post("/oauth/token", data={"grant_type": "refresh_token"}),
            await zoom.get("/v2/unknown", headers=bearer(alice)),
            await zoom.get("/_sim/stats"),
        ]
    ids = [r.headers["x-zm-trackingid"] for r in responses]
    assert all(ids) and len(set(ids)) == len(ids)


def _small_sim(contract: StrictContract, **limits: int) -> ZoomSimulator:
    sim = ZoomSimulator(
        ManualClock(datetime(2026, 3, 2, 15, tzinfo=UTC)), seed=3, contract=contract, **limits
    )
    sim.add_app(
        "c",
        "s",
        "http://localhost/cb",
        ["user:read:user", "meeting:write:meeting", "meeting:read:list_meetings", "meeting:update:meeting"],
    )
    sim.add_user("alice@example.com", "Alice", "Ng", account_id="a1")
    sim.add_user("erin@example.net", "Erin", "Else", account_id="a2")
    return sim


async def _token(client: httpx.AsyncClient, email: str) -> str:
    tokens = await link_user(
        client, client_id="c", client_secret="s", redirect_uri="http://localhost/cb", email=email
    )
    token: str = tokens["access_token"]
    return token


async def test_qps_limit_per_account_and_category(sim_contract: StrictContract) -> None:
    sim = _small_sim(sim_contract, qps_limit=3, medium_qps_limit=2)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim.app), base_url="http://zoom.test"
    ) as client:
        alice, erin = await _token(client, "alice@example.com"), await _token(client, "erin@example.net")
        statuses = [(await client.get("/v2/users/me", headers=bearer(alice))).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        limited = await client.get("/v2/users/me", headers=bearer(alice))
        assert limited.status_code == 429
        assert limited.json() == {
            "code": 429,
            "message": "You have reached the maximum per-second rate limit for this API. Try again later.",
        }
        assert limited.headers["retry-after"] == "1"
        assert limited.headers["x-ratelimit-category"] == "Light"
        assert limited.headers["x-ratelimit-type"] == "QPS"
        # Medium has its own budget, and another account is not affected.
        assert (await client.get("/v2/users/me/meetings", headers=bearer(alice))).status_code == 200
        assert (await client.get("/v2/users/me", headers=bearer(erin))).status_code == 200


async def test_daily_create_update_limit_resets_at_midnight_utc(sim_contract: StrictContract) -> None:
    sim = _small_sim(sim_contract, daily_create_update_limit=2)
    clock = sim.clock
    assert isinstance(clock, ManualClock)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim.app), base_url="http://zoom.test"
    ) as client:
        alice = await _token(client, "alice@example.com")
        first = await client.post("/v2/users/me/meetings", headers=bearer(alice), json={"topic": "1"})
        patched = await client.patch(
            f"/v2/meetings/{first.json()['id']}", headers=bearer(alice), json={"topic": "1b"}
        )
        assert (first.status_code, patched.status_code) == (201, 204)
        limited = await client.post("/v2/users/me/meetings", headers=bearer(alice), json={"topic": "3"})
        assert limited.status_code == 429
        assert limited.json()["message"].startswith(
            "You have exceeded the daily rate limit (2) of Meeting Create/Update"
        )
        assert limited.headers["retry-after"] == "2026-03-03T00:00:00Z"
        assert limited.headers["x-ratelimit-type"] == "Daily-limit"
        assert len(sim.meetings_of("alice@example.com")) == 1
        clock.set(datetime(2026, 3, 3, 0, 0, tzinfo=UTC))
        alice = await _token(client, "alice@example.com")
        assert (
            await client.post("/v2/users/me/meetings", headers=bearer(alice), json={"topic": "3"})
        ).status_code == 201
