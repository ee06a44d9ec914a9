"""The HTTP core against the simulator on a real loopback socket: retries, limits, deadlines, 401s."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from bot.sandbox.zoom_simulator import ManualClock, ZoomSimulator
from bot.sandbox.zoom_simulator.server import serve_simulator
from bot.zoom.account_tokens import StaticTokenSource
from bot.zoom.changes import MeetingRequest
from bot.zoom.client import UserZoom
from bot.zoom.errors import Outcome, ZoomError, ZoomErrorKind
from bot.zoom.http import RetryPolicy, ZoomHttp
from bot.zoom.models import MeetingType
from tests.kit.zoom_link import Login

GET_USER = "GET /v2/users/{userId}"
GET_MEETING = "GET /v2/meetings/{meetingId}"
CREATE = "POST /v2/users/{userId}/meetings"


class Sleeps:
    """An injected sleep: records what it was asked to wait, waits for nothing."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def base_url(sim: ZoomSimulator) -> AsyncIterator[str]:
    async with serve_simulator(sim) as url:
        yield url


@pytest.fixture
async def http(base_url: str, sim_clock: ManualClock, sleeps: Sleeps) -> AsyncIterator[ZoomHttp]:
    client = ZoomHttp(base_url + "/v2", base_url, clock=sim_clock.now, sleep=sleeps)
    yield client
    await client.aclose()


@pytest.fixture
async def alice(http: ZoomHttp, sim_login: Login) -> UserZoom:
    token = (await sim_login("alice@example.com"))["access_token"]
    return UserZoom(http, StaticTokenSource(token))


def test_shared_client_has_explicit_timeouts() -> None:
    http = ZoomHttp("https://api.zoom.us/v2", "https://zoom.us")
    timeout = http.client.timeout
    assert (timeout.connect, timeout.read, timeout.write, timeout.pool) == (3.0, 10.0, 10.0, 2.0)


async def test_429_retry_after_one_second_then_success(
    alice: UserZoom, sim: ZoomSimulator, sleeps: Sleeps
) -> None:
    sim.inject(GET_USER, status=429, headers={"Retry-After": "1", "X-RateLimit-Type": "QPS"})
    user = await alice.get_user()
    assert user.email == "alice@example.com"
    assert sim.stats[GET_USER] == 2
    assert len(sleeps.calls) == 1 and sleeps.calls[0] >= 1.0


async def test_retry_after_as_http_date(
    alice: UserZoom, sim: ZoomSimulator, sim_clock: ManualClock, sleeps: Sleeps
) -> None:
    at = sim_clock.now() + timedelta(seconds=2)
    sim.inject(GET_USER, status=429, headers={"Retry-After": format_datetime(at, usegmt=True)})
    await alice.get_user()
    assert sim.stats[GET_USER] == 2
    assert sleeps.calls[0] >= 2.0


async def test_daily_limit_fails_fast_with_reset_at(
    alice: UserZoom, sim: ZoomSimulator, sleeps: Sleeps
) -> None:
    sim.inject(
        CREATE,
        status=429,
        headers={"Retry-After": "2026-03-03T00:00:00Z", "X-RateLimit-Type": "Daily-limit"},
        body={"code": 429, "message": "You have reached the maximum daily rate limit for this API."},
    )
    with pytest.raises(ZoomError) as caught:
        await alice.create_meeting(MeetingRequest(topic="Daily", type=MeetingType.INSTANT))
    assert caught.value.kind == ZoomErrorKind.DAILY_LIMIT
    assert caught.value.reset_at == datetime(2026, 3, 3, tzinfo=UTC)
    assert sim.stats[CREATE] == 1 and sleeps.calls == []
    assert sim.meetings_of("alice@example.com") == []


async def test_404_is_called_exactly_once(alice: UserZoom, sim: ZoomSimulator, sleeps: Sleeps) -> None:
    with pytest.raises(ZoomError) as caught:
        await alice.get_meeting(12345678901)
    assert caught.value.kind == ZoomErrorKind.MEETING_NOT_FOUND
    assert caught.value.code == 3001 and caught.value.tracking_id
    assert sim.stats[GET_MEETING] == 1 and sleeps.calls == []


async def test_503_twice_then_success(alice: UserZoom, sim: ZoomSimulator, sleeps: Sleeps) -> None:
    sim.inject(GET_USER, status=503, times=2)
    assert (await alice.get_user()).email == "alice@example.com"
    assert sim.stats[GET_USER] == 3 and len(sleeps.calls) == 2


async def test_attempts_are_bounded(alice: UserZoom, sim: ZoomSimulator) -> None:
    sim.inject(GET_USER, status=503, times=5)
    with pytest.raises(ZoomError) as caught:
        await alice.get_user()
    assert caught.value.kind == ZoomErrorKind.UNAVAILABLE and caught.value.status == 503
    assert sim.stats[GET_USER] == 3


async def test_retry_after_beyond_the_budget_fails_fast(
    alice: UserZoom, sim: ZoomSimulator, sleeps: Sleeps
) -> None:
    sim.inject(GET_USER, status=429, headers={"Retry-After": "60"})
    with pytest.raises(ZoomError) as caught:
        await alice.get_user()
    assert caught.value.kind == ZoomErrorKind.RATE_LIMITED and caught.value.retry_after == 60.0
    assert sim.stats[GET_USER] == 1 and sleeps.calls == []


async def test_total_time_budget_bounds_retries(
    http: ZoomHttp, alice: UserZoom, sim: ZoomSimulator, sleeps: Sleeps
) -> None:
    http.retry = RetryPolicy(attempts=10, budget=3.0)
    sim.inject(GET_USER, status=429, headers={"Retry-After": "2"}, times=10)
    with pytest.raises(ZoomError):
        await alice.get_user()
    assert sum(sleeps.calls) <= 3.0
    assert sim.stats[GET_USER] == 2


async def test_400_and_403_are_not_retried(alice: UserZoom, sim: ZoomSimulator) -> None:
    sim.inject(GET_USER, status=400, body={"code": 300, "message": "Validation Failed."})
    with pytest.raises(ZoomError) as first:
        await alice.get_user()
    sim.inject(GET_USER, status=403, body={"code": 200, "message": "No permission."})
    with pytest.raises(ZoomError) as second:
        await alice.get_user()
    assert (first.value.kind, second.value.kind) == (ZoomErrorKind.VALIDATION, ZoomErrorKind.PERMISSION)
    assert sim.stats[GET_USER] == 2


async def test_post_create_is_not_retried_on_503(alice: UserZoom, sim: ZoomSimulator) -> None:
    sim.inject(CREATE, status=503)
    with pytest.raises(ZoomError) as caught:
        await alice.create_meeting(MeetingRequest(topic="Once", type=MeetingType.INSTANT))
    assert sim.stats[CREATE] == 1
    # Zoom answered 503 and the reconciliation listing shows nothing: provably unchanged.
    assert caught.value.outcome == Outcome.UNCHANGED
    assert sim.meetings_of("alice@example.com") == []


async def test_post_create_is_retried_after_429(alice: UserZoom, sim: ZoomSimulator) -> None:
    sim.inject(CREATE, status=429, headers={"Retry-After": "1"})
    meeting = await alice.create_meeting(MeetingRequest(topic="After 429", type=MeetingType.INSTANT))
    assert sim.stats[CREATE] == 2
    assert [m.id for m in sim.meetings_of("alice@example.com")] == [meeting.id]


async def test_overall_deadline_bounds_a_hung_call(
    base_url: str, sim_clock: ManualClock, sim: ZoomSimulator, sim_login: Login
) -> None:
    token = (await sim_login("alice@example.com"))["access_token"]
    http = ZoomHttp(base_url + "/v2", base_url, deadline=0.5, clock=sim_clock.now)
    try:
        sim.inject(GET_USER, drop=True)
        started = time.monotonic()
        with pytest.raises(ZoomError) as caught:
            await UserZoom(http, StaticTokenSource(token)).get_user()
        assert time.monotonic() - started < 2.0
        assert caught.value.kind == ZoomErrorKind.UNAVAILABLE and caught.value.status is None
    finally:
        await http.aclose()


async def test_connect_errors_are_retried_even_for_post(sim_clock: ManualClock, sleeps: Sleeps) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        if len(seen) == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(201, json={"id": 81234567890, "topic": "T", "type": 2, "join_url": "https://j"})

    http = ZoomHttp(
        "https://api.test/v2",
        "https://oauth.test",
        clock=sim_clock.now,
        sleep=sleeps,
        transport=httpx.MockTransport(handler),
    )
    try:
        meeting = await UserZoom(http, StaticTokenSource("t")).create_meeting(
            MeetingRequest(topic="T", type=MeetingType.INSTANT)
        )
    finally:
        await http.aclose()
    assert meeting.id == 81234567890 and seen == ["POST", "POST"]


class CountingTokens:
    """A token source over a list of tokens: each ``invalidate`` moves to the next one."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.invalidated: list[str] = []

    async def access_token(self) -> str:
        return self.tokens[len(self.invalidated)]

    async def invalidate(self, stale_access_token: str) -> str:
        self.invalidated.append(stale_access_token)
        return self.tokens[len(self.invalidated)]

    def rate_account(self) -> str | None:
        return None

    def host_user(self) -> str | None:
        return None


async def test_401_asks_the_token_source_once_and_repeats_once(
    http: ZoomHttp, sim: ZoomSimulator, sim_login: Login
) -> None:
    good = (await sim_login("alice@example.com"))["access_token"]
    tokens = CountingTokens(["simat_revoked_token", good, "never-used"])
    user = await UserZoom(http, tokens).get_user()
    assert user.email == "alice@example.com"
    assert tokens.invalidated == ["simat_revoked_token"]
    assert sim.stats[GET_USER] == 2


async def test_401_twice_gives_auth_error_without_looping(http: ZoomHttp, sim: ZoomSimulator) -> None:
    tokens = CountingTokens(["bad-one", "bad-two", "bad-three"])
    with pytest.raises(ZoomError) as caught:
        await UserZoom(http, tokens).get_user()
    assert caught.value.kind == ZoomErrorKind.AUTH and caught.value.code == 124
    assert tokens.invalidated == ["bad-one"]
    assert sim.stats[GET_USER] == 2
    assert "bad-two" not in str(caught.value)


async def test_a_rest_call_sends_the_query_encoded_once_with_the_clients_headers_and_timeouts(
    sim_clock: ManualClock, sleeps: Sleeps
) -> None:
    """REST calls go to the transport without AsyncClient: the query is encoded as httpx
    encodes ``params`` and the default headers and per-phase timeouts still travel with it."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"meetings": [], "next_page_token": ""})

    http = ZoomHttp(
        "https://api.test/v2",
        "https://oauth.test",
        clock=sim_clock.now,
        sleep=sleeps,
        transport=httpx.MockTransport(handler),
    )
    try:
        response = await http.api(
            "GET",
            "/users/{userId}/meetings",
            tokens=StaticTokenSource("tok"),
            operation="list meetings",
            path_params={"userId": "me"},
            params={"type": "upcoming", "next_page_token": "a b+c/d=e&f", "page_size": 30},
        )
    finally:
        await http.aclose()
    assert response.json() == {"meetings": [], "next_page_token": ""}
    (request,) = seen
    params = {"type": "upcoming", "next_page_token": "a b+c/d=e&f", "page_size": 30}
    assert request.url == httpx.URL("https://api.test/v2/users/me/meetings", params=params)
    assert request.url.query == b"type=upcoming&next_page_token=a+b%2Bc%2Fd%3De%26f&page_size=30"
    assert dict(request.url.params) == {k: str(v) for k, v in params.items()}
    assert request.headers["authorization"] == "Bearer tok"
    assert request.headers["accept"] == "application/json" and request.headers["user-agent"] == "zoombot"
    assert request.extensions["timeout"] == http.timeout.as_dict()
