"""Each required error hint, produced by injecting the Zoom failure into the simulator."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bot.sandbox.world import OfflineWorld
from tests.e2e.conftest import assert_all_payloads_valid
from tests.e2e.test_commands import ALICE, GENERAL, reply_to, texts
from tests.kit.checked_world import checked_world

MEETINGS = "POST /v2/users/{userId}/meetings"
LIST = "GET /v2/users/{userId}/meetings"
USER = "GET /v2/users/{userId}"


async def hint(world: OfflineWorld, text: str, *, timeout: float = 30) -> str:
    replies = await reply_to(world, ALICE, text, timeout=timeout)
    body = texts(replies)
    assert "What to do" in body, body
    return body


async def test_refresh_failed_asks_to_relink(linked_world: OfflineWorld) -> None:
    w = linked_world
    w.sim.expire_access_tokens("alice@example.com")
    w.sim.inject(
        "POST /oauth/token:refresh_token",
        status=400,
        body={"reason": "Invalid Token!", "error": "invalid_grant"},
        times=5,
    )
    body = await hint(w, "list")
    assert "/zoom link" in body and "invalid_grant" in body


async def test_missing_scope_is_named(linked_world: OfflineWorld) -> None:
    w = linked_world
    w.sim.inject(
        LIST,
        status=400,
        body={
            "code": 4711,
            "message": "Invalid access token, does not contain scopes:[meeting:read:list_meetings].",
        },
    )
    body = await hint(w, "list")
    assert "meeting:read:list_meetings" in body and "4711" in body and "/zoom link" in body


async def test_user_not_found(linked_world: OfflineWorld) -> None:
    w = linked_world
    w.sim.inject(USER, status=404, body={"code": 1001, "message": "User does not exist: abc."})
    body = await hint(w, "me")
    assert "1001" in body


async def test_meeting_not_found(linked_world: OfflineWorld) -> None:
    body = await hint(linked_world, "show 999 9999 9999")
    assert "3001" in body and "/zoom list" in body


async def test_schedule_privilege(linked_world: OfflineWorld) -> None:
    w = linked_world
    w.sim.inject(
        MEETINGS,
        status=400,
        body={"code": 3000, "message": "You cannot schedule a meeting for bob@example.com"},
    )
    body = await hint(w, 'schedule "For Bob" tomorrow 10am')
    assert "3000" in body and "privilege" in body.lower()


async def test_shared_access_points_to_the_article(linked_world: OfflineWorld) -> None:
    w = linked_world
    w.sim.inject(
        MEETINGS,
        status=403,
        body={
            "code": 403,
            "message": "Authenticated user has not permitted access to the targeted resource.",
        },
    )
    body = await hint(w, 'schedule "Shared" tomorrow 10am')
    assert "KB0063819" in body and "shared access" in body.lower()


async def test_rate_limited_says_when(linked_world: OfflineWorld) -> None:
    w = linked_world
    w.sim.inject(
        LIST,
        status=429,
        headers={"Retry-After": "1", "X-RateLimit-Type": "QPS"},
        body={"code": 429, "message": "You have reached the maximum per-second rate limit for this API."},
        times=10,
    )
    body = await hint(w, "list")
    assert "429" in body and "again" in body.lower()


async def test_daily_limit_says_when_it_resets(linked_world: OfflineWorld) -> None:
    w = linked_world
    reset = (datetime.now(UTC) + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    w.sim.inject(
        MEETINGS,
        status=429,
        headers={"Retry-After": reset.strftime("%Y-%m-%dT%H:%M:%SZ"), "X-RateLimit-Type": "Daily-limit"},
        body={"code": 429, "message": "You have reached the maximum daily rate limit for this API."},
    )
    body = await hint(w, 'schedule "Busy" tomorrow 10am')
    assert "<!date^" in body or "00:00" in body


async def test_zoom_down_is_transient_and_changes_nothing(linked_world: OfflineWorld) -> None:
    w = linked_world
    w.sim.inject(LIST, status=503, body={"code": 503, "message": "Service Unavailable"}, times=20)
    body = await hint(w, "list")
    assert "503" in body


async def test_hanging_zoom_never_delays_the_ack(linked_world: OfflineWorld) -> None:
    w = linked_world
    w.sim.inject(LIST, latency=20, times=5)
    started = time.perf_counter()
    response = await w.driver.slash(ALICE, GENERAL, "list")
    assert response.status_code == 200
    assert time.perf_counter() - started < 15  # long before Zoom's 20 s hang ends
    working = await w.standin.wait_for(
        lambda: next((m for m in w.standin.messages if (m.text or "").startswith(":hourglass")), None),
        timeout=30,
    )
    assert working is not None
    final = await w.standin.wait_for(
        lambda: next((m for m in w.standin.messages if "What to do" in (m.text or "") + str(m.blocks)), None),
        timeout=30,
    )
    assert "Zoom" in final.text


async def test_invalid_duration_is_answered_in_the_ack(linked_world: OfflineWorld) -> None:
    response = await linked_world.driver.slash(ALICE, GENERAL, 'schedule "Long" tomorrow 9am for 30h')
    body = str(response.json())
    assert "1440" in body and "Example" in body
    assert linked_world.sim.meetings_of("alice@example.com") == []


@pytest.fixture
async def tiny_world(tmp_path: Path) -> AsyncIterator[OfflineWorld]:
    # Two commands in progress fill the process.
    async with checked_world(tmp_path, command_capacity=2) as w:
        page = await w.link("alice")
        assert page.status_code == 200, page.text
        yield w
        assert_all_payloads_valid(w)


async def test_a_flooded_process_says_busy_in_the_ack_and_recovers(tiny_world: OfflineWorld) -> None:
    w = tiny_world
    w.sim.inject(LIST, latency=1.5, times=2)
    first = await w.driver.slash(ALICE, GENERAL, "list")
    second = await w.driver.slash(ALICE, GENERAL, "list")
    third = await w.driver.slash(ALICE, GENERAL, "list")
    assert "very busy" not in first.text + second.text
    assert third.status_code == 200 and "very busy" in third.text and "What to do" in third.text
    assert w.bot.slack.commands.admitted == 2

    async def drained() -> bool:
        return w.bot.slack.commands.admitted == 0

    deadline = time.monotonic() + 15
    while not await drained():
        assert time.monotonic() < deadline, "the two admitted commands never finished"
        await asyncio.sleep(0.05)
    assert w.sim.stats[LIST] == 2  # the refused command never reached Zoom
    again = await w.driver.slash(ALICE, GENERAL, "list")
    assert "very busy" not in again.text


async def test_a_process_behind_on_acks_says_busy_at_once_and_has_events_sent_again(tmp_path: Path) -> None:
    # acking_limit=0: as if the process were already acknowledging as many requests as it takes.
    async with checked_world(tmp_path, acking_limit=0) as w:
        command = await w.driver.slash(ALICE, GENERAL, "new Standup")
        assert command.status_code == 200 and "very busy" in command.text
        assert command.json()["response_type"] == "ephemeral"
        assert w.sim.stats.get("POST /v2/users/{userId}/meetings", 0) == 0  # nothing was started
        event = await w.driver.event(
            {"type": "app_home_opened", "user": ALICE, "channel": "D0ALICE", "tab": "home"}
        )
        assert event.status_code == 503  # Slack delivers an event again later
        assert not [m for m in w.standin.messages if m.kind == "post"]
        async with httpx.AsyncClient() as client:
            metrics = (await client.get(f"{w.bot_url}/metrics")).text
        assert 'zoombot_commands_total{outcome="busy",subcommand=""} 1.0' in metrics


async def test_metrics_count_zoom_calls_and_token_refreshes(linked_world: OfflineWorld) -> None:
    w = linked_world
    w.sim.inject(LIST, status=503, body={"code": 503, "message": "Service Unavailable"}, times=1)
    await reply_to(w, ALICE, "list")  # 503, then the retry succeeds
    w.sim.expire_access_tokens("alice@example.com")
    await reply_to(w, ALICE, "list")  # 401/124, one refresh, the call again
    async with httpx.AsyncClient() as client:
        text = (await client.get(f"{w.bot_url}/metrics")).text

    def count(prefix: str, outcome: str) -> float:
        label = f'outcome="{outcome}"'
        lines = [line for line in text.splitlines() if line.startswith(prefix) and label in line]
        return sum(float(line.rsplit(" ", 1)[1]) for line in lines)

    assert count("zoombot_zoom_calls_total{", "unavailable") == 1
    assert count("zoombot_zoom_calls_total{", "auth") == 1
    assert count("zoombot_zoom_calls_total{", "ok") >= 2
    assert count("zoombot_token_refreshes_total{", "ok") == 1
