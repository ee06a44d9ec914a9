"""Token refresh under faults: the database failing after Zoom rotated, a process killed while it
holds the refresh lease, another process's refresh still running. Real databases (SQLite and
PostgreSQL), the simulator on loopback, real processes and SIGKILL."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.sandbox.zoom_simulator import ManualClock, ZoomSimulator
from bot.slack.hints import hint_for
from bot.store.db import Database
from bot.store.links import LinkStore
from bot.store.vault import TokenVault
from bot.zoom.client import UserZoom
from bot.zoom.errors import RefreshInProgress
from bot.zoom.http import ZoomHttp
from bot.zoom.oauth import ZoomOAuth
from bot.zoom.tokens import RefreshLocks, UserTokenSource
from tests.conftest import postgres_server_url
from tests.kit.alice_link import REFRESH, TEAM, USER, link_alice, live_access_token, live_refresh_token
from tests.kit.table_gone import table_gone
from tests.kit.zoom_link import Login
from tests.zoom.conftest import ZoomHttpFactory

REPO_ROOT = Path(__file__).resolve().parents[2]
PATIENCE = 60.0  # seconds: a generous deadline for things that happen "soon" on a busy machine
API_DEADLINE = 15.0  # the bot's ZoomHttp deadline (bot/runtime.py)


@pytest.fixture
def http(make_http: ZoomHttpFactory) -> ZoomHttp:
    # Patient reads: the test, not a timeout, decides when a held answer arrives.
    return make_http(read=PATIENCE, deadline=API_DEADLINE)


@pytest.fixture
def oauth(http: ZoomHttp, sim: ZoomSimulator) -> ZoomOAuth:
    app = sim.apps["sim-client"]
    return ZoomOAuth(http, app.client_id, app.client_secret, app.redirect_uri)


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not await check():
        assert time.monotonic() < deadline, f"never happened: {what}"
        await asyncio.sleep(0.02)


async def held_at_zoom(sim: ZoomSimulator, count: int = 1) -> None:
    async def holding() -> bool:
        return sim.hangs.waiting >= count

    await eventually(holding, "the refresh reached Zoom and is held there")


# -- fault 1: the database fails between Zoom's answer and the write ------------------------


async def test_a_rotated_pair_the_database_refuses_is_kept_served_and_saved_later(
    links: LinkStore,
    database: Database,
    oauth: ZoomOAuth,
    http: ZoomHttp,
    sim: ZoomSimulator,
    sim_login: Login,
    sim_clock: ManualClock,
    key: str,
) -> None:
    linked = await link_alice(links, sim, sim_login, sim_clock, expired=True)
    sim.inject(REFRESH, after_effect=True, drop=True)  # Zoom rotates; its answer is held
    source = UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now)
    refreshing = asyncio.create_task(source.access_token())
    await held_at_zoom(sim)
    async with table_gone(database, "zoom_links") as restore:
        sim.hangs.release()  # the answer arrives while the database refuses every statement
        token = await asyncio.wait_for(refreshing, PATIENCE)
        assert token == live_access_token(sim)  # the command goes on with the new token
        # Later commands of this process are served the new token while the database is out,
        # and Zoom accepts it.
        later = UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now)
        assert await later.access_token() == token
        me = await UserZoom(http, later).get_user()
        assert me.email == "alice@example.com"
        # A call that went out with the old token and was refused takes the new one too.
        assert await later.invalidate(linked.access_token) == token
        await restore()

    async def saved() -> bool:
        return bool(await column(database, linked.id, "version") != linked.version)

    await eventually(saved, "the pending rotated pair was written")
    elsewhere = LinkStore(database, TokenVault([key]))  # another process's view: the database only
    row = await elsewhere.get(TEAM, USER)
    assert row is not None and row.status == "active"
    assert row.refresh_token == live_refresh_token(sim) and row.access_token == token
    assert await column(database, linked.id, "refresh_lease_owner") is None  # the write released it
    assert sim.stats[REFRESH] == 1


async def column(database: Database, link_id: int, name: str) -> object:
    async with database.engine.connect() as connection:
        result = await connection.execute(
            text(f"SELECT {name} FROM zoom_links WHERE id = :id"), {"id": link_id}
        )
        return result.scalar_one()


# -- fault 2: a process killed while it holds the refresh lease -------------------------------

HOLDER_SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from datetime import datetime
    import httpx
    from bot.store.db import Database
    from bot.store.links import LinkStore
    from bot.store.vault import TokenVault
    from bot.zoom.http import ZoomHttp
    from bot.zoom.oauth import ZoomOAuth
    from bot.zoom.tokens import UserTokenSource

    db_url, key, base, now, secret = sys.argv[1:6]
    zoom_now = datetime.fromisoformat(now)

    async def main():
        db = Database.from_url(db_url)
        http = ZoomHttp(base + "/v2", base, timeout=httpx.Timeout(5.0, read=600.0), clock=lambda: zoom_now)
        oauth = ZoomOAuth(http, "sim-client", secret, "http://localhost:3000/zoom/oauth/callback")
        source = UserTokenSource(LinkStore(db, TokenVault([key])), oauth, "T1", "U1", clock=lambda: zoom_now)
        print("ready", flush=True)
        await source.access_token()  # takes the lease; Zoom holds the answer until we are killed
        print("refreshed", flush=True)

    asyncio.run(main())
    """
)


async def test_a_lease_held_by_a_killed_process_is_taken_over_within_the_api_deadline(
    links: LinkStore,
    database: Database,
    db_url: str,
    key: str,
    base_url: str,
    http: ZoomHttp,
    oauth: ZoomOAuth,
    sim: ZoomSimulator,
    sim_login: Login,
    sim_clock: ManualClock,
    tmp_path: Path,
) -> None:
    linked = await link_alice(links, sim, sim_login, sim_clock, expired=True)
    sim.inject(REFRESH, drop=True)  # the holder's refresh hangs at Zoom (nothing rotates)
    script = tmp_path / "holder.py"
    script.write_text(HOLDER_SCRIPT)
    secret = sim.apps["sim-client"].client_secret
    holder = await asyncio.create_subprocess_exec(
        sys.executable,
        str(script),
        db_url,
        key,
        base_url,
        sim_clock.now().isoformat(),
        secret,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    try:
        assert holder.stdout is not None
        assert (await asyncio.wait_for(holder.stdout.readline(), PATIENCE)).strip() == b"ready"
        await held_at_zoom(sim)
        assert await column(database, linked.id, "refresh_lease_owner") is not None
        holder.send_signal(signal.SIGKILL)  # mid-refresh, lease held: no clean-up at all
        await asyncio.wait_for(holder.wait(), PATIENCE)
    finally:
        if holder.returncode is None:
            holder.kill()
            await holder.wait()
    assert holder.returncode == -signal.SIGKILL
    # The next command, in another process, within the bot's API deadline (15 s): it takes
    # the dead process's lease over and refreshes (a 30 s lease made it time out here).
    zoom = UserZoom(
        http, UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now, locks=RefreshLocks())
    )
    me = await zoom.get_user()
    assert me.email == "alice@example.com"
    assert sim.stats[REFRESH] == 2  # the killed process's, then ours
    row = await links.get(TEAM, USER)
    assert row is not None and row.status == "active" and row.refresh_token == live_refresh_token(sim)


async def test_a_command_waiting_on_someone_elses_refresh_is_told_so_not_that_zoom_was_silent(
    links: LinkStore,
    oauth: ZoomOAuth,
    http: ZoomHttp,
    sim: ZoomSimulator,
    sim_login: Login,
    sim_clock: ManualClock,
) -> None:
    await link_alice(links, sim, sim_login, sim_clock, expired=True)
    sim.inject(REFRESH, after_effect=True, drop=True)  # a live holder, with Zoom slow to answer
    holder = UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now, owner="A", locks=RefreshLocks())
    holding = asyncio.create_task(holder.access_token())
    await held_at_zoom(sim)
    waiter = UserTokenSource(
        links, oauth, TEAM, USER, clock=sim_clock.now, owner="B", locks=RefreshLocks(), wait_limit=3.0
    )
    with pytest.raises(RefreshInProgress) as caught:
        await UserZoom(http, waiter).get_user()
    assert sim.stats[REFRESH] == 1  # the waiter never asked Zoom: the live holder kept its lease
    hint = hint_for(caught.value, mode="user", operation="look up your Zoom user").text()
    assert "Someone else's renewal of your Zoom authorization is in progress" in hint
    assert "Zoom gave no answer" not in hint and "couldn't reach Zoom" not in hint
    sim.hangs.release()
    token = await asyncio.wait_for(holding, PATIENCE)
    assert await waiter.access_token() == token  # once it is done, the waiter uses its result
    assert sim.stats[REFRESH] == 1


@pytest.mark.postgres
async def test_a_rotated_pair_survives_postgresql_refusing_connections_for_seconds(
    postgres_url: str,
    key: str,
    base_url: str,
    sim: ZoomSimulator,
    sim_login: Login,
    sim_clock: ManualClock,
) -> None:
    """The issue's run: Zoom's answer held, the database refusing connections for 3 s, the answer
    released. The pair is kept, the command goes on, and it is saved once the database is back."""
    database = Database.from_url(postgres_url)
    links = LinkStore(database, TokenVault([key]))
    http = ZoomHttp(
        base_url + "/v2", base_url, timeout=httpx.Timeout(5.0, read=PATIENCE), clock=sim_clock.now
    )
    app = sim.apps["sim-client"]
    oauth = ZoomOAuth(http, app.client_id, app.client_secret, app.redirect_uri)
    name = make_url(postgres_url).database
    try:
        linked = await link_alice(links, sim, sim_login, sim_clock, expired=True)
        sim.inject(REFRESH, after_effect=True, drop=True)
        refreshing = asyncio.create_task(
            UserTokenSource(links, oauth, TEAM, USER, clock=sim_clock.now).access_token()
        )
        await held_at_zoom(sim)
        await admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        try:
            sim.hangs.release()
            token = await asyncio.wait_for(refreshing, PATIENCE)
            assert token == live_access_token(sim)
            await asyncio.sleep(3.0)  # the outage goes on; the saver keeps trying meanwhile
        finally:
            await admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

        async def saved() -> bool:
            return bool(await column(database, linked.id, "version") != linked.version)

        await eventually(saved, "the pending rotated pair was written")
        row = await LinkStore(database, TokenVault([key])).get(TEAM, USER)
        assert row is not None and row.status == "active" and row.access_token == token
        assert row.refresh_token == live_refresh_token(sim)
    finally:
        await http.aclose()
        await database.dispose()


async def admin(sql: str) -> None:
    connection = await asyncpg.connect(
        make_url(postgres_server_url()).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    try:
        await connection.execute(sql)
    finally:
        await connection.close()
