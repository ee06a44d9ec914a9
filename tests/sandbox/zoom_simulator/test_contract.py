"""Every simulator answer matches Zoom's OpenAPI documents; the contract helper itself is strict."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from bot.sandbox.zoom_simulator import ZoomSimulator, catalog
from bot.sandbox.zoom_simulator.contract import Exchange
from tests.kit.zoom_contract import (
    DOCS_DIR,
    ContractError,
    StrictContract,
    validate_request,
    validate_response,
    validate_webhook,
)
from tests.kit.zoom_link import Login, TokenFetch, bearer


async def checked(
    zoom: httpx.AsyncClient,
    token: str,
    method: str,
    template: str,
    path: str,
    *,
    valid: bool = True,
    **kwargs: Any,
) -> httpx.Response:
    """Send a request (checked against the contract when ``valid``) and check the answer."""
    if valid and "json" in kwargs:
        validate_request(method, template, kwargs["json"])
    response = await zoom.request(method, path, headers=bearer(token), **kwargs)
    body = response.json() if response.content else None
    validate_response(method, template, response.status_code, body)
    return response


async def test_every_operation_answers_within_the_contract(
    zoom: httpx.AsyncClient,
    sim: ZoomSimulator,
    sim_login: Login,
    s2s_token: TokenFetch,
    sim_contract: StrictContract,
) -> None:
    alice = (await sim_login("alice@example.com"))["access_token"]
    account = await s2s_token()
    sim.add_recording("alice@example.com", "Retro", datetime(2026, 3, 1, 10, tzinfo=UTC))

    await checked(zoom, alice, "GET", "/users/{userId}", "/v2/users/me")
    await checked(zoom, account, "GET", "/users", "/v2/users", params={"page_size": 2})
    created = []
    for body in (
        {"topic": "Instant", "type": 1},
        {
            "topic": "Scheduled",
            "type": 2,
            "start_time": "2026-03-03T15:00:00Z",
            "duration": 45,
            "agenda": "Plan",
        },
        {
            "topic": "Weekly",
            "type": 8,
            "start_time": "2026-03-03T09:00:00",
            "timezone": "Europe/Berlin",
            "recurrence": {"type": 2, "weekly_days": "2,4", "end_times": 4},
            "settings": {"waiting_room": True, "auto_recording": "cloud"},
        },
    ):
        response = await checked(
            zoom, alice, "POST", "/users/{userId}/meetings", "/v2/users/me/meetings", json=body
        )
        assert response.status_code == 201
        created.append(response.json()["id"])
    for kind in ("scheduled", "upcoming"):
        await checked(
            zoom,
            alice,
            "GET",
            "/users/{userId}/meetings",
            "/v2/users/me/meetings",
            params={"type": kind, "page_size": 1},
        )
    for meeting_id in created[1:]:
        await checked(zoom, alice, "GET", "/meetings/{meetingId}", f"/v2/meetings/{meeting_id}")
        await checked(
            zoom, alice, "GET", "/meetings/{meetingId}/invitation", f"/v2/meetings/{meeting_id}/invitation"
        )
        await checked(
            zoom,
            alice,
            "PATCH",
            "/meetings/{meetingId}",
            f"/v2/meetings/{meeting_id}",
            json={"topic": "Renamed"},
        )
    await checked(
        zoom,
        alice,
        "PUT",
        "/meetings/{meetingId}/status",
        f"/v2/meetings/{created[0]}/status",
        json={"action": "end"},
    )
    await checked(zoom, alice, "DELETE", "/meetings/{meetingId}", f"/v2/meetings/{created[1]}")
    response = await checked(
        zoom,
        alice,
        "GET",
        "/users/{userId}/recordings",
        "/v2/users/me/recordings",
        params={"from": "2026-02-20"},
    )
    assert response.json()["meetings"]
    # Errors keep Zoom's error shape too.
    for status_path in (f"/v2/meetings/{created[1]}", "/v2/meetings/123"):
        missing = await checked(zoom, alice, "GET", "/meetings/{meetingId}", status_path)
        assert missing.status_code == 404
    with sim_contract.allowing_invalid_requests():
        invalid = await checked(
            zoom,
            alice,
            "POST",
            "/users/{userId}/meetings",
            "/v2/users/me/meetings",
            valid=False,
            json={"duration": 0},
        )
    assert invalid.status_code == 400


def test_catalog_matches_the_documents() -> None:
    documents = [
        json.loads((DOCS_DIR / name).read_text())
        for name in (
            "endpoints/workplace/Meetings.json",
            "endpoints/accounts/Users.json",
            "endpoints/accounts/Accounts.json",
        )
    ]
    for op in catalog.OPERATIONS:
        found = next(d["paths"][op.path][op.method.lower()] for d in documents if op.path in d["paths"])
        assert set(op.scopes) == set(found["security"][0]["openapi_oauth"]), op.key
        extensions = found["x-extensions"]
        documented = set(extensions["x-macro-scopes"]) | set(extensions.get("x-granular-scopes", []))
        assert set(op.scopes) == documented, op.key
        label = re.search(r"Rate Limit Label.*?`([\w-]+)`", found["description"], re.S)
        assert label is not None and label.group(1).capitalize() == op.category, op.key


def test_contract_catches_a_wrong_success_status_and_shape() -> None:
    with pytest.raises(ContractError, match="status not documented"):
        validate_response("POST", "/users/{userId}/meetings", 200, {"id": 1})
    with pytest.raises(ContractError, match="type"):
        validate_response(
            "GET", "/users/{userId}", 200, {"id": "u1", "email": "a@example.com"}
        )  # `type` is required
    with pytest.raises(ContractError, match="id"):
        validate_response("GET", "/meetings/{meetingId}", 200, {"id": "85746065"})  # int64, not a string
    with pytest.raises(ContractError, match="no body"):
        validate_response("DELETE", "/meetings/{meetingId}", 204, {"ok": True})
    with pytest.raises(ContractError, match="'code' is a required property"):
        validate_response("GET", "/meetings/{meetingId}", 404, {"error": "nope"})
    with pytest.raises(ContractError, match="not in Zoom"):
        validate_response("GET", "/meetings/{meetingId}/nothing", 200, {})


def test_contract_checks_request_bodies_and_queries() -> None:
    validate_request(
        "POST", "/v2/users/{userId}/meetings", {"topic": "ok", "start_time": "2026-03-03T09:00:00"}
    )
    with pytest.raises(ContractError, match="topic"):
        validate_request("POST", "/users/{userId}/meetings", {"topic": "x" * 201})
    with pytest.raises(ContractError, match="duration"):
        validate_request("POST", "/users/{userId}/meetings", {"duration": 1441})
    with pytest.raises(ContractError, match="start_time"):
        validate_request("POST", "/users/{userId}/meetings", {"start_time": "tomorrow 3pm"})
    # Strict mode refuses fields Zoom does not declare (a typo would be silently ignored by Zoom).
    validate_request("POST", "/users/{userId}/meetings", {"start_tme": "2026-03-03T09:00:00Z"})
    with pytest.raises(ContractError, match="start_tme"):
        validate_request(
            "POST", "/users/{userId}/meetings", {"start_tme": "2026-03-03T09:00:00Z"}, strict=True
        )
    validate_request("GET", "/users/{userId}/meetings", None, query={"type": "upcoming", "page_size": "300"})
    with pytest.raises(ContractError, match="page_size"):
        validate_request("GET", "/users/{userId}/meetings", None, query={"page_size": "301"})
    with pytest.raises(ContractError, match="unknown query parameter"):
        validate_request("GET", "/users/{userId}/meetings", None, query={"pagesize": "30"})
    with pytest.raises(ContractError, match="takes no body"):
        validate_request("GET", "/meetings/{meetingId}", {"x": 1})


def test_nullable_becomes_a_null_type() -> None:
    from tests.kit.zoom_contract import _normalise

    schema = _normalise(
        {"type": "object", "properties": {"a": {"type": "string", "nullable": True, "enum": ["x"]}}}, {}
    )
    assert schema["properties"]["a"] == {"type": ["string", "null"], "enum": ["x", None]}


def test_webhook_documents_resolve_their_broken_refs() -> None:
    # meeting.updated's old_object is a $ref to "#/paths/meeting.updated/..." in a document without paths.
    body = {
        "event": "meeting.updated",
        "event_ts": 1,
        "payload": {
            "account_id": "acc",
            "operator": "a@example.com",
            "operator_id": "u1",
            "object": {"id": 1},
            "old_object": {"id": "not an integer"},
            "time_stamp": 1,
        },
    }
    with pytest.raises(ContractError, match="old_object"):
        validate_webhook("meeting.updated", body)


async def test_webhook_payloads_match_the_documents(
    zoom: httpx.AsyncClient, sim: ZoomSimulator, sim_login: Login
) -> None:
    alice = (await sim_login("alice@example.com"))["access_token"]
    created = (
        await zoom.post(
            "/v2/users/me/meetings",
            headers=bearer(alice),
            json={"topic": "Hook", "start_time": "2026-03-03T15:00:00Z"},
        )
    ).json()
    recording = sim.add_recording(
        "alice@example.com", "Hook", datetime(2026, 3, 1, 10, tzinfo=UTC), meeting_id=created["id"]
    )
    payloads = {
        "meeting.updated": sim.webhook_payload(
            "meeting.updated", meeting_id=created["id"], old_values={"topic": "Before", "duration": 30}
        ),
        "meeting.deleted": sim.webhook_payload("meeting.deleted", meeting_id=created["id"]),
        "meeting.ended": sim.webhook_payload("meeting.ended", meeting_id=created["id"]),
        "recording.completed": sim.webhook_payload("recording.completed", meeting_id=recording.meeting_id),
        "app_deauthorized": sim.webhook_payload(
            "app_deauthorized", user_email="alice@example.com", client_id="sim-client"
        ),
    }
    # A meeting as it happens: started, people come and go, it ends, Zoom records and summarises it.
    life = [
        "meeting.started",
        "meeting.participant_joined",
        "meeting.participant_joined",
        "meeting.participant_left",
    ]
    params: list[dict[str, Any]] = [{}, {"name": "Bob"}, {"name": "a guest"}, {"name": "Bob"}]
    for event, extra in zip(life, params, strict=True):
        body = sim.webhook_payload(event, meeting_id=created["id"], **extra)
        validate_webhook(event, body)
    for event in ("meeting.ended", "recording.transcript_completed", "meeting.summary_completed"):
        body = sim.webhook_payload(event, meeting_id=created["id"])
        validate_webhook(event, body)
        payloads[event] = body
    joined = sim.meetings[created["id"]].participants
    assert [p.name for p in joined] == ["Bob Meyer", "a guest"] and all(p.leave_time for p in joined)
    assert all(
        f["file_type"] == "TRANSCRIPT"
        for f in payloads["recording.transcript_completed"]["payload"]["object"]["recording_files"]
    )
    for event, payload in payloads.items():
        assert payload["event"] == event
        validate_webhook(event, payload)
    assert payloads["meeting.updated"]["payload"]["object"]["topic"] == "Hook"
    assert payloads["meeting.updated"]["payload"]["old_object"]["topic"] == "Before"
    # Deauthorizing ended Alice's grant.
    assert (await zoom.get("/v2/users/me", headers=bearer(alice))).status_code == 401
    validation = sim.webhook_payload("endpoint.url_validation", plain_token="abc")
    assert validation["payload"] == {"plainToken": "abc"}


class Recorder:
    """A contract observer that keeps what it is told."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []
        self.webhooks: list[tuple[str, dict[str, Any]]] = []

    def exchange(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)

    def webhook(self, event: str, body: dict[str, Any]) -> None:
        self.webhooks.append((event, body))


async def test_the_simulator_reports_each_exchange_and_webhook_to_its_contract_observer(
    zoom: httpx.AsyncClient, sim: ZoomSimulator, sim_login: Login
) -> None:
    alice = (await sim_login("alice@example.com"))["access_token"]
    recorder = Recorder()
    sim.contract = recorder
    body = {"topic": "Seen", "start_time": "2026-03-03T15:00:00Z"}
    created = await zoom.post("/v2/users/me/meetings", headers=bearer(alice), json=body)
    await zoom.get("/v2/users/me/meetings", headers=bearer(alice), params={"type": "upcoming"})
    sim.inject("GET /v2/users/{userId}", status=503)
    await zoom.get("/v2/users/me", headers=bearer(alice))
    await zoom.get("/v2/not/zoom", headers=bearer(alice))
    sim.webhook_payload("meeting.deleted", meeting_id=created.json()["id"])

    create, listing, forced, unknown = recorder.exchanges
    assert (create.method, create.path_template, create.path) == (
        "POST",
        "/users/{userId}/meetings",
        "/v2/users/me/meetings",
    )
    assert create.request_json() == body and create.status == 201
    assert create.response_json() == created.json() and not create.forced
    assert listing.query == {"type": "upcoming"} and listing.request_json() is None
    assert forced.forced and forced.status == 503
    assert unknown.path_template is None and unknown.status == 404
    [(event, payload)] = recorder.webhooks
    assert event == "meeting.deleted" and payload["payload"]["object"]["id"] == created.json()["id"]


def exchange(**fields: Any) -> Exchange:
    defaults: dict[str, Any] = {
        "method": "GET",
        "path_template": "/meetings/{meetingId}",
        "path": "/v2/meetings/85746065",
        "query": {},
        "request_body": b"",
        "status": 404,
        "response_body": b'{"code": 3001, "message": "Meeting does not exist: 85746065."}',
        "forced": False,
    }
    return Exchange(**(defaults | fields))


def test_the_strict_contract_collects_violations_and_fails_with_all_of_them() -> None:
    contract = StrictContract()
    contract.exchange(exchange())
    contract.assert_clean()
    contract.exchange(exchange(status=200, response_body=b'{"id": "85746065"}'))  # a string id
    contract.exchange(
        exchange(
            method="POST",
            path_template="/users/{userId}/meetings",
            path="/v2/users/me/meetings",
            request_body=b'{"start_tme": "2026-03-03T09:00:00Z"}',  # a typo Zoom would ignore
            status=400,
            response_body=b'{"code": 300, "message": "Validation Failed."}',
        )
    )
    contract.exchange(exchange(path_template=None, path="/v2/nothing"))
    contract.exchange(exchange(status=200, response_body=b"not json", forced=True))  # a test's choice
    contract.webhook("meeting.deleted", {"event": "meeting.deleted"})
    contract.webhook("endpoint.url_validation", {"event": "endpoint.url_validation", "payload": {}})
    with pytest.raises(ContractError) as failure:
        contract.assert_clean()
    message = str(failure.value)
    assert "5 exchange(s) outside Zoom's OpenAPI documents" in message
    assert "GET /v2/meetings/85746065: GET /meetings/{meetingId} response 200" in message
    assert "start_tme" in message and "GET /v2/nothing: not an endpoint" in message
    assert "webhook meeting.deleted" in message and "plainToken" in message
    assert "not json" not in message


def test_strict_mode_closes_an_all_of_object_over_all_its_parts() -> None:
    user = {
        "id": "u1",
        "email": "a@example.com",
        "type": 1,
        "first_name": "A",
        "account_id": "acc",
        "status": "active",
    }
    validate_response("GET", "/users/{userId}", 200, user, strict=True)
    with pytest.raises(ContractError, match="emial"):
        validate_response("GET", "/users/{userId}", 200, {**user, "emial": "x"}, strict=True)


def test_the_strict_contract_lets_a_deliberately_bad_request_through_only_when_told() -> None:
    contract = StrictContract()
    bad = exchange(
        method="PUT",
        path_template="/meetings/{meetingId}/status",
        path="/v2/meetings/1/status",
        request_body=b'{"action": "explode"}',
        status=400,
        response_body=b'{"code": 300, "message": "Validation Failed."}',
    )
    with contract.allowing_invalid_requests():
        contract.exchange(bad)
    contract.assert_clean()
    contract.exchange(bad)
    with pytest.raises(ContractError, match="explode"):
        contract.assert_clean()
