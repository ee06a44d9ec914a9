"""Benchmark the Zoom client against the simulator on loopback.

Two measurements:

1. Client overhead per call: N sequential ``get_meeting`` calls through ``UserZoom``
   versus the same requests sent with a bare ``httpx.AsyncClient`` on the same transport
   (``bot/http_transport.py``); the difference is what our layer (token source, retry
   loop, classification, parsing) costs.
2. Refresh stampede: U users x C concurrent calls, every access token expired, tokens
   in a real SQLite database. Exactly U refreshes must reach Zoom; the table shows the
   latency the refresh adds compared with a second, warm round.

    python bench/zoom_client.py            # 1,000 calls; 100 users x 10 calls
    python bench/zoom_client.py --quick    # a few seconds
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the test kit too

from bot.http_transport import AiohttpTransport
from bot.sandbox.zoom_simulator import ZoomSimulator
from bot.sandbox.zoom_simulator.server import serve_simulator
from bot.store.db import Database
from bot.store.links import LinkStore
from bot.store.migrate import upgrade_to_head
from bot.store.vault import TokenVault, generate_key
from bot.zoom.account_tokens import StaticTokenSource
from bot.zoom.changes import MeetingRequest
from bot.zoom.client import UserZoom
from bot.zoom.http import ZoomHttp
from bot.zoom.oauth import ZoomOAuth
from bot.zoom.tokens import UserTokenSource
from tests.kit.zoom_link import link_user

CLIENT_ID, CLIENT_SECRET = "bench-client", "bench-secret"
REDIRECT_URI = "http://localhost:3000/zoom/oauth/callback"
SCOPES = ["user:read:user", "meeting:read:meeting", "meeting:write:meeting", "meeting:read:list_meetings"]
REFRESH_KEY = "POST /oauth/token:refresh_token"


@dataclass
class Row:
    name: str
    count: int
    median_ms: float
    p99_ms: float
    note: str = ""


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def row(name: str, seconds: list[float], note: str = "") -> Row:
    ms = [s * 1000 for s in seconds]
    return Row(name, len(ms), statistics.median(ms), percentile(ms, 0.99), note)


async def timed(calls: int, one: Callable[[], Awaitable[object]]) -> list[float]:
    out = []
    for _ in range(calls):
        started = time.perf_counter()
        await one()
        out.append(time.perf_counter() - started)
    return out


def new_simulator(users: int) -> ZoomSimulator:
    sim = ZoomSimulator(qps_limit=0, daily_create_update_limit=10**9)
    sim.add_app(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, SCOPES)
    sim.add_account("bench-account")
    for n in range(users):
        sim.add_user(f"user{n}@example.com", "User", str(n), account_id="bench-account")
    return sim


async def link(sim: ZoomSimulator, email: str) -> dict[str, str]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sim.app), base_url="http://sim") as client:
        return await link_user(
            client, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uri=REDIRECT_URI, email=email
        )


async def overhead(sim: ZoomSimulator, base: str, calls: int) -> list[Row]:
    token = (await link(sim, "user0@example.com"))["access_token"]
    http = ZoomHttp(base + "/v2", base)
    zoom = UserZoom(http, StaticTokenSource(token))
    try:
        meeting = await zoom.create_meeting(
            MeetingRequest(topic="Bench", start_time=datetime.now(UTC) + timedelta(days=1))
        )
        url = f"{base}/v2/meetings/{meeting.id}"
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(transport=AiohttpTransport()) as bare:
            for _ in range(20):  # warm both connection pools
                await bare.get(url, headers=headers)
                await zoom.get_meeting(meeting.id)
            raw = await timed(calls, lambda: bare.get(url, headers=headers))
        ours = await timed(calls, lambda: zoom.get_meeting(meeting.id))
        created = await timed(
            max(10, calls // 20),
            lambda: zoom.create_meeting(
                MeetingRequest(topic="Bench", start_time=datetime.now(UTC) + timedelta(days=2))
            ),
        )
        listed = await timed(max(10, calls // 20), lambda: zoom.list_upcoming_meetings(limit=300))
    finally:
        await http.aclose()
    extra = statistics.median(ours) - statistics.median(raw)
    return [
        row("get meeting, bare httpx (same transport)", raw),
        row("get meeting, UserZoom", ours, f"client overhead {extra * 1000:+.2f} ms (median)"),
        row("create meeting", created),
        row("list upcoming (1 page)", listed),
    ]


async def stampede(
    sim: ZoomSimulator, base: str, users: int, per_user: int, db_url: str
) -> tuple[list[Row], int]:
    db = Database.from_url(db_url)
    links = LinkStore(db, TokenVault([generate_key()]))
    http = ZoomHttp(base + "/v2", base)
    oauth = ZoomOAuth(http, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI)
    try:
        for n in range(users):
            email = f"user{n}@example.com"
            body = await link(sim, email)
            user = sim.user(email)
            await links.save_new_link(
                "T",
                f"U{n}",
                zoom_user_id=user.id,
                zoom_email=email,
                zoom_account_id=user.account_id,
                scopes=body["scope"].split(),
                access_token=body["access_token"],
                refresh_token=body["refresh_token"],
                access_expires_at=datetime.now(UTC) - timedelta(seconds=1),
            )
        sim.expire_access_tokens()
        before = sim.stats.get(REFRESH_KEY, 0)
        clients = [UserZoom(http, UserTokenSource(links, oauth, "T", f"U{n}")) for n in range(users)]

        async def one(zoom: UserZoom) -> float:
            started = time.perf_counter()
            await zoom.get_user()
            return time.perf_counter() - started

        async def round_() -> tuple[list[float], float]:
            started = time.perf_counter()
            latencies = await asyncio.gather(*(one(z) for z in clients for _ in range(per_user)))
            return list(latencies), time.perf_counter() - started

        cold, cold_wall = await round_()
        refreshes = sim.stats.get(REFRESH_KEY, 0) - before
        warm, warm_wall = await round_()
    finally:
        await http.aclose()
        await db.dispose()
    added = statistics.median(cold) - statistics.median(warm)
    return [
        row(
            f"stampede: {users} users x {per_user}, expired",
            cold,
            f"{refreshes} refreshes; wall {cold_wall:.2f} s",
        ),
        row(
            f"same, tokens fresh ({users * per_user} calls)",
            warm,
            f"refresh adds {added * 1000:+.1f} ms (median); wall {warm_wall:.2f} s",
        ),
    ], refreshes


def print_table(rows: list[Row]) -> None:
    width = max(len(r.name) for r in rows)
    print(f"{'operation':<{width}}  {'calls':>6}  {'median ms':>9}  {'p99 ms':>8}  notes")
    for r in rows:
        print(f"{r.name:<{width}}  {r.count:>6}  {r.median_ms:>9.2f}  {r.p99_ms:>8.2f}  {r.note}")


async def run(quick: bool, db_url: str) -> int:
    calls, users, per_user = (100, 8, 4) if quick else (1000, 100, 10)
    sim = new_simulator(users)
    async with serve_simulator(sim) as base:
        rows = await overhead(sim, base, calls)
        stampede_rows, refreshes = await stampede(sim, base, users, per_user, db_url)
    print_table(rows + stampede_rows)
    if refreshes != users:
        print(f"FAIL: expected exactly {users} refreshes, saw {refreshes}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes: runs in a few seconds")
    parser.add_argument("--database-url", help="SQLAlchemy async URL (default: a temporary SQLite file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db_url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        upgrade_to_head(db_url)
        return asyncio.run(run(args.quick, db_url))


if __name__ == "__main__":
    sys.exit(main())
