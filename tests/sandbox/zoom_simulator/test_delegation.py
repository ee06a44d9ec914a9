"""Scheduling privilege in the simulator: schedulers/assistants lists, the host's meetings, schedule_for."""

from __future__ import annotations

from datetime import timedelta

import httpx

from bot.sandbox.zoom_simulator import ManualClock, ZoomSimulator
from tests.kit.zoom_link import Login, TokenFetch, link_user
from tests.sandbox.zoom_simulator.test_contract import checked

SCHEDULERS = "/users/{userId}/schedulers"
ASSISTANTS = "/users/{userId}/assistants"
MEETINGS = "/users/{userId}/meetings"


async def test_schedulers_and_assistants_point_opposite_ways(
    zoom: httpx.AsyncClient, sim: ZoomSimulator, sim_login: Login, s2s_token: TokenFetch
) -> None:
    # bob may schedule for alice and for carol.
    sim.grant_scheduling_privilege("bob@example.com", "alice@example.com")
    sim.grant_scheduling_privilege("bob@example.com", "carol@example.com", shared_access_allowed=False)
    bob = (await sim_login("bob@example.com"))["access_token"]
    alice = (await sim_login("alice@example.com"))["access_token"]
    mine = await checked(zoom, bob, "GET", SCHEDULERS, "/v2/users/me/schedulers")
    assert mine.status_code == 200
    assert [s["email"] for s in mine.json()["schedulers"]] == ["alice@example.com", "carol@example.com"]
    assert mine.json()["schedulers"][0]["id"] == sim.user("alice@example.com").id
    assert (await checked(zoom, alice, "GET", SCHEDULERS, "/v2/users/me/schedulers")).json() == {
        "schedulers": []
    }
    account = await s2s_token()
    helpers = await checked(zoom, account, "GET", ASSISTANTS, "/v2/users/alice@example.com/assistants")
    assert [a["email"] for a in helpers.json()["assistants"]] == ["bob@example.com"]
    by_email = await checked(zoom, account, "GET", SCHEDULERS, "/v2/users/bob@example.com/schedulers")
    assert by_email.json() == mine.json()


async def test_a_user_token_reads_only_its_own_lists(
    zoom: httpx.AsyncClient, sim: ZoomSimulator, sim_login: Login, s2s_token: TokenFetch
) -> None:
    bob = (await sim_login("bob@example.com"))["access_token"]
    other = await checked(zoom, bob, "GET", SCHEDULERS, "/v2/users/alice@example.com/schedulers")
    assert other.status_code == 400
    assert other.json() == {
        "code": 4711,
        "message": "Invalid access token, does not contain scopes:[user:read:list_schedulers:admin].",
    }
    nobody = await checked(zoom, await s2s_token(), "GET", ASSISTANTS, "/v2/users/zed@example.com/assistants")
    assert (nobody.status_code, nobody.json()["code"]) == (404, 1001)


async def test_listing_schedulers_needs_its_scope(zoom: httpx.AsyncClient, sim: ZoomSimulator) -> None:
    narrow = sim.add_app("narrow", "narrow-secret", "http://localhost:3000/cb", ["meeting:write:meeting"])
    tokens = await link_user(
        zoom,
        client_id="narrow",
        client_secret="narrow-secret",
        redirect_uri=narrow.redirect_uri,
        email="bob@example.com",
    )
    refused = await checked(zoom, tokens["access_token"], "GET", SCHEDULERS, "/v2/users/me/schedulers")
    assert refused.json() == {
        "code": 4711,
        "message": "Invalid access token, does not contain scopes:[user:read:list_schedulers].",
    }


async def test_an_assistant_lists_the_hosts_meetings_only_through_shared_access(
    zoom: httpx.AsyncClient, sim: ZoomSimulator, sim_login: Login, sim_clock: ManualClock
) -> None:
    alice = (await sim_login("alice@example.com"))["access_token"]
    start = (sim_clock.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = {"topic": "Alice's", "type": 2, "start_time": start, "duration": 30}
    await checked(zoom, alice, "POST", MEETINGS, "/v2/users/me/meetings", json=body)
    bob = (await sim_login("bob@example.com"))["access_token"]
    path = "/v2/users/alice@example.com/meetings"

    no_privilege = await checked(zoom, bob, "GET", MEETINGS, path, params={"type": "upcoming"})
    assert no_privilege.status_code == 400
    assert no_privilege.json()["message"] == (
        "Invalid access token, does not contain scopes:[meeting:read:list_meetings:admin]."
    )

    sim.grant_scheduling_privilege("bob@example.com", "alice@example.com", shared_access_allowed=False)
    not_shared = await checked(zoom, bob, "GET", MEETINGS, path, params={"type": "upcoming"})
    assert not_shared.status_code == 403
    assert not_shared.json() == {
        "code": 403,
        "message": "Authenticated user has not permitted access to the targeted resource.",
    }

    sim.grant_scheduling_privilege("bob@example.com", "alice@example.com", shared_access_allowed=True)
    listed = await checked(zoom, bob, "GET", MEETINGS, path, params={"type": "upcoming"})
    assert [m["topic"] for m in listed.json()["meetings"]] == ["Alice's"]
    # The privilege covers meetings, not the host's other data.
    recordings = await zoom.get(
        "/v2/users/alice@example.com/recordings", headers={"Authorization": f"Bearer {bob}"}
    )
    assert recordings.status_code == 400 and recordings.json()["code"] == 4711


async def test_schedule_for_someone_unknown_or_in_another_account(
    zoom: httpx.AsyncClient, sim_login: Login, sim_clock: ManualClock
) -> None:
    alice = (await sim_login("alice@example.com"))["access_token"]
    start = (sim_clock.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    base = {"topic": "For someone", "type": 2, "start_time": start, "duration": 30}
    unknown = await checked(
        zoom,
        alice,
        "POST",
        MEETINGS,
        "/v2/users/me/meetings",
        json={**base, "schedule_for": "zed@example.com"},
    )
    assert unknown.status_code == 404
    assert unknown.json() == {"code": 1001, "message": "User does not exist: zed@example.com."}
    elsewhere = await checked(
        zoom,
        alice,
        "POST",
        MEETINGS,
        "/v2/users/me/meetings",
        json={**base, "schedule_for": "dave@example.org"},
    )
    assert elsewhere.status_code == 400
    assert elsewhere.json() == {"code": 1010, "message": "User does not belong to this account: acc-1."}
