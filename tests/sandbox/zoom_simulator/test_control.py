"""The /_sim/ control API and the threaded loopback server (what the sandbox and
multi-process tests use), plus webhook signing and delivery."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.sandbox.devserver import serve_asgi_in_thread
from bot.sandbox.zoom_simulator import ManualClock, ZoomSimulator, encrypted_token, sign_webhook
from bot.sandbox.zoom_simulator.server import serve_simulator_in_thread
from tests.kit.zoom_contract import StrictContract

SECRET = "webhook-secret-token"


def test_sign_webhook_matches_zooms_scheme() -> None:
    body = b'{"event":"meeting.ended"}'
    headers = sign_webhook(SECRET, body, 1_700_000_000)
    expected = hmac.new(SECRET.encode(), b"v0:1700000000:" + body, hashlib.sha256).hexdigest()
    assert headers == {"x-zm-signature": f"v0={expected}", "x-zm-request-timestamp": "1700000000"}
    assert sign_webhook(SECRET, body + b" ", 1_700_000_000) != headers
    assert encrypted_token(SECRET, "plain") == hmac.new(SECRET.encode(), b"plain", hashlib.sha256).hexdigest()


@pytest.fixture
def served(sim: ZoomSimulator) -> Iterator[httpx.Client]:
    with serve_simulator_in_thread(sim) as base_url, httpx.Client(base_url=base_url, timeout=5) as client:
        yield client


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict[str, object]]]]:
    """A webhook endpoint on loopback that checks Zoom's signature on the raw body."""
    received: list[dict[str, object]] = []

    async def hook(request: Request) -> JSONResponse:
        raw = await request.body()
        expected = sign_webhook(SECRET, raw, int(request.headers["x-zm-request-timestamp"]))["x-zm-signature"]
        if not hmac.compare_digest(expected, request.headers["x-zm-signature"]):
            return JSONResponse({"error": "bad signature"}, status_code=401)
        body = json.loads(raw)
        received.append(body)
        if body["event"] == "endpoint.url_validation":
            plain = body["payload"]["plainToken"]
            return JSONResponse({"plainToken": plain, "encryptedToken": encrypted_token(SECRET, plain)})
        return JSONResponse({"ok": True})

    with serve_asgi_in_thread(Starlette(routes=[Route("/zoom/webhooks", hook, methods=["POST"])])) as url:
        yield f"{url}/zoom/webhooks", received


def test_control_api_round_trip(served: httpx.Client, sim: ZoomSimulator, sim_clock: ManualClock) -> None:
    added = served.post(
        "/_sim/users",
        json={
            "email": "frank@example.com",
            "first_name": "Frank",
            "last_name": "Li",
            "account_id": "acc-1",
            "role": "admin",
        },
    )
    assert added.status_code == 201 and added.json()["email"] == "frank@example.com"
    assert sim.user("frank@example.com").is_admin
    assert (
        served.post("/_sim/users", json={"email": "frank@example.com", "account_id": "acc-1"}).status_code
        == 400
    )

    granted = served.post(
        "/_sim/privileges", json={"assistant_email": "frank@example.com", "for_email": "bob@example.com"}
    )
    assert granted.status_code == 200
    assert sim.scheduling_privilege(sim.user("frank@example.com").id, sim.user("bob@example.com").id) is True

    fault = served.post("/_sim/faults", json={"route": "GET /v2/users/{userId}", "status": 500, "times": 2})
    assert fault.status_code == 201
    assert [f["route"] for f in served.get("/_sim/faults").json()["faults"]] == ["GET /v2/users/{userId}"]
    assert served.delete("/_sim/faults").status_code == 204
    assert served.get("/_sim/faults").json() == {"faults": []}

    advanced = served.post("/_sim/clock/advance", json={"seconds": 90})
    assert advanced.json() == {"now": "2026-03-02T15:01:30Z"}
    assert sim_clock.now() == datetime(2026, 3, 2, 15, 1, 30, tzinfo=UTC)
    served.post("/_sim/clock/advance", json={"to": "2026-03-05T08:00:00Z"})
    assert served.get("/_sim/clock").json() == {"now": "2026-03-05T08:00:00Z", "manual": True}

    recording = served.post(
        "/_sim/recordings",
        json={"user_email": "bob@example.com", "topic": "Demo", "start_time": "2026-03-04T10:00:00Z"},
    )
    assert recording.status_code == 201 and sim.recordings[0].topic == "Demo"


def test_meetings_listing_and_token_expiry_over_http(served: httpx.Client, sim: ZoomSimulator) -> None:
    verifier_free = served.get(
        "/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": "sim-client",
            "redirect_uri": "http://localhost:3000/zoom/oauth/callback",
            "login_hint": "alice@example.com",
        },
    )
    code = httpx.URL(verifier_free.headers["location"]).params["code"]
    tokens = served.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://localhost:3000/zoom/oauth/callback",
        },
        auth=("sim-client", "sim-client-secret"),
    ).json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    created = served.post("/v2/users/me/meetings", headers=headers, json={"topic": "Over HTTP"})
    assert created.status_code == 201
    listed = served.get("/_sim/meetings", params={"email": "alice@example.com"}).json()["meetings"]
    assert [m["topic"] for m in listed] == ["Over HTTP"]
    assert "start_url" not in listed[0] and "zak=" not in json.dumps(listed)
    assert served.get("/_sim/stats").json()["stats"]["POST /v2/users/{userId}/meetings"] == 1

    assert served.post("/_sim/tokens/expire", json={"email": "alice@example.com"}).json() == {"expired": 1}
    assert served.get("/v2/users/me", headers=headers).json() == {
        "code": 124,
        "message": "Access token is expired.",
    }


def test_send_webhooks_over_http(
    served: httpx.Client, sim: ZoomSimulator, receiver: tuple[str, list[dict[str, object]]]
) -> None:
    url, received = receiver
    validation = served.post(
        "/_sim/webhooks/send",
        json={
            "url": url,
            "secret_token": SECRET,
            "event": "endpoint.url_validation",
            "params": {"plain_token": "p1"},
        },
    ).json()
    assert validation["status"] == 200
    assert json.loads(validation["body"]) == {
        "plainToken": "p1",
        "encryptedToken": encrypted_token(SECRET, "p1"),
    }

    deauth = served.post(
        "/_sim/webhooks/send",
        json={
            "url": url,
            "secret_token": SECRET,
            "event": "app_deauthorized",
            "params": {"user_email": "bob@example.com", "client_id": "sim-client"},
        },
    ).json()
    assert deauth["status"] == 200
    assert [body["event"] for body in received] == ["endpoint.url_validation", "app_deauthorized"]

    wrong_secret = served.post(
        "/_sim/webhooks/send",
        json={"url": url, "secret_token": "not-the-secret", "event": "endpoint.url_validation"},
    ).json()
    assert wrong_secret["status"] == 401


def test_advance_needs_a_manual_clock(sim_contract: StrictContract) -> None:
    sim = ZoomSimulator(contract=sim_contract)
    with serve_simulator_in_thread(sim) as base_url:
        response = httpx.post(f"{base_url}/_sim/clock/advance", json={"seconds": 1})
    assert response.status_code == 409


def test_a_held_refresh_answer_is_released_over_http(served: httpx.Client, sim: ZoomSimulator) -> None:
    """Another process holds Zoom's answer (``drop`` after the effect) and releases it on cue."""
    app = sim.apps["sim-client"]
    consent = served.get(
        "/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": app.client_id,
            "redirect_uri": app.redirect_uri,
            "login_hint": "alice@example.com",
        },
    )
    code = parse_qs(urlsplit(consent.headers["location"]).query)["code"][0]
    linked = served.post(
        "/oauth/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": app.redirect_uri},
        auth=(app.client_id, app.client_secret),
    )
    refresh_token = linked.json()["refresh_token"]
    fault = {"route": "POST /oauth/token:refresh_token", "after_effect": True, "drop": True}
    assert served.post("/_sim/faults", json=fault).status_code == 201
    answers: list[httpx.Response] = []

    def refresh() -> None:
        with httpx.Client(base_url=str(served.base_url), timeout=30) as client:
            answers.append(
                client.post(
                    "/oauth/token",
                    data={"grant_type": "refresh_token", "refresh_token": refresh_token},
                    auth=(app.client_id, app.client_secret),
                )
            )

    asker = threading.Thread(target=refresh)
    asker.start()
    for _ in range(3000):  # until the request hangs at the simulator (30 s at most)
        if served.get("/_sim/hangs").json() == {"waiting": 1}:
            break
        threading.Event().wait(0.01)
    assert served.get("/_sim/hangs").json() == {"waiting": 1} and not answers
    assert served.post("/_sim/hangs/release").json() == {"released": 1}
    asker.join(timeout=30)
    (answer,) = answers
    assert answer.status_code == 200 and answer.json()["refresh_token"] != refresh_token  # the real answer
    assert served.get("/_sim/hangs").json() == {"waiting": 0}
    assert served.post("/_sim/hangs/release").json() == {"released": 0}
