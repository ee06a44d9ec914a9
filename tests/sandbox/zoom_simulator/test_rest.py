"""The simulator's REST rules: scopes, `me`, hosts, validation, schedule_for, paging, recordings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from bot.sandbox.zoom_simulator import ManualClock, ZoomSimulator
from tests.kit.zoom_contract import StrictContract
from tests.kit.zoom_link import Login, TokenFetch, bearer, link_user


@pytest.fixture
async def alice(sim_login: Login) -> str:
    token: str = (await sim_login("alice@example.com"))["access_token"]
    return token


async def create(zoom: httpx.AsyncClient, token: str, user: str = "me", **body: Any) -> httpx.Response:
    return await zoom.post(f"/v2/users/{user}/meetings", headers=bearer(token), json=body)


async def test_requests_without_a_token_are_refused(zoom: httpx.AsyncClient) -> None:
    response = await zoom.get("/v2/users/me")
    assert response.status_code == 401 and response.json()["code"] == 124
    garbage = await zoom.get("/v2/users/me", headers=bearer("simat_not-a-token"))
    assert garbage.json() == {"code": 124, "message": "Invalid access token."}


async def test_missing_scope_names_the_granular_scope(zoom: httpx.AsyncClient, sim: ZoomSimulator) -> None:
    narrow = sim.add_app("narrow", "narrow-secret", "http://localhost:3000/cb", ["user:read:user"])
    tokens = await link_user(
        zoom,
        client_id="narrow",
        client_secret="narrow-secret",
        redirect_uri=narrow.redirect_uri,
        email="alice@example.com",
    )
    assert (await zoom.get("/v2/users/me", headers=bearer(tokens["access_token"]))).status_code == 200
    response = await create(zoom, tokens["access_token"], topic="x")
    assert response.status_code == 400
    assert response.json() == {
        "code": 4711,
        "message": "Invalid access token, does not contain scopes:[meeting:write:meeting].",
    }
    assert sim.meetings_of("alice@example.com") == []


async def test_classic_scope_is_accepted_too(zoom: httpx.AsyncClient, sim: ZoomSimulator) -> None:
    classic = sim.add_app(
        "classic", "classic-secret", "http://localhost:3000/cb", ["meeting:write", "user:read"]
    )
    tokens = await link_user(
        zoom,
        client_id="classic",
        client_secret="classic-secret",
        redirect_uri=classic.redirect_uri,
        email="alice@example.com",
    )
    assert (await create(zoom, tokens["access_token"], topic="Classic")).status_code == 201


async def test_user_token_naming_another_user_needs_the_admin_scope(
    zoom: httpx.AsyncClient, alice: str, sim: ZoomSimulator
) -> None:
    bob_id = sim.user("bob@example.com").id
    response = await zoom.get(f"/v2/users/{bob_id}", headers=bearer(alice))
    assert response.status_code == 400
    assert (
        response.json()["message"] == "Invalid access token, does not contain scopes:[user:read:user:admin]."
    )
    # Her own id and e-mail are as good as `me`.
    own = await zoom.get(f"/v2/users/{sim.user('alice@example.com').id}", headers=bearer(alice))
    assert own.status_code == 200
    assert (await zoom.get("/v2/users/ALICE@example.com", headers=bearer(alice))).status_code == 200


async def test_account_token_cannot_use_me(zoom: httpx.AsyncClient, s2s_token: TokenFetch) -> None:
    token = await s2s_token()
    response = await zoom.get("/v2/users/me", headers=bearer(token))
    assert response.status_code == 400
    assert response.json() == {"code": 1001, "message": "User does not exist: me."}
    by_email = await zoom.get("/v2/users/bob@example.com", headers=bearer(token))
    assert by_email.status_code == 200 and by_email.json()["email"] == "bob@example.com"
    other_account = await zoom.get("/v2/users/dave@example.org", headers=bearer(token))
    assert other_account.status_code == 404 and other_account.json()["code"] == 1001


async def test_list_users_is_admin_only_and_pages(
    zoom: httpx.AsyncClient, sim_login: Login, s2s_token: TokenFetch
) -> None:
    member = (await sim_login("alice@example.com"))["access_token"]
    refused = await zoom.get("/v2/users", headers=bearer(member))
    assert (
        refused.json()["message"]
        == "Invalid access token, does not contain scopes:[user:read:list_users:admin]."
    )
    token = await s2s_token()
    first = (await zoom.get("/v2/users", params={"page_size": 2}, headers=bearer(token))).json()
    assert first["total_records"] == 3 and len(first["users"]) == 2 and first["next_page_token"]
    second = (
        await zoom.get(
            "/v2/users",
            params={"page_size": 2, "next_page_token": first["next_page_token"]},
            headers=bearer(token),
        )
    ).json()
    emails = [u["email"] for u in first["users"] + second["users"]]
    assert sorted(emails) == ["alice@example.com", "bob@example.com", "carol@example.com"]
    assert second["next_page_token"] == ""


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"duration": 0}, "duration"),
        ({"duration": 1441}, "duration"),
        ({"topic": "t" * 201}, "topic"),
        ({"agenda": "a" * 2001}, "agenda"),
        ({"start_time": "tomorrow at 3"}, "start_time"),
        ({"start_time": "2026-03-03T15:00:00", "timezone": "Mars/Olympus"}, "timezone"),
        ({"type": 5}, "type"),
        ({"type": 8, "recurrence": {"type": 9}}, "recurrence.type"),
    ],
)
async def test_create_validation(
    zoom: httpx.AsyncClient, alice: str, sim_contract: StrictContract, body: dict[str, Any], field: str
) -> None:
    with sim_contract.allowing_invalid_requests():
        response = await create(zoom, alice, **({"topic": "Valid"} | body))
    assert response.status_code == 400
    payload = response.json()
    assert payload["code"] == 300 and payload["message"] == "Validation Failed."
    assert field in [e["field"] for e in payload["errors"]]


async def test_create_rejects_a_non_object_body(
    zoom: httpx.AsyncClient, alice: str, sim_contract: StrictContract
) -> None:
    with sim_contract.allowing_invalid_requests():
        response = await zoom.post("/v2/users/me/meetings", headers=bearer(alice), content=b"[1,2]")
    assert response.json() == {"code": 300, "message": "Request Body should be a valid JSON object."}


async def test_limits_are_inclusive(zoom: httpx.AsyncClient, alice: str) -> None:
    ok = await create(zoom, alice, topic="t" * 200, agenda="a" * 2000, duration=1440)
    assert ok.status_code == 201
    assert (await create(zoom, alice, topic="x", duration=1)).status_code == 201


async def test_start_time_utc_and_local(zoom: httpx.AsyncClient, alice: str) -> None:
    utc = (await create(zoom, alice, topic="UTC", start_time="2026-03-03T15:00:00Z")).json()
    assert utc["start_time"] == "2026-03-03T15:00:00Z"
    berlin = (
        await create(zoom, alice, topic="Berlin", start_time="2026-03-03T15:00:00", timezone="Europe/Berlin")
    ).json()
    assert berlin["start_time"] == "2026-03-03T14:00:00Z" and berlin["timezone"] == "Europe/Berlin"
    # No timezone: the user's own (America/New_York, UTC-5 in March before DST).
    local = (await create(zoom, alice, topic="NY", start_time="2026-03-03T09:00:00")).json()
    assert local["start_time"] == "2026-03-03T14:00:00Z" and local["timezone"] == "America/New_York"
    past = (await create(zoom, alice, topic="Past", start_time="2020-01-01T00:00:00Z")).json()
    assert past["start_time"] == "2026-03-02T15:00:00Z"  # Zoom: a past start means now


async def test_meeting_ids_links_and_start_url_secrets(
    zoom: httpx.AsyncClient, alice: str, sim: ZoomSimulator
) -> None:
    body = (await create(zoom, alice, topic="Links")).json()
    assert 10 <= len(str(body["id"])) <= 11
    assert body["join_url"].startswith(f"https://zoom.test/j/{body['id']}?pwd=")
    assert body["start_url"].startswith(f"https://zoom.test/s/{body['id']}?zak=simzak_")
    again = (await zoom.get(f"/v2/meetings/{body['id']}", headers=bearer(alice))).json()
    assert again["start_url"] != body["start_url"]  # a fresh host credential each time
    secrets = sim.issued_secrets()
    assert body["start_url"].split("zak=")[1] in secrets and again["start_url"].split("zak=")[1] in secrets


async def test_recurring_meeting_occurrences_follow_the_local_wall_clock(
    zoom: httpx.AsyncClient, alice: str
) -> None:
    body = (
        await create(
            zoom,
            alice,
            topic="Weekly",
            type=8,
            start_time="2026-03-03T09:00:00",
            timezone="America/New_York",
            recurrence={"type": 2, "weekly_days": "2", "end_times": 3},
        )
    ).json()
    # Mondays 09:00 New York; DST starts 2026-03-08, so UTC is 13:00 from then on.
    starts = [o["start_time"] for o in body["occurrences"]]
    assert starts == ["2026-03-09T13:00:00Z", "2026-03-16T13:00:00Z", "2026-03-23T13:00:00Z"]
    assert len({o["occurrence_id"] for o in body["occurrences"]}) == 3


async def test_only_the_host_sees_a_meeting(
    zoom: httpx.AsyncClient, sim_login: Login, s2s_token: TokenFetch
) -> None:
    alice = (await sim_login("alice@example.com"))["access_token"]
    bob = (await sim_login("bob@example.com"))["access_token"]
    meeting_id = (await create(zoom, alice, topic="Private")).json()["id"]
    for method in ("GET", "PATCH", "DELETE"):
        kwargs: dict[str, Any] = {"json": {"topic": "mine now"}} if method == "PATCH" else {}
        response = await zoom.request(method, f"/v2/meetings/{meeting_id}", headers=bearer(bob), **kwargs)
        assert response.status_code == 404
        assert response.json() == {"code": 3001, "message": f"Meeting does not exist: {meeting_id}."}
    account = await s2s_token()
    assert (await zoom.get(f"/v2/meetings/{meeting_id}", headers=bearer(account))).status_code == 200


async def test_update_delete_end_and_invitation(
    zoom: httpx.AsyncClient,
    alice: str,
    sim: ZoomSimulator,
    sim_clock: ManualClock,
    sim_contract: StrictContract,
) -> None:
    meeting_id = (await create(zoom, alice, topic="Plan", start_time="2026-03-04T15:00:00Z")).json()["id"]
    patched = await zoom.patch(
        f"/v2/meetings/{meeting_id}",
        headers=bearer(alice),
        json={"topic": "Plan v2", "start_time": "2026-03-05T16:00:00Z"},
    )
    assert patched.status_code == 204 and patched.content == b""
    shown = (await zoom.get(f"/v2/meetings/{meeting_id}", headers=bearer(alice))).json()
    assert shown["topic"] == "Plan v2" and shown["start_time"] == "2026-03-05T16:00:00Z"
    no_recurrence = await zoom.patch(f"/v2/meetings/{meeting_id}", headers=bearer(alice), json={"type": 8})
    assert no_recurrence.status_code == 400 and no_recurrence.json()["errors"][0]["field"] == "recurrence"
    past = await zoom.patch(
        f"/v2/meetings/{meeting_id}", headers=bearer(alice), json={"start_time": "2026-03-01T16:00:00Z"}
    )
    assert past.status_code == 400 and past.json()["code"] == 300

    invitation = (await zoom.get(f"/v2/meetings/{meeting_id}/invitation", headers=bearer(alice))).json()
    assert shown["join_url"] in invitation["invitation"] and "zak=" not in invitation["invitation"]

    ended = await zoom.put(f"/v2/meetings/{meeting_id}/status", headers=bearer(alice), json={"action": "end"})
    assert ended.status_code == 204
    with sim_contract.allowing_invalid_requests():
        bad_action = await zoom.put(
            f"/v2/meetings/{meeting_id}/status", headers=bearer(alice), json={"action": "explode"}
        )
    assert bad_action.status_code == 400

    assert (await zoom.delete(f"/v2/meetings/{meeting_id}", headers=bearer(alice))).status_code == 204
    assert (await zoom.get(f"/v2/meetings/{meeting_id}", headers=bearer(alice))).json()["code"] == 3001
    assert sim.meetings_of("alice@example.com") == []
    recovered = await zoom.put(
        f"/v2/meetings/{meeting_id}/status", headers=bearer(alice), json={"action": "recover"}
    )
    assert recovered.status_code == 204
    assert [m.id for m in sim.meetings_of("alice@example.com")] == [meeting_id]


async def test_instant_meeting_ends_for_good(zoom: httpx.AsyncClient, alice: str) -> None:
    meeting_id = (await create(zoom, alice, topic="Now", type=1)).json()["id"]
    await zoom.put(f"/v2/meetings/{meeting_id}/status", headers=bearer(alice), json={"action": "end"})
    assert (await zoom.get(f"/v2/meetings/{meeting_id}", headers=bearer(alice))).status_code == 404


async def test_schedule_for_rules(zoom: httpx.AsyncClient, sim: ZoomSimulator, sim_login: Login) -> None:
    alice = (await sim_login("alice@example.com"))["access_token"]
    no_privilege = await create(zoom, alice, topic="For Bob", schedule_for="bob@example.com")
    assert no_privilege.status_code == 400
    assert no_privilege.json() == {
        "code": 3000,
        "message": "You cannot schedule a meeting for bob@example.com",
    }

    sim.grant_scheduling_privilege("alice@example.com", "bob@example.com", shared_access_allowed=False)
    not_shared = await create(zoom, alice, topic="For Bob", schedule_for="bob@example.com")
    assert not_shared.status_code == 403
    assert not_shared.json() == {
        "code": 403,
        "message": "Authenticated user has not permitted access to the targeted resource.",
    }

    sim.grant_scheduling_privilege("alice@example.com", "bob@example.com", shared_access_allowed=True)
    instant = await create(zoom, alice, topic="For Bob", type=1, schedule_for="bob@example.com")
    assert instant.status_code == 400 and instant.json()["code"] == 3000

    created = await create(zoom, alice, topic="For Bob", schedule_for="bob@example.com")
    assert created.status_code == 201
    body = created.json()
    assert body["host_email"] == "bob@example.com"
    assert body["assistant_id"] == sim.user("alice@example.com").id
    assert [m.topic for m in sim.meetings_of("bob@example.com")] == ["For Bob"]
    assert sim.meetings_of("alice@example.com") == []


async def test_list_meetings_scheduled_only_and_upcoming_by_clock(
    zoom: httpx.AsyncClient, sim_login: Login, sim_clock: ManualClock
) -> None:
    alice = (await sim_login("alice@example.com"))["access_token"]
    await create(zoom, alice, topic="Instant", type=1)
    await create(zoom, alice, topic="Tomorrow", start_time="2026-03-03T15:00:00Z", duration=30)
    await create(zoom, alice, topic="Today", start_time="2026-03-02T16:00:00Z", duration=30)

    async def topics(kind: str) -> list[str]:
        response = await zoom.get("/v2/users/me/meetings", params={"type": kind}, headers=bearer(alice))
        return [m["topic"] for m in response.json()["meetings"]]

    assert await topics("scheduled") == ["Today", "Tomorrow"]
    assert await topics("upcoming") == ["Today", "Tomorrow"]
    sim_clock.advance(2 * 3600)  # 17:00Z: "Today" (16:00-16:30) is over
    alice = (await sim_login("alice@example.com"))["access_token"]  # the old token has expired
    assert await topics("upcoming") == ["Tomorrow"]
    assert await topics("previous_meetings") == ["Today"]


async def test_paging_keeps_the_page_size_and_expires(
    zoom: httpx.AsyncClient, alice: str, sim_clock: ManualClock, sim_contract: StrictContract
) -> None:
    for day in range(5):
        await create(zoom, alice, topic=f"M{day}", start_time=f"2026-03-1{day}T15:00:00Z")

    async def page(**params: Any) -> httpx.Response:
        return await zoom.get("/v2/users/me/meetings", params=params, headers=bearer(alice))

    first = (await page(page_size=2)).json()
    assert [m["topic"] for m in first["meetings"]] == ["M0", "M1"]
    assert first["total_records"] == 5 and first["page_size"] == 2
    token = first["next_page_token"]
    second = (await page(page_size=2, next_page_token=token)).json()
    assert [m["topic"] for m in second["meetings"]] == ["M2", "M3"]

    bad_page_token = {"code": 300, "message": "The next page token is invalid or expired."}
    changed = await page(page_size=3, next_page_token=second["next_page_token"])
    assert changed.status_code == 400 and changed.json() == bad_page_token
    default_size = await page(next_page_token=second["next_page_token"])
    assert default_size.json() == bad_page_token
    other_type = await page(page_size=2, type="upcoming", next_page_token=second["next_page_token"])
    assert other_type.json() == bad_page_token
    assert (await page(page_size=2, next_page_token="made-up")).json() == bad_page_token

    sim_clock.advance(15 * 60)
    expired = await page(page_size=2, next_page_token=second["next_page_token"])
    assert expired.status_code == 400 and expired.json() == bad_page_token

    with sim_contract.allowing_invalid_requests():
        too_big = await page(page_size=301)
    assert too_big.status_code == 400 and too_big.json()["code"] == 300
    assert (await page(page_size=300)).status_code == 200


async def test_recordings_range(zoom: httpx.AsyncClient, alice: str, sim: ZoomSimulator) -> None:
    sim.add_recording("alice@example.com", "Retro", datetime(2026, 2, 27, 10, tzinfo=UTC))
    sim.add_recording("alice@example.com", "Old", datetime(2026, 1, 5, 10, tzinfo=UTC))
    sim.add_recording("bob@example.com", "Bob's", datetime(2026, 2, 27, 10, tzinfo=UTC))

    async def recordings(**params: str) -> httpx.Response:
        return await zoom.get("/v2/users/me/recordings", params=params, headers=bearer(alice))

    found = (await recordings(**{"from": "2026-02-02", "to": "2026-03-02"})).json()
    assert [m["topic"] for m in found["meetings"]] == ["Retro"]
    assert found["meetings"][0]["recording_count"] == 2 and found["meetings"][0]["share_url"]
    today = (await recordings()).json()
    assert today["from"] == today["to"] == "2026-03-02" and today["meetings"] == []
    too_wide = await recordings(**{"from": "2026-01-01", "to": "2026-02-02"})
    assert too_wide.status_code == 400 and too_wide.json()["code"] == 300
    backwards = await recordings(**{"from": "2026-02-10", "to": "2026-02-01"})
    assert backwards.status_code == 400


async def test_unknown_route(zoom: httpx.AsyncClient, alice: str, sim_contract: StrictContract) -> None:
    with sim_contract.allowing_invalid_requests():
        response = await zoom.get("/v2/nothing/here", headers=bearer(alice))
    assert response.status_code == 404 and response.json()["code"] == 2300


async def test_scheduled_meeting_id_expires_thirty_days_after_its_date(
    zoom: httpx.AsyncClient, sim_login: Login, sim_clock: ManualClock
) -> None:
    alice = (await sim_login("alice@example.com"))["access_token"]
    meeting_id = (await create(zoom, alice, topic="Soon", start_time="2026-03-03T15:00:00Z")).json()["id"]
    end = datetime(2026, 3, 3, 16, tzinfo=UTC)
    sim_clock.set(end + timedelta(days=30))
    alice = (await sim_login("alice@example.com"))["access_token"]
    assert (await zoom.get(f"/v2/meetings/{meeting_id}", headers=bearer(alice))).status_code == 200
    sim_clock.advance(1)
    alice = (await sim_login("alice@example.com"))["access_token"]
    assert (await zoom.get(f"/v2/meetings/{meeting_id}", headers=bearer(alice))).json()["code"] == 3001
