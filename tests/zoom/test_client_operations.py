"""Typed operations against the simulator: contract, paging, reconciliation, mode safety."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta

import httpx
import pytest

from bot.sandbox.zoom_simulator import ManualClock, ZoomSimulator
from bot.sandbox.zoom_simulator.server import serve_simulator
from bot.zoom.account_tokens import StaticTokenSource
from bot.zoom.changes import MeetingRequest, MeetingUpdate
from bot.zoom.client import AccountZoom, UserZoom
from bot.zoom.errors import Outcome, ZoomError, ZoomErrorKind
from bot.zoom.http import ZoomHttp
from bot.zoom.ids import ZoomUserRef, meeting_uuid_param
from bot.zoom.models import MeetingType, Recurrence, date_windows
from tests.kit.zoom_contract import validate_request, validate_response
from tests.kit.zoom_link import Login, TokenFetch

CREATE = "POST /v2/users/{userId}/meetings"
TEMPLATES = [
    ("/users", "/users"),
    (r"/users/[^/]+", "/users/{userId}"),
    (r"/users/[^/]+/meetings", "/users/{userId}/meetings"),
    (r"/users/[^/]+/recordings", "/users/{userId}/recordings"),
    (r"/users/[^/]+/schedulers", "/users/{userId}/schedulers"),
    (r"/users/[^/]+/assistants", "/users/{userId}/assistants"),
    (r"/meetings/\d+", "/meetings/{meetingId}"),
    (r"/meetings/\d+/status", "/meetings/{meetingId}/status"),
    (r"/meetings/\d+/invitation", "/meetings/{meetingId}/invitation"),
    (r"/meetings/.+/meeting_summary", "/meetings/{meetingId}/meeting_summary"),
]


def template_of(path: str) -> str:
    rest = path.removeprefix("/v2")
    for pattern, template in TEMPLATES:
        if re.fullmatch(pattern, rest):
            return template
    raise AssertionError(f"unexpected path {path}")


class ContractTransport(httpx.AsyncBaseTransport):
    """Real HTTP to the simulator; every REST request and response is checked against Zoom's documents."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.paths: list[str] = []
        self.checked = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if not request.url.path.startswith("/v2/"):
            return response
        self.paths.append(f"{request.method} {request.url.path}")
        template = template_of(request.url.path)
        body = json.loads(request.content) if request.content else None
        query = {k: v for k, v in request.url.params.items()}
        validate_request(request.method, template, body, query=query, strict=True)
        content = await response.aread()
        validate_response(
            request.method, template, response.status_code, json.loads(content) if content else None
        )
        self.checked += 1
        return httpx.Response(
            response.status_code, headers=response.headers, content=content, request=request
        )

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def contract() -> ContractTransport:
    return ContractTransport()


@pytest.fixture
async def http(
    sim: ZoomSimulator, sim_clock: ManualClock, contract: ContractTransport
) -> AsyncIterator[ZoomHttp]:
    async def no_sleep(_: float) -> None:
        return None

    async with serve_simulator(sim) as url:
        client = ZoomHttp(url + "/v2", url, clock=sim_clock.now, sleep=no_sleep, transport=contract)
        yield client
        await client.aclose()


@pytest.fixture
async def alice(http: ZoomHttp, sim_login: Login) -> UserZoom:
    return UserZoom(http, StaticTokenSource((await sim_login("alice@example.com"))["access_token"]))


@pytest.fixture
async def account(http: ZoomHttp, s2s_token: TokenFetch) -> AccountZoom:
    return AccountZoom(http, StaticTokenSource(await s2s_token()))


async def test_user_mode_round_trip_uses_only_me_and_meeting_paths(
    alice: UserZoom, contract: ContractTransport, sim: ZoomSimulator, sim_clock: ManualClock
) -> None:
    me = await alice.get_user()
    assert me.email == "alice@example.com" and me.pmi
    start = sim_clock.now() + timedelta(days=1)
    created = await alice.create_meeting(
        MeetingRequest(
            topic="Design review", start_time=start, duration=45, timezone="Europe/Berlin", agenda="Slides"
        )
    )
    assert created.start_url and "start_url" not in repr(created) and created.start_url not in repr(created)
    assert created.agenda == "Slides"  # our reconciliation marker is not shown
    fetched = await alice.get_meeting(f"{str(created.id)[:3]} {str(created.id)[3:]}")
    assert (fetched.id, fetched.topic, fetched.duration) == (created.id, "Design review", 45)
    assert fetched.start_time == start.replace(microsecond=0)
    await alice.update_meeting(
        created.id, MeetingUpdate(topic="Moved", start_time=start + timedelta(hours=2))
    )
    assert (await alice.get_meeting(created.id)).topic == "Moved"
    upcoming = await alice.list_upcoming_meetings()
    assert [m.id for m in upcoming] == [created.id]
    await alice.end_meeting(created.id)
    await alice.delete_meeting(created.id)
    assert sim.meetings_of("alice@example.com") == []
    with pytest.raises(ZoomError) as gone:
        await alice.get_meeting(created.id)
    assert gone.value.kind == ZoomErrorKind.MEETING_NOT_FOUND
    # Mode safety: the user side never names a user other than `me`.
    user_paths = [p for p in contract.paths if "/users/" in p]
    assert user_paths and all("/v2/users/me" in p for p in user_paths)
    assert contract.checked == len(contract.paths) >= 9


async def test_recurring_meeting_has_occurrences(alice: UserZoom, sim_clock: ManualClock) -> None:
    start = sim_clock.now() + timedelta(days=1)
    meeting = await alice.create_meeting(
        MeetingRequest(
            topic="Standup",
            type=MeetingType.RECURRING,
            start_time=start,
            duration=15,
            timezone="America/New_York",
            recurrence=Recurrence(type=2, weekly_days="2,3,4,5,6", end_times=10),
        )
    )
    assert meeting.type == 8 and len(meeting.occurrences) == 10
    assert all(o.start_time is not None and o.start_time.tzinfo for o in meeting.occurrences)


async def test_instant_meeting_is_created_as_type_2_now(alice: UserZoom, sim_clock: ManualClock) -> None:
    meeting = await alice.create_meeting(MeetingRequest(topic="Now", type=MeetingType.INSTANT))
    assert meeting.type == 2 and meeting.start_time == sim_clock.now().replace(microsecond=0)
    assert meeting.join_url and meeting.start_url


async def test_lost_create_response_is_reconciled_to_exactly_one_meeting(
    sim: ZoomSimulator, sim_clock: ManualClock, sim_login: Login
) -> None:
    token = (await sim_login("alice@example.com"))["access_token"]
    async with serve_simulator(sim) as url:
        # Short read timeout: the simulator creates the meeting, then never answers.
        http = ZoomHttp(url + "/v2", url, timeout=httpx.Timeout(3.0, read=0.3), clock=sim_clock.now)
        try:
            sim.inject(CREATE, after_effect=True, drop=True)
            meeting = await UserZoom(http, StaticTokenSource(token)).create_meeting(
                MeetingRequest(topic="Lost answer", type=MeetingType.INSTANT)
            )
        finally:
            await http.aclose()
    stored = sim.meetings_of("alice@example.com")
    assert [m.id for m in stored] == [meeting.id]
    assert meeting.topic == "Lost answer" and meeting.start_url
    assert sim.stats[CREATE] == 1


async def test_lost_create_for_scheduled_meeting_after_5xx(
    alice: UserZoom, sim: ZoomSimulator, sim_clock: ManualClock
) -> None:
    sim.inject(CREATE, status=502, after_effect=True)
    meeting = await alice.create_meeting(
        MeetingRequest(topic="Later", start_time=sim_clock.now() + timedelta(days=3), agenda="keep me")
    )
    assert [m.id for m in sim.meetings_of("alice@example.com")] == [meeting.id]
    assert meeting.agenda == "keep me" and sim.stats[CREATE] == 1


async def test_lost_create_with_failed_listing_is_outcome_unknown(
    alice: UserZoom, sim: ZoomSimulator
) -> None:
    sim.inject(CREATE, status=502, after_effect=True)
    sim.inject("GET /v2/users/{userId}/meetings", status=400, body={"code": 300, "message": "nope"})
    with pytest.raises(ZoomError) as caught:
        await alice.create_meeting(MeetingRequest(topic="Unknown", type=MeetingType.INSTANT))
    assert caught.value.kind == ZoomErrorKind.UNAVAILABLE
    assert caught.value.outcome == Outcome.UNKNOWN


async def test_list_upcoming_follows_page_tokens_with_the_same_page_size(
    alice: UserZoom, contract: ContractTransport, sim_clock: ManualClock
) -> None:
    for n in range(7):
        await alice.create_meeting(
            MeetingRequest(topic=f"M{n}", start_time=sim_clock.now() + timedelta(hours=n + 1))
        )
    contract.paths.clear()
    meetings = await alice.list_upcoming_meetings(page_size=3)
    assert [m.topic for m in meetings] == [f"M{n}" for n in range(7)]
    assert len(contract.paths) == 3
    limited = await alice.list_upcoming_meetings(page_size=3, limit=4)
    assert [m.topic for m in limited] == ["M0", "M1", "M2", "M3"]
    with pytest.raises(ValueError):
        await alice.list_upcoming_meetings(page_size=301)


async def test_recordings_are_fetched_in_month_windows(
    alice: UserZoom, sim: ZoomSimulator, sim_clock: ManualClock, contract: ContractTransport
) -> None:
    now = sim_clock.now()
    for days_ago in (1, 40, 80):
        sim.add_recording("alice@example.com", f"Rec {days_ago}", now - timedelta(days=days_ago))
    recordings = await alice.list_recordings((now - timedelta(days=90)).date(), now.date())
    assert [r.topic for r in recordings] == ["Rec 1", "Rec 40", "Rec 80"]
    assert all(r.files and r.share_url for r in recordings)
    assert len([p for p in contract.paths if p.endswith("/recordings")]) == len(
        date_windows((now - timedelta(days=90)).date(), now.date())
    )


def test_date_windows_never_exceed_a_month() -> None:
    windows = date_windows(date(2026, 1, 31), date(2026, 5, 2))
    assert windows[0][0] == date(2026, 1, 31) and windows[-1][1] == date(2026, 5, 2)
    for (start, end), nxt in zip(windows, windows[1:] + [None], strict=True):
        assert end >= start and (end - start).days <= 31
        if nxt is not None:
            assert nxt[0] == end + timedelta(days=1)


@pytest.mark.parametrize("bad", ["", "   ", "me", "ME", " Me ", "a/b", "x?y", "two words"])
def test_account_refs_refuse_me_and_empty(bad: str) -> None:
    with pytest.raises(ValueError):
        ZoomUserRef(bad)


def test_user_side_methods_take_no_user_id() -> None:
    import inspect

    for name, method in inspect.getmembers(UserZoom, inspect.iscoroutinefunction):
        if name.startswith("_"):
            continue
        params = set(inspect.signature(method).parameters) - {"self"}
        assert not params & {"user", "user_id", "userId", "email"}, name


async def test_account_mode_names_users_and_never_me(
    account: AccountZoom, contract: ContractTransport, sim: ZoomSimulator, sim_clock: ManualClock
) -> None:
    users = await account.list_users(page_size=2)
    assert {u.email for u in users} == {"alice@example.com", "bob@example.com", "carol@example.com"}
    bob = await account.get_user(ZoomUserRef("bob@example.com"))
    assert bob.timezone == "Europe/Berlin"
    meeting = await account.create_meeting(
        ZoomUserRef(bob.id), MeetingRequest(topic="For Bob", start_time=sim_clock.now() + timedelta(days=1))
    )
    assert [m.id for m in sim.meetings_of("bob@example.com")] == [meeting.id]
    assert [m.id for m in await account.list_upcoming_meetings(ZoomUserRef("bob@example.com"))] == [
        meeting.id
    ]
    assert not any("/users/me" in p for p in contract.paths)
    with pytest.raises(ZoomError) as missing:
        await account.get_user(ZoomUserRef("nobody@example.com"))
    assert missing.value.kind == ZoomErrorKind.USER_NOT_FOUND


async def test_schedule_for_without_privilege_is_classified(alice: UserZoom, sim_clock: ManualClock) -> None:
    with pytest.raises(ZoomError) as caught:
        await alice.create_meeting(
            MeetingRequest(
                topic="For Bob",
                start_time=sim_clock.now() + timedelta(days=1),
                schedule_for="bob@example.com",
            )
        )
    assert caught.value.kind == ZoomErrorKind.SCHEDULE_PRIVILEGE


async def test_schedule_for_without_shared_access_is_classified(
    alice: UserZoom, sim: ZoomSimulator, sim_clock: ManualClock
) -> None:
    sim.grant_scheduling_privilege("alice@example.com", "bob@example.com", shared_access_allowed=False)
    with pytest.raises(ZoomError) as caught:
        await alice.create_meeting(
            MeetingRequest(
                topic="For Bob",
                start_time=sim_clock.now() + timedelta(days=1),
                schedule_for="bob@example.com",
            )
        )
    assert caught.value.kind == ZoomErrorKind.SHARED_ACCESS


async def test_schedule_for_with_privilege_creates_for_the_host(
    alice: UserZoom, sim: ZoomSimulator, sim_clock: ManualClock
) -> None:
    sim.grant_scheduling_privilege("alice@example.com", "bob@example.com", shared_access_allowed=True)
    meeting = await alice.create_meeting(
        MeetingRequest(
            topic="For Bob", start_time=sim_clock.now() + timedelta(days=1), schedule_for="bob@example.com"
        )
    )
    assert meeting.host_email == "bob@example.com"


def test_meeting_request_validation() -> None:
    with pytest.raises(ValueError):
        MeetingRequest(topic="", type=MeetingType.INSTANT)
    with pytest.raises(ValueError):
        MeetingRequest(topic="x", start_time=None)  # scheduled needs a start
    with pytest.raises(ValueError):
        MeetingRequest(topic="x", start_time=datetime(2026, 1, 1, 10, 0))  # naive
    with pytest.raises(ValueError):
        MeetingRequest(topic="x", type=MeetingType.INSTANT, duration=0)
    with pytest.raises(ValueError):
        MeetingUpdate().to_zoom()


@pytest.mark.parametrize(
    ("uuid", "encoded_twice"),
    [
        ("/ab+cd//ef==", True),
        ("ab//cd==", True),
        ("aDYl+hA/Rt==", False),
        ("aDYlohsHRtCd4ii1uC2+hA==", False),
    ],
)
async def test_meeting_summary_by_uuid_follows_zooms_double_encoding_rule(
    alice: UserZoom,
    account: AccountZoom,
    sim: ZoomSimulator,
    sim_clock: ManualClock,
    uuid: str,
    encoded_twice: bool,
) -> None:
    created = await alice.create_meeting(MeetingRequest(topic="Retro", type=MeetingType.INSTANT, duration=30))
    sim.start_meeting(created.id, uuid=uuid)
    sim.join_meeting(created.id, "Bob")
    sim.end_meeting_now(created.id)
    sim.summarize_meeting(created.id, content="## Key takeaways\n- ship it")
    assert (meeting_uuid_param(uuid) != uuid) is encoded_twice
    for zoom in (alice, account):
        summary = await zoom.meeting_summary(uuid)
        assert (summary.meeting_id, summary.meeting_uuid, summary.topic) == (created.id, uuid, "Retro")
        assert summary.content == "## Key takeaways\n- ship it" and summary.doc_url


async def test_a_uuid_that_needs_double_encoding_is_refused_when_encoded_once(
    alice: UserZoom, sim: ZoomSimulator, sim_login: Login
) -> None:
    created = await alice.create_meeting(MeetingRequest(topic="Retro", type=MeetingType.INSTANT, duration=30))
    sim.start_meeting(created.id, uuid="/starts//badly==")
    sim.end_meeting_now(created.id)
    sim.summarize_meeting(created.id)
    token = (await sim_login("alice@example.com"))["access_token"]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sim.app), base_url="http://zoom.test"
    ) as zoom:
        headers = {"Authorization": f"Bearer {token}"}
        once = await zoom.get("/v2/meetings/%2Fstarts%2F%2Fbadly%3D%3D/meeting_summary", headers=headers)
        twice = await zoom.get(
            "/v2/meetings/%252Fstarts%252F%252Fbadly%253D%253D/meeting_summary", headers=headers
        )
    assert once.status_code == 404 and once.json()["code"] == 3001
    assert twice.status_code == 200 and twice.json()["meeting_uuid"] == "/starts//badly=="
    validate_response("GET", "/meetings/{meetingId}/meeting_summary", 200, twice.json(), strict=True)


async def test_user_mode_schedules_and_lists_for_a_host_through_the_privilege(
    alice: UserZoom, contract: ContractTransport, sim: ZoomSimulator, sim_clock: ManualClock
) -> None:
    sim.grant_scheduling_privilege("alice@example.com", "bob@example.com", shared_access_allowed=True)
    assert [d.email for d in await alice.list_schedulers()] == ["bob@example.com"]
    created = await alice.create_meeting(
        MeetingRequest(
            topic="Board sync", start_time=sim_clock.now() + timedelta(days=1), schedule_for="bob@example.com"
        )
    )
    listed = await alice.list_host_upcoming_meetings(ZoomUserRef("bob@example.com"))
    assert [m.id for m in listed] == [created.id] and listed[0].host_id == sim.user("bob@example.com").id
    assert contract.paths == [
        "GET /v2/users/me/schedulers",
        "POST /v2/users/me/meetings",
        "GET /v2/users/bob@example.com/meetings",
    ]
    assert contract.checked == 3


async def test_account_mode_reads_both_privilege_lists_by_user(
    account: AccountZoom, contract: ContractTransport, sim: ZoomSimulator
) -> None:
    sim.grant_scheduling_privilege("alice@example.com", "bob@example.com")
    alice, bob = ZoomUserRef("alice@example.com"), ZoomUserRef("bob@example.com")
    assert [d.email for d in await account.list_schedulers(alice)] == ["bob@example.com"]
    assert [d.email for d in await account.list_assistants(bob)] == ["alice@example.com"]
    assert await account.list_assistants(alice) == []
    assert not any("/users/me" in p for p in contract.paths) and contract.checked == 3
