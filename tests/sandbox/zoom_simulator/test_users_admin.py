"""The simulator's POST /users and PUT /users/{userId}/status: admins only, e-mails used once, seats,
the daily limit, the plan; deactivated users' tokens stop working."""

from __future__ import annotations

import httpx

from bot.sandbox.zoom_simulator import ZoomSimulator
from bot.sandbox.zoom_simulator.users_admin import accept_invitation
from tests.kit.zoom_contract import StrictContract
from tests.kit.zoom_link import Login, TokenFetch, bearer


def new_user(email: str, kind: int = 1) -> dict[str, object]:
    return {"action": "create", "user_info": {"email": email, "type": kind}}


async def test_an_account_token_creates_a_pending_user_once(
    zoom: httpx.AsyncClient, sim: ZoomSimulator, s2s_token: TokenFetch, sim_contract: StrictContract
) -> None:
    account = bearer(await s2s_token())
    created = await zoom.post("/v2/users", headers=account, json=new_user("erin@example.com", 2))
    assert created.status_code == 201
    assert created.json() == {
        "id": sim.user("erin@example.com").id,
        "email": "erin@example.com",
        "first_name": "",
        "last_name": "",
        "type": 2,
    }
    assert sim.user("erin@example.com").status == "pending"
    for email in ("erin@example.com", "DAVE@example.org"):  # also an e-mail of another account
        again = await zoom.post("/v2/users", headers=account, json=new_user(email))
        assert again.status_code == 409 and again.json()["code"] == 1005
    with sim_contract.allowing_invalid_requests():  # no e-mail: Zoom's validation answers
        bad = await zoom.post(
            "/v2/users", headers=account, json={"action": "create", "user_info": {"type": 1}}
        )
    assert bad.status_code == 400 and bad.json()["code"] == 300
    assert accept_invitation(sim, "erin@example.com").status == "active"


async def test_seats_the_daily_limit_and_the_plan(
    zoom: httpx.AsyncClient, sim: ZoomSimulator, s2s_token: TokenFetch
) -> None:
    account = bearer(await s2s_token())
    sim.accounts["acc-1"].licensed_seats = 3  # alice, bob, carol hold them
    full = await zoom.post("/v2/users", headers=account, json=new_user("erin@example.com", 2))
    assert full.status_code == 400 and full.json()["code"] == 2034
    sim.accounts["acc-1"].basic_seats = 0
    assert (await zoom.post("/v2/users", headers=account, json=new_user("erin@example.com"))).json()[
        "code"
    ] == 2033
    sim.user_create_limit = 2  # refused requests count too: two so far today
    limited = await zoom.post("/v2/users", headers=account, json=new_user("erin@example.com"))
    assert limited.status_code == 429 and limited.headers["x-ratelimit-type"] == "Daily-limit"
    sim.user_create_limit = None
    sim.accounts["acc-1"].plan = "basic"
    plan = await zoom.post("/v2/users", headers=account, json=new_user("erin@example.com"))
    assert plan.status_code == 400 and plan.json()["code"] == 200
    assert sim.find_user("erin@example.com") is None


async def test_a_user_token_without_the_admin_scope_is_refused(
    zoom: httpx.AsyncClient, sim: ZoomSimulator, sim_login: Login
) -> None:
    carol = bearer((await sim_login("carol@example.com"))["access_token"])  # an admin, user-level app
    refused = await zoom.post("/v2/users", headers=carol, json=new_user("erin@example.com"))
    assert refused.json() == {
        "code": 4711,
        "message": "Invalid access token, does not contain scopes:[user:write:user:admin].",
    }
    status = await zoom.put("/v2/users/bob@example.com/status", headers=carol, json={"action": "deactivate"})
    assert status.json()["code"] == 4711 and sim.user("bob@example.com").status == "active"


async def test_deactivate_frees_the_licence_and_stops_the_users_tokens(
    zoom: httpx.AsyncClient, sim: ZoomSimulator, s2s_token: TokenFetch, sim_login: Login
) -> None:
    account = bearer(await s2s_token())
    bob = bearer((await sim_login("bob@example.com"))["access_token"])
    off = await zoom.put("/v2/users/bob@example.com/status", headers=account, json={"action": "deactivate"})
    assert off.status_code == 200 and not off.content
    assert (sim.user("bob@example.com").status, sim.user("bob@example.com").type) == ("inactive", 1)
    assert (await zoom.get("/v2/users/me", headers=bob)).status_code == 401
    admin = await zoom.put(
        "/v2/users/carol@example.com/status", headers=account, json={"action": "deactivate"}
    )
    assert admin.status_code == 400 and admin.json()["code"] == 200
    unknown = await zoom.put("/v2/users/zed@example.com/status", headers=account, json={"action": "activate"})
    assert unknown.status_code == 404 and unknown.json()["code"] == 1001
    on = await zoom.put("/v2/users/bob@example.com/status", headers=account, json={"action": "activate"})
    assert on.status_code == 200 and sim.user("bob@example.com").status == "active"
