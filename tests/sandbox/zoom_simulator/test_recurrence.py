"""The simulator's recurring meetings (type 8): Zoom's validation, occurrences, occurrence_id."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bot.sandbox.zoom_simulator import ManualClock
from tests.kit.zoom_contract import StrictContract, validate_request, validate_response
from tests.kit.zoom_link import Login, bearer

WEEKDAYS = {"type": 2, "repeat_interval": 1, "weekly_days": "2,3,4,5,6", "end_times": 5}


@pytest.fixture
async def alice(sim_login: Login) -> str:
    token: str = (await sim_login("alice@example.com"))["access_token"]
    return token


async def call(
    zoom: httpx.AsyncClient, token: str, method: str, template: str, path: str, **kwargs: Any
) -> httpx.Response:
    """One request, with the request and the answer both checked against Zoom's documents."""
    if "json" in kwargs:
        validate_request(method, template, kwargs["json"])
    if "params" in kwargs:
        validate_request(method, template, None, query=kwargs["params"])
    response = await zoom.request(method, path, headers=bearer(token), **kwargs)
    validate_response(method, template, response.status_code, response.json() if response.content else None)
    return response


async def standup(zoom: httpx.AsyncClient, token: str, **recurrence: Any) -> dict[str, Any]:
    body = {
        "topic": "Standup",
        "type": 8,
        "start_time": "2026-03-03T09:00:00",  # Tuesday
        "timezone": "America/New_York",
        "duration": 15,
        "recurrence": WEEKDAYS | recurrence,
    }
    created = await call(zoom, token, "POST", "/users/{userId}/meetings", "/v2/users/me/meetings", json=body)
    assert created.status_code == 201, created.text
    result: dict[str, Any] = created.json()
    return result


@pytest.mark.parametrize(
    ("recurrence", "field"),
    [
        ({"type": 1, "repeat_interval": 100}, "recurrence.repeat_interval"),  # daily: at most 99
        ({"type": 2, "weekly_days": "2", "repeat_interval": 51}, "recurrence.repeat_interval"),
        ({"type": 3, "monthly_day": 1, "repeat_interval": 11}, "recurrence.repeat_interval"),
        ({"type": 2, "weekly_days": "2", "repeat_interval": 0}, "recurrence.repeat_interval"),
        ({"type": 2}, "recurrence.weekly_days"),  # required for weekly
        ({"type": 2, "weekly_days": "2,8"}, "recurrence.weekly_days"),
        ({"type": 2, "weekly_days": "mon"}, "recurrence.weekly_days"),
        ({"type": 3, "monthly_day": 32}, "recurrence.monthly_day"),
        ({"type": 1, "end_times": 61}, "recurrence.end_times"),
        ({"type": 1, "end_times": 5, "end_date_time": "2026-04-01T00:00:00Z"}, "recurrence.end_date_time"),
        ({"type": 1, "end_date_time": "next spring"}, "recurrence.end_date_time"),
    ],
)
async def test_recurrence_is_validated_like_zoom(
    zoom: httpx.AsyncClient,
    alice: str,
    sim_contract: StrictContract,
    recurrence: dict[str, Any],
    field: str,
) -> None:
    body = {"topic": "Bad", "type": 8, "start_time": "2026-03-03T09:00:00Z", "recurrence": recurrence}
    with sim_contract.allowing_invalid_requests():  # some of these break the documents on purpose
        response = await zoom.post("/v2/users/me/meetings", headers=bearer(alice), json=body)
    assert response.status_code == 400 and response.json()["code"] == 300
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_a_weekday_series_has_its_occurrences_in_the_meeting_and_the_list(
    zoom: httpx.AsyncClient, alice: str, sim_clock: ManualClock, sim_login: Login
) -> None:
    created = await standup(zoom, alice)
    starts = [o["start_time"] for o in created["occurrences"]]
    # Tue 3 → Mon 9 Mar, skipping the weekend; 14:00 UTC on EST, 13:00 UTC from Sun 8 Mar (EDT).
    assert starts == [
        "2026-03-03T14:00:00Z",
        "2026-03-04T14:00:00Z",
        "2026-03-05T14:00:00Z",
        "2026-03-06T14:00:00Z",
        "2026-03-09T13:00:00Z",
    ]
    assert created["recurrence"] == WEEKDAYS and created["type"] == 8

    sim_clock.advance(2 * 86400)  # Wed 4 Mar 15:00 UTC: two occurrences are over
    alice = (await sim_login("alice@example.com"))["access_token"]  # the old token has expired
    path = f"/v2/meetings/{created['id']}"
    shown = (await call(zoom, alice, "GET", "/meetings/{meetingId}", path)).json()
    assert [o["start_time"] for o in shown["occurrences"]] == starts[2:]  # previous ones hidden by default
    every = await call(
        zoom, alice, "GET", "/meetings/{meetingId}", path, params={"show_previous_occurrences": "true"}
    )
    assert len(every.json()["occurrences"]) == 5

    listed = await call(
        zoom,
        alice,
        "GET",
        "/users/{userId}/meetings",
        "/v2/users/me/meetings",
        params={"type": "upcoming"},
    )
    (item,) = listed.json()["meetings"]
    assert item["type"] == 8 and item["start_time"] == starts[2]  # the next occurrence
    assert "occurrences" not in item and "recurrence" not in item  # the list has neither


async def test_one_occurrence_moves_or_goes_and_the_series_stays(zoom: httpx.AsyncClient, alice: str) -> None:
    created = await standup(zoom, alice)
    path = f"/v2/meetings/{created['id']}"
    first, second = created["occurrences"][0]["occurrence_id"], created["occurrences"][1]["occurrence_id"]
    moved = await call(
        zoom,
        alice,
        "PATCH",
        "/meetings/{meetingId}",
        path,
        params={"occurrence_id": first},
        json={"start_time": "2026-03-03T16:00:00Z"},
    )
    assert moved.status_code == 204
    one = await call(zoom, alice, "GET", "/meetings/{meetingId}", path, params={"occurrence_id": first})
    assert one.json()["start_time"] == "2026-03-03T16:00:00Z"
    deleted = await call(
        zoom, alice, "DELETE", "/meetings/{meetingId}", path, params={"occurrence_id": second}
    )
    assert deleted.status_code == 204
    shown = (await call(zoom, alice, "GET", "/meetings/{meetingId}", path)).json()
    by_id = {o["occurrence_id"]: o for o in shown["occurrences"]}
    assert by_id[first]["start_time"] == "2026-03-03T16:00:00Z" and by_id[second]["status"] == "deleted"
    assert [o["status"] for o in shown["occurrences"]].count("available") == 4

    # Only agenda, start_time, duration and settings change per occurrence; unknown ids are refused.
    topic = await zoom.patch(
        path, headers=bearer(alice), params={"occurrence_id": first}, json={"topic": "x"}
    )
    assert topic.status_code == 400 and topic.json()["errors"][0]["field"] == "topic"
    unknown = await zoom.delete(path, headers=bearer(alice), params={"occurrence_id": "123"})
    assert unknown.json() == {"code": 300, "message": "Invalid parameter: occurrence_id"}
    again = await zoom.delete(path, headers=bearer(alice), params={"occurrence_id": second})
    assert again.status_code == 400  # already deleted


async def test_a_new_rule_for_the_whole_series_replaces_its_occurrences(
    zoom: httpx.AsyncClient, alice: str
) -> None:
    created = await standup(zoom, alice)
    path = f"/v2/meetings/{created['id']}"
    body = {
        "start_time": "2026-03-06T15:00:00Z",
        "timezone": "America/New_York",
        "recurrence": {"type": 2, "repeat_interval": 2, "weekly_days": "6", "end_times": 2},
    }
    assert (await call(zoom, alice, "PATCH", "/meetings/{meetingId}", path, json=body)).status_code == 204
    shown = (await call(zoom, alice, "GET", "/meetings/{meetingId}", path)).json()
    assert [o["start_time"] for o in shown["occurrences"]] == ["2026-03-06T15:00:00Z", "2026-03-20T14:00:00Z"]
