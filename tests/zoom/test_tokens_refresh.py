"""Safe token refresh over a real database (SQLite and PostgreSQL) and the simulator on loopback."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import textwrap
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from bot.sandbox.zoom_simulator import ManualClock, ZoomSimulator
from bot.services.link_flow import LinkFlow
from bot.store.db import Database
from bot.store.links import LinkRecord, LinkStore, SaveOutcome
from bot.store.oauth_states import OAuthStateStore
from bot.store.vault import TokenVault
from bot.zoom.account_tokens import AccountTokenSource
from bot.zoom.client import UserZoom
from bot.zoom.errors import NotLinkedError, Outcome, ZoomError, ZoomErrorKind
from bot.zoom.http import ZoomHttp
from bot.zoom.models import ZoomUser
from bot.zoom.oauth import ZoomOAuth
from bot.zoom.tokens import RefreshLocks, UserTokenSource
from tests.kit.alice_link import REFRESH, TEAM, USER, link_alice, live_refresh_token
from tests.kit.paused_reads import PausedReads
from tests.kit.zoom_link import Login
from tests.zoom.conftest import ZoomHttpFactory

GET_USER = "GET /v2/users/{userId}"
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def http(make_http: ZoomHttpFactory) -> ZoomHttp:
    return make_http(read=0.5)  # short reads: a held answer is a lost one


@pytest.fixture
def oauth(http: ZoomHttp, sim: ZoomSimulator) -> ZoomOAuth:
    app = sim.apps["sim-client"]
    return ZoomOAuth(http, app.client_id, app.client_secret, app.redirect_uri)


async def test_twenty_coroutines_share_one_refresh(
    links: LinkStore,
    oauth: ZoomOAuth,
    http: ZoomHttp,
    sim: ZoomSimulator,
    sim_login: Login,
    sim_clock: ManualClock,
) -> None:
    await link_alice(links, sim, sim_login, sim_clock, expired=True)
    source = UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now)
    zoom = UserZoom(http, source)
    users = await asyncio.gather(*(zoom.get_user() for _ in range(20)))
    assert {u.email for u in users} == {"alice@example.com"}
    assert sim.stats[REFRESH] == 1
    row = await links.get(TEAM, USER)
    assert row is not None and row.status == "active"
    assert row.refresh_token == live_refresh_token(sim)
    assert row.access_expires_at > sim_clock.now() + timedelta(minutes=50)


PROCESS_SCRIPT = textwrap.dedent(
    """
    import asyncio, os, sys, time
    from datetime import datetime
    from bot.store.db import Database
    from bot.store.links import LinkStore
    from bot.store.vault import TokenVault
    from bot.zoom.client import UserZoom
    from bot.zoom.http import ZoomHttp
    from bot.zoom.oauth import ZoomOAuth
    from bot.zoom.tokens import UserTokenSource

    db_url, key, base, now, go_file, secret = sys.argv[1:7]
    fixed_now = datetime.fromisoformat(now)

    async def main():
        db = Database.from_url(db_url)
        http = ZoomHttp(base + "/v2", base, clock=lambda: fixed_now)
        oauth = ZoomOAuth(http, "sim-client", secret, "http://localhost:3000/zoom/oauth/callback")
        links = LinkStore(db, TokenVault([key]))
        zoom = UserZoom(http, UserTokenSource(links, oauth, "T1", "U1", clock=lambda: fixed_now))
        print("ready", flush=True)
        while not os.path.exists(go_file):
            await asyncio.sleep(0.005)
        users = await asyncio.gather(*(zoom.get_user() for _ in range(5)))
        print("ok", ",".join(sorted({u.email for u in users})), flush=True)
        await http.aclose()
        await db.dispose()

    asyncio.run(main())
    """
)


async def test_three_processes_share_one_refresh(
    links: LinkStore,
    db_url: str,
    key: str,
    base_url: str,
    sim: ZoomSimulator,
    sim_login: Login,
    sim_clock: ManualClock,
    tmp_path: Path,
) -> None:
    await link_alice(links, sim, sim_login, sim_clock, expired=True)
    script = tmp_path / "worker.py"
    script.write_text(PROCESS_SCRIPT)
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    args = [db_url, key, base_url, sim_clock.now().isoformat(), str(go), sim.apps["sim-client"].client_secret]
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            str(script),
            *args,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
        )
        for _ in range(3)
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None
            line = await asyncio.wait_for(worker.stdout.readline(), timeout=60)
            assert line.strip() == b"ready", line
        go.touch()  # all three start at once
        results = [await asyncio.wait_for(w.communicate(), timeout=60) for w in workers]
    finally:
        for worker in workers:
            if worker.returncode is None:
                worker.kill()
    for (out, err), worker in zip(results, workers, strict=True):
        assert worker.returncode == 0, err.decode()[-2000:]
        assert out.strip() == b"ok alice@example.com"
    assert sim.stats[REFRESH] == 1
    row = await links.get(TEAM, USER)
    assert row is not None and row.refresh_token == live_refresh_token(sim) and row.status == "active"


async def test_stale_invalid_grant_cannot_clobber_a_newer_token(
    links: LinkStore,
    make_http: ZoomHttpFactory,
    sim: ZoomSimulator,
    sim_login: Login,
    sim_clock: ManualClock,
) -> None:
    """A's lease runs out while its refresh is slow; B refreshes; A's late invalid_grant adopts B's token.

    A's heartbeat is off: a live holder's lease lapses only when its renewals stop reaching
    the database (an outage), which is the case modelled here.
    """
    await link_alice(links, sim, sim_login, sim_clock, expired=True)
    # A's answer is held for seconds, well inside this client's read timeout, so that B's whole
    # refresh fits inside it even on a busy machine.
    http = make_http(read=10.0)
    app = sim.apps["sim-client"]
    oauth = ZoomOAuth(http, app.client_id, app.client_secret, app.redirect_uri)
    slow = UserTokenSource(
        links,
        oauth,
        TEAM,
        USER,
        clock=sim_clock.now,
        owner="A",
        lease_ttl=0.2,
        renew_every=None,
        locks=RefreshLocks(),
    )
    fast = UserTokenSource(
        links, oauth, TEAM, USER, clock=sim_clock.now, owner="B", lease_ttl=0.2, locks=RefreshLocks()
    )
    # Leases run on the wall clock (lease_clock), so A's lapses 0.2 s after it was taken.
    sim.inject(REFRESH, latency=3.0)  # A's request waits here, then hits a rotated token
    slow_task = asyncio.create_task(slow.access_token())
    for _ in range(3000):  # until A's refresh has reached Zoom (it is counted on arrival)
        if sim.stats.get(REFRESH, 0) == 1:
            break
        await asyncio.sleep(0.01)
    fast_token = await fast.access_token()
    slow_token = await slow_task
    await http.aclose()
    assert slow_token == fast_token
    assert sim.stats[REFRESH] == 2  # B's success, then A's refused stale refresh
    row = await links.get(TEAM, USER)
    assert row is not None and row.status == "active"
    assert row.access_token == fast_token and row.refresh_token == live_refresh_token(sim)


async def test_invalid_grant_with_unchanged_row_marks_needs_reauth(
    links: LinkStore, oauth: ZoomOAuth, sim: ZoomSimulator, sim_login: Login, sim_clock: ManualClock
) -> None:
    await link_alice(links, sim, sim_login, sim_clock, expired=True)
    sim.end_user_grants(sim.user("alice@example.com").id, reason="revoked")  # the user revoked at Zoom
    source = UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now)
    with pytest.raises(ZoomError) as caught:
        await source.access_token()
    assert caught.value.kind == ZoomErrorKind.AUTH and caught.value.code == "invalid_grant"
    row = await links.get(TEAM, USER)
    assert row is not None and row.status == "needs_reauth"
    with pytest.raises(ZoomError):
        await source.access_token()
    assert sim.stats[REFRESH] == 1  # the second call did not go to Zoom


async def test_a_lost_refresh_answer_is_asked_again_and_invalid_grant_means_zoom_rotated(
    links: LinkStore, oauth: ZoomOAuth, sim: ZoomSimulator, sim_login: Login, sim_clock: ManualClock
) -> None:
    await link_alice(links, sim, sim_login, sim_clock, expired=True)
    sim.inject(REFRESH, after_effect=True, drop=True)  # Zoom rotates, the answer never arrives
    source = UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now)
    with pytest.raises(ZoomError) as caught:
        await source.access_token()
    assert caught.value.kind == ZoomErrorKind.AUTH and caught.value.outcome == Outcome.UNKNOWN
    assert caught.value.code == "refresh_lost"
    row = await links.get(TEAM, USER)
    assert row is not None and row.status == "needs_reauth"
    assert sim.stats[REFRESH] == 2  # the lost one, then one with the stored token: invalid_grant
    for secret in sim.issued_secrets():
        assert secret not in str(caught.value)


async def test_a_lost_refresh_answer_that_did_not_rotate_keeps_the_link(
    links: LinkStore, oauth: ZoomOAuth, sim: ZoomSimulator, sim_login: Login, sim_clock: ManualClock
) -> None:
    """Zoom hangs past our read timeout, then answers 503 without rotating: the link lives on."""
    linked = await link_alice(links, sim, sim_login, sim_clock, expired=True)
    sim.inject(REFRESH, status=503, latency=2.0)  # longer than the 0.5 s read timeout
    source = UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now)
    token = await source.access_token()
    row = await links.get(TEAM, USER)
    assert row is not None and row.status == "active" and row.version == linked.version + 1
    assert row.access_token == token and row.refresh_token == live_refresh_token(sim)
    assert sim.stats[REFRESH] == 2


async def test_a_refresh_answer_lost_twice_keeps_the_link(
    links: LinkStore, oauth: ZoomOAuth, sim: ZoomSimulator, sim_login: Login, sim_clock: ManualClock
) -> None:
    linked = await link_alice(links, sim, sim_login, sim_clock, expired=True)
    sim.inject(REFRESH, status=503, latency=2.0, times=2)
    source = UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now)
    with pytest.raises(ZoomError) as caught:
        await source.access_token()
    assert caught.value.kind == ZoomErrorKind.UNAVAILABLE and caught.value.outcome == Outcome.UNKNOWN
    row = await links.get(TEAM, USER)
    assert row is not None and row.status == "active" and row.version == linked.version
    assert sim.stats[REFRESH] == 2
    assert await source.access_token() == (await links.get(TEAM, USER)).access_token  # type: ignore[union-attr]


async def test_refresh_5xx_keeps_the_link(
    links: LinkStore, oauth: ZoomOAuth, sim: ZoomSimulator, sim_login: Login, sim_clock: ManualClock
) -> None:
    linked = await link_alice(links, sim, sim_login, sim_clock, expired=True)
    sim.inject(REFRESH, status=503)
    source = UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now)
    with pytest.raises(ZoomError) as caught:
        await source.access_token()
    assert caught.value.kind == ZoomErrorKind.UNAVAILABLE
    row = await links.get(TEAM, USER)
    assert row is not None and row.status == "active" and row.version == linked.version
    assert await source.access_token() != linked.access_token  # next try works
    assert sim.stats[REFRESH] == 2


async def test_124_rereads_the_row_before_refreshing(
    links: LinkStore,
    oauth: ZoomOAuth,
    http: ZoomHttp,
    sim: ZoomSimulator,
    sim_login: Login,
    sim_clock: ManualClock,
) -> None:
    linked = await link_alice(links, sim, sim_login, sim_clock, expired=False)
    sibling = UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now, locks=RefreshLocks())
    new_token = await sibling.invalidate(linked.access_token)  # another process refreshed
    assert sim.stats[REFRESH] == 1
    source = UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now)
    assert await source.invalidate(linked.access_token) == new_token
    assert sim.stats[REFRESH] == 1  # re-read, no second refresh


async def test_api_401_with_a_token_we_thought_fresh_refreshes_once(
    links: LinkStore,
    oauth: ZoomOAuth,
    http: ZoomHttp,
    sim: ZoomSimulator,
    sim_login: Login,
    sim_clock: ManualClock,
) -> None:
    await link_alice(links, sim, sim_login, sim_clock, expired=False)
    sim.expire_access_tokens("alice@example.com")  # Zoom disagrees with our expiry
    zoom = UserZoom(http, UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now))
    users = await asyncio.gather(*(zoom.get_user() for _ in range(5)))
    assert {u.email for u in users} == {"alice@example.com"}
    assert sim.stats[REFRESH] == 1


async def test_not_linked_and_needs_reauth(
    links: LinkStore, oauth: ZoomOAuth, sim: ZoomSimulator, sim_login: Login, sim_clock: ManualClock
) -> None:
    with pytest.raises(NotLinkedError):
        await UserTokenSource(links, oauth, TEAM, "nobody", clock=sim_clock.now).access_token()
    linked = await link_alice(links, sim, sim_login, sim_clock, expired=False)
    assert await links.mark_needs_reauth(linked.id, expected_version=linked.version)
    with pytest.raises(ZoomError) as caught:
        await UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now).access_token()
    assert caught.value.kind == ZoomErrorKind.AUTH
    assert sim.stats.get(REFRESH, 0) == 0


async def test_account_token_is_fetched_once_and_renewed_before_expiry(
    http: ZoomHttp, sim: ZoomSimulator, sim_clock: ManualClock
) -> None:
    oauth = ZoomOAuth(http, "sim-s2s", "sim-s2s-secret", "http://unused")
    source = AccountTokenSource(oauth, "acc-1", clock=sim_clock.now)
    tokens = await asyncio.gather(*(source.access_token() for _ in range(20)))
    assert len(set(tokens)) == 1 and sim.stats["POST /oauth/token:account_credentials"] == 1
    sim_clock.advance(3599 - 400)  # still more than 5 minutes left
    assert await source.access_token() == tokens[0]
    sim_clock.advance(200)  # now within the renewal margin
    renewed = await source.access_token()
    assert renewed != tokens[0] and sim.stats["POST /oauth/token:account_credentials"] == 2
    again = await asyncio.gather(source.invalidate(renewed), source.invalidate(renewed))
    assert again[0] == again[1] != renewed
    assert sim.stats["POST /oauth/token:account_credentials"] == 3


async def test_no_secret_reaches_the_logs(
    links: LinkStore,
    oauth: ZoomOAuth,
    http: ZoomHttp,
    sim: ZoomSimulator,
    sim_login: Login,
    sim_clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, httpx, httpcore, sqlalchemy
    await link_alice(links, sim, sim_login, sim_clock, expired=True)
    zoom = UserZoom(http, UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now))
    sim.inject(GET_USER, status=401, body={"code": 124, "message": "Invalid access token."})
    sim.inject(GET_USER, status=429, headers={"Retry-After": "0"})
    await zoom.get_user()
    sim.inject(REFRESH, after_effect=True, drop=True)
    sim.expire_access_tokens("alice@example.com")
    sim_clock.advance(3600)
    with pytest.raises(ZoomError):
        await zoom.get_user()
    text = "\n".join(f"{r.getMessage()} {r.args}" for r in caplog.records)
    assert "refresh answer lost" in text  # the capture did see our records
    for secret in sim.issued_secrets():
        assert secret not in text


async def test_a_caller_deadline_does_not_cut_a_refresh_in_flight(
    links: LinkStore, make_http: ZoomHttpFactory, sim: ZoomSimulator, sim_login: Login, sim_clock: ManualClock
) -> None:
    linked = await link_alice(links, sim, sim_login, sim_clock, expired=True)
    sim.inject(REFRESH, after_effect=True, latency=0.3)  # Zoom rotates, then answers slowly
    # The answer must arrive (a read timeout would be a lost answer, another test's case), so
    # the client waits far longer than Zoom's 0.3 s even on a busy machine.
    http = make_http(read=10.0)
    app = sim.apps["sim-client"]
    oauth = ZoomOAuth(http, app.client_id, app.client_secret, app.redirect_uri)
    source = UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(source.access_token(), timeout=0.05)
    for _ in range(1500):  # the shielded refresh finishes and commits on its own (30 s at most)
        row = await links.get(TEAM, USER)
        assert row is not None
        if row.version != linked.version:
            break
        await asyncio.sleep(0.02)
    assert row.status == "active" and row.refresh_token == live_refresh_token(sim)
    assert await source.access_token() == row.access_token
    assert sim.stats[REFRESH] == 1


class SlowSaves(LinkStore):
    """The real link store, its rotation save paused after it has written (and so released
    the lease) until the lease's heartbeat has tried once more: the order a busy process sees."""

    def __init__(self, db: Database, vault: TokenVault) -> None:
        super().__init__(db, vault)
        self.saved = asyncio.Event()
        self.renewed_after_save = asyncio.Event()

    async def save_rotation(self, *args: Any, **kwargs: Any) -> SaveOutcome:
        outcome = await super().save_rotation(*args, **kwargs)
        self.saved.set()
        await asyncio.wait_for(self.renewed_after_save.wait(), timeout=10)
        return outcome

    async def renew_refresh_lease(self, *args: Any, **kwargs: Any) -> bool:
        renewed = await super().renew_refresh_lease(*args, **kwargs)
        if self.saved.is_set():
            self.renewed_after_save.set()
        return renewed


async def test_a_heartbeat_that_finds_the_lease_released_by_our_own_save_does_not_cry_lapse(
    database: Database,
    key: str,
    oauth: ZoomOAuth,
    sim: ZoomSimulator,
    sim_login: Login,
    sim_clock: ManualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    links = SlowSaves(database, TokenVault([key]))
    await link_alice(links, sim, sim_login, sim_clock, expired=True)
    # A short lease: its heartbeat beats every 0.1 s, so it beats while the save is paused.
    source = UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now, lease_ttl=0.3)
    with caplog.at_level(logging.WARNING, logger="bot.zoom.refresh_lease"):
        token = await source.access_token()
    assert links.renewed_after_save.is_set()  # the heartbeat did find the lease gone
    assert "lapsed" not in caplog.text
    row = await links.get(TEAM, USER)
    assert row is not None and row.access_token == token
    assert sim.stats[REFRESH] == 1


# -- the per-process cache of fresh access tokens (bot/store/fresh_tokens.py) -----------------


class StatementCounter:
    """Counts the SQL statements an engine sends (a real listener on the real engine)."""

    def __init__(self, database: Database) -> None:
        self.count = 0
        event.listen(database.engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *_: object) -> None:
        self.count += 1


async def test_a_fresh_token_is_read_from_the_database_once(
    database: Database,
    key: str,
    oauth: ZoomOAuth,
    sim: ZoomSimulator,
    sim_login: Login,
    sim_clock: ManualClock,
) -> None:
    links = LinkStore(database, TokenVault([key]))
    linked = await link_alice(links, sim, sim_login, sim_clock, expired=False)
    statements = StatementCounter(database)
    for _ in range(5):  # every command builds a new source, as the app does
        token = await UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now).access_token()
        assert token == linked.access_token
    assert statements.count == 1


class LinkReads:
    """Counts the reads of link rows an engine sends (a real listener on the real engine)."""

    def __init__(self, database: Database) -> None:
        self.count = 0
        event.listen(database.engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, _connection: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "zoom_links" in statement:
            self.count += 1


async def test_calls_refused_together_share_one_refresh_and_the_rest_read_no_row(
    database: Database,
    key: str,
    http: ZoomHttp,
    oauth: ZoomOAuth,
    sim: ZoomSimulator,
    sim_login: Login,
    sim_clock: ManualClock,
) -> None:
    """The 9:00 burst: ten commands of one person go out with the remembered token, Zoom
    refuses all ten (it expired, or was revoked); one refreshes, nine take its token."""
    links = LinkStore(database, TokenVault([key]))
    await link_alice(links, sim, sim_login, sim_clock, expired=False)

    async def refused_round(calls: int) -> int:
        await UserZoom(http, source(links, oauth, sim_clock)).get_user()  # the token is remembered
        sim.expire_access_tokens("alice@example.com")
        reads = LinkReads(database)
        refreshes = sim.stats.get(REFRESH, 0)
        users = await asyncio.gather(
            *(UserZoom(http, source(links, oauth, sim_clock)).get_user() for _ in range(calls))
        )
        assert {u.email for u in users} == {"alice@example.com"}
        assert sim.stats[REFRESH] == refreshes + 1
        event.remove(database.engine.sync_engine, "before_cursor_execute", reads._seen)
        return reads.count

    alone = await refused_round(1)
    assert await refused_round(10) == alone  # nine more calls, not one more read


async def test_calls_after_the_remembered_token_ran_out_share_one_refresh_and_the_rest_read_no_row(
    database: Database,
    key: str,
    oauth: ZoomOAuth,
    sim: ZoomSimulator,
    sim_login: Login,
    sim_clock: ManualClock,
) -> None:
    """The first commands of the day: the remembered token expired overnight."""
    links = LinkStore(database, TokenVault([key]))
    await link_alice(links, sim, sim_login, sim_clock, expired=False)

    async def round_after_expiry(calls: int) -> int:
        await source(links, oauth, sim_clock).access_token()  # the token is remembered
        sim_clock.advance(2 * 60 * 60)
        reads = LinkReads(database)
        refreshes = sim.stats.get(REFRESH, 0)
        tokens = await asyncio.gather(*(source(links, oauth, sim_clock).access_token() for _ in range(calls)))
        assert len(set(tokens)) == 1
        assert sim.stats[REFRESH] == refreshes + 1
        event.remove(database.engine.sync_engine, "before_cursor_execute", reads._seen)
        return reads.count

    alone = await round_after_expiry(1)
    assert await round_after_expiry(10) == alone


async def test_a_remembered_token_expires_with_the_clock(
    links: LinkStore, oauth: ZoomOAuth, sim: ZoomSimulator, sim_login: Login, sim_clock: ManualClock
) -> None:
    linked = await link_alice(links, sim, sim_login, sim_clock, expired=False)
    assert await UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now).access_token() == (
        linked.access_token
    )
    sim_clock.advance(56 * 60)  # inside the 5-minute refresh margin
    fresh = await UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now).access_token()
    assert fresh != linked.access_token and sim.stats[REFRESH] == 1


async def test_another_process_refreshing_is_noticed_through_zoom_refusing_the_remembered_token(
    db_url: str,
    links: LinkStore,
    key: str,
    http: ZoomHttp,
    oauth: ZoomOAuth,
    sim: ZoomSimulator,
    sim_login: Login,
    sim_clock: ManualClock,
) -> None:
    linked = await link_alice(links, sim, sim_login, sim_clock, expired=False)
    ours = UserZoom(http, UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now))
    assert (await ours.get_user()).email == "alice@example.com"  # remembers the token

    other_db = Database.from_url(db_url)  # a second process: its own store, its own cache
    try:
        other = LinkStore(other_db, TokenVault([key]))
        sibling = UserTokenSource(other, oauth, TEAM, USER, clock=sim_clock.now, locks=RefreshLocks())
        rotated = await sibling.invalidate(linked.access_token)  # Zoom kills the old token
    finally:
        await other_db.dispose()

    assert (await ours.get_user()).email == "alice@example.com"
    assert sim.stats[REFRESH] == 1  # ours re-read the row instead of refreshing again
    assert await UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now).access_token() == rotated


async def test_unlinking_in_this_process_forgets_the_token(
    links: LinkStore, oauth: ZoomOAuth, sim: ZoomSimulator, sim_login: Login, sim_clock: ManualClock
) -> None:
    await link_alice(links, sim, sim_login, sim_clock, expired=False)
    await UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now).access_token()
    await links.delete(TEAM, USER)
    with pytest.raises(NotLinkedError):
        await UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now).access_token()


async def test_needs_reauth_in_this_process_forgets_the_token(
    links: LinkStore, oauth: ZoomOAuth, sim: ZoomSimulator, sim_login: Login, sim_clock: ManualClock
) -> None:
    linked = await link_alice(links, sim, sim_login, sim_clock, expired=False)
    await UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now).access_token()
    assert await links.mark_needs_reauth(linked.id, expected_version=linked.version)
    with pytest.raises(ZoomError) as caught:
        await UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now).access_token()
    assert caught.value.kind == ZoomErrorKind.AUTH


async def test_relinking_replaces_the_remembered_token(
    links: LinkStore, oauth: ZoomOAuth, sim: ZoomSimulator, sim_login: Login, sim_clock: ManualClock
) -> None:
    first = await link_alice(links, sim, sim_login, sim_clock, expired=False)
    await UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now).access_token()
    second = await link_alice(links, sim, sim_login, sim_clock, expired=False)
    assert second.access_token != first.access_token
    assert await UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now).access_token() == (
        second.access_token
    )


# -- a deleted link is never used again, even by a command that read it just before ------------


async def test_a_command_that_read_the_link_just_before_unlink_does_not_bring_its_token_back(
    database: Database,
    key: str,
    http: ZoomHttp,
    oauth: ZoomOAuth,
    sim: ZoomSimulator,
    sim_login: Login,
    sim_clock: ManualClock,
) -> None:
    links = PausedReads(database, TokenVault([key]))
    linked = await link_alice(links, sim, sim_login, sim_clock, expired=False)
    flow = LinkFlow(oauth, OAuthStateStore(database, TokenVault([key])), links, _unused_reader)
    sim.inject("POST /oauth/revoke", status=503, times=10)  # Zoom keeps the grant alive

    links.pause_next_read()
    slow = asyncio.create_task(UserZoom(http, source(links, oauth, sim_clock)).get_user())
    await links.read_done.wait()  # `/zoom me` holds the row it read ...
    unlinked = await flow.unlink(TEAM, USER)  # ... while `/zoom unlink` deletes it
    assert unlinked.was_linked and not unlinked.revoked_at_zoom
    links.resume.set()
    with pytest.raises(NotLinkedError):
        await slow

    await assert_never_used_again(links, http, oauth, sim, sim_clock, linked)


def source(links: LinkStore, oauth: ZoomOAuth, clock: ManualClock) -> UserTokenSource:
    return UserTokenSource(links, oauth, TEAM, USER, clock=clock.now)


async def _unused_reader(token: str) -> ZoomUser:
    raise AssertionError("unlinking reads no Zoom user")


async def assert_never_used_again(
    links: LinkStore,
    http: ZoomHttp,
    oauth: ZoomOAuth,
    sim: ZoomSimulator,
    clock: ManualClock,
    deleted: LinkRecord,
) -> None:
    """Zoom would still accept the deleted link's token, yet no later command of ours sends it."""
    still_valid = await http.client.get(
        f"{http.api_url}/users/me", headers={"Authorization": f"Bearer {deleted.access_token}"}
    )
    assert still_valid.status_code == 200
    calls = sim.stats[GET_USER]
    for _ in range(3):
        with pytest.raises(NotLinkedError):
            await UserZoom(http, source(links, oauth, clock)).get_user()
    assert sim.stats[GET_USER] == calls
