"""Zoom's 100 meeting creates + updates a day per host, paced by the bot over real loopback HTTP
against the simulator (which enforces the same cap): the 101st is never sent, and Zoom's own
daily 429 (another app spent the host's 100) stops the next call from being sent."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from bot.sandbox.zoom_simulator import ManualClock, ZoomSimulator
from bot.store.db import Database
from bot.store.host_writes import HostWriteStore
from bot.store.links import LinkStore
from bot.zoom.account_tokens import StaticTokenSource
from bot.zoom.changes import MeetingRequest, MeetingUpdate
from bot.zoom.client import AccountZoom, UserZoom
from bot.zoom.errors import Outcome, ZoomError, ZoomErrorKind
from bot.zoom.host_writes import HostWrites, host_key, next_reset
from bot.zoom.http import ZoomHttp
from bot.zoom.ids import ZoomUserRef
from bot.zoom.oauth import ZoomOAuth
from bot.zoom.tokens import UserTokenSource
from tests.kit.alice_link import TEAM, USER, link_alice
from tests.kit.table_gone import table_gone
from tests.kit.zoom_link import Login, TokenFetch

CREATE = "POST /v2/users/{userId}/meetings"
UPDATE = "PATCH /v2/meetings/{meetingId}"
ALICE = ZoomUserRef("alice@example.com")


@pytest.fixture
def sim_options() -> dict[str, Any]:
    """The tests' usual simulator, with its per-second limits off: a hundred creates in a row
    meet only the daily cap."""
    return {"qps_limit": 0}


@pytest.fixture
def store(database: Database) -> HostWriteStore:
    return HostWriteStore(database)


@pytest.fixture
async def counted_http(
    base_url: str, sim_clock: ManualClock, store: HostWriteStore
) -> AsyncIterator[ZoomHttp]:
    """The HTTP core as the composition builds it: meeting creates/updates counted per host."""
    client = ZoomHttp(base_url + "/v2", base_url, clock=sim_clock.now, host_writes=HostWrites(store))
    yield client
    await client.aclose()


@pytest.fixture
async def account(counted_http: ZoomHttp, s2s_token: TokenFetch) -> AccountZoom:
    return AccountZoom(counted_http, StaticTokenSource(await s2s_token()))


def request(sim_clock: ManualClock, topic: str = "Standup") -> MeetingRequest:
    return MeetingRequest(topic=topic, start_time=sim_clock.now() + timedelta(days=1), duration=15)


async def test_the_101st_create_or_update_of_a_day_is_refused_without_calling_zoom(
    account: AccountZoom,
    counted_http: ZoomHttp,
    s2s_token: TokenFetch,
    sim: ZoomSimulator,
    sim_clock: ManualClock,
    store: HostWriteStore,
) -> None:
    first = await account.create_meeting(ALICE, request(sim_clock))
    for n in range(49):  # updates count too, against the meeting's host
        await account.update_meeting(first.id, MeetingUpdate(topic=f"Standup {n}"), host=first.host_email)
    for _ in range(50):
        await account.create_meeting(ALICE, request(sim_clock))
    with pytest.raises(ZoomError) as refused:
        await account.create_meeting(ALICE, request(sim_clock))
    error = refused.value
    assert error.kind is ZoomErrorKind.DAILY_LIMIT and error.details["paced"] == "yes"
    assert error.status is None and error.outcome is Outcome.UNCHANGED
    assert error.reset_at == next_reset(sim_clock.now())
    with pytest.raises(ZoomError):
        await account.update_meeting(first.id, MeetingUpdate(topic="Once more"), host="ALICE@example.com")
    # Zoom saw exactly the hundred it allows: no 429 was needed.
    assert sim.stats.get(CREATE, 0) + sim.stats.get(UPDATE, 0) == 100
    assert len(sim.meetings_of("alice@example.com")) == 51
    assert await store.used(host_key("alice@example.com"), sim_clock.now().date()) == 100
    # Bob has a count of his own; and at 00:00 UTC Zoom and the bot start again together.
    await account.create_meeting(ZoomUserRef("bob@example.com"), request(sim_clock))
    sim_clock.set(next_reset(sim_clock.now()))
    tomorrow = AccountZoom(counted_http, StaticTokenSource(await s2s_token()))  # yesterday's token expired
    await tomorrow.create_meeting(ALICE, request(sim_clock))
    assert sim.stats[CREATE] == 53


async def test_zooms_own_daily_429_marks_the_host_used_up_and_the_next_call_stays_home(
    account: AccountZoom, base_url: str, s2s_token: TokenFetch, sim: ZoomSimulator, sim_clock: ManualClock
) -> None:
    other_app = ZoomHttp(base_url + "/v2", base_url, clock=sim_clock.now)  # shares the cap, not our count
    try:
        elsewhere = AccountZoom(other_app, StaticTokenSource(await s2s_token()))
        for _ in range(100):
            await elsewhere.create_meeting(ALICE, request(sim_clock, "Elsewhere"))
    finally:
        await other_app.aclose()
    with pytest.raises(ZoomError) as zoom_said:
        await account.create_meeting(ALICE, request(sim_clock))
    assert zoom_said.value.kind is ZoomErrorKind.DAILY_LIMIT and zoom_said.value.status == 429
    assert "paced" not in zoom_said.value.details
    assert sim.stats[CREATE] == 101
    with pytest.raises(ZoomError) as stayed_home:
        await account.create_meeting(ALICE, request(sim_clock))
    assert stayed_home.value.details["paced"] == "yes"
    assert sim.stats[CREATE] == 101  # not sent


async def test_a_call_zoom_refused_before_acting_gives_its_slot_back(
    account: AccountZoom, sim: ZoomSimulator, sim_clock: ManualClock, store: HostWriteStore
) -> None:
    sim.inject(CREATE, status=400, body={"code": 300, "message": "Invalid field."})
    with pytest.raises(ZoomError) as refused:
        await account.create_meeting(ALICE, request(sim_clock))
    assert refused.value.kind is ZoomErrorKind.VALIDATION
    assert await store.used(host_key("alice@example.com"), sim_clock.now().date()) == 0
    await account.create_meeting(ALICE, request(sim_clock))
    assert await store.used(host_key("alice@example.com"), sim_clock.now().date()) == 1


async def test_me_counts_against_the_linked_users_own_e_mail(
    counted_http: ZoomHttp,
    database: Database,
    links: LinkStore,
    sim: ZoomSimulator,
    sim_login: Login,
    sim_clock: ManualClock,
    store: HostWriteStore,
) -> None:
    await link_alice(links, sim, sim_login, sim_clock, expired=False)
    app = sim.apps["sim-client"]
    tokens = UserTokenSource(
        links,
        ZoomOAuth(counted_http, app.client_id, app.client_secret, app.redirect_uri),
        TEAM,
        USER,
        clock=sim_clock.now,
    )
    alice = UserZoom(counted_http, tokens)
    await alice.create_meeting(request(sim_clock))  # the link row is read: it names alice
    await alice.create_meeting(request(sim_clock))  # the remembered token does too
    assert await store.used(host_key("alice@example.com"), sim_clock.now().date()) == 2


async def test_a_database_that_fails_lets_the_call_go_and_says_so_once(
    account: AccountZoom,
    database: Database,
    sim: ZoomSimulator,
    sim_clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.zoom.host_writes")
    async with table_gone(database, "zoom_host_writes"):
        await account.create_meeting(ALICE, request(sim_clock))
        await account.create_meeting(ALICE, request(sim_clock))
    assert sim.stats[CREATE] == 2  # Zoom's own 429 stays the backstop
    assert len([r for r in caplog.records if "uncounted" in r.getMessage()]) == 1


def test_hosts_are_keyed_by_a_digest_of_the_lower_cased_e_mail() -> None:
    assert host_key("Alice@Example.com") == host_key("alice@example.com") == host_key(" ALICE@example.COM ")
    assert len(host_key("alice@example.com")) == 64 and "alice" not in host_key("alice@example.com")
    assert host_key("KDcuGIm1QgePTO8WbOqwIQ") != host_key("kdcugim1qgepto8wboqwiq")  # ids keep their case
