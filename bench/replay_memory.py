"""What sharing the Slack replay memory through the database costs each signed request.

    python bench/replay_memory.py [--requests 2000] [--concurrency 1 20] [--postgres URL] [--json out.json]

Every signed Slack request (command, click, event) is recorded in ``processed_events``
by ``SharedRequestMemory.first_time`` before it is acted on: one INSERT and its commit, shared
by the requests that arrive while another is in flight.
This runs that call ``--requests`` times on a new SQLite file (WAL, as the bot opens it)
and, unless ``--postgres none``, on a new PostgreSQL database created on the given server,
sequentially and with ``--concurrency`` requests in flight, and prints per request the
wall-time median and p99 and the CPU time of this process (the bot's share; PostgreSQL's
own work runs in its server process).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from bot.store.db import Database
from bot.store.migrate import upgrade_to_head
from bot.store.request_memory import SharedRequestMemory

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


async def measure(url: str, requests: int, concurrency: int) -> dict[str, float]:
    db = Database.from_url(url)
    memory = SharedRequestMemory(db)
    latencies: list[float] = []
    queue = iter(range(requests))

    async def worker() -> None:
        for _ in queue:
            signature = "v0=" + secrets.token_hex(32)
            started = time.perf_counter()
            assert await memory.first_time(signature, now=datetime.now(UTC))
            latencies.append(time.perf_counter() - started)

    try:
        await memory.first_time("v0=warm-up", now=datetime.now(UTC))  # the pool's first connection
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    finally:
        await db.dispose()
    latencies.sort()
    return {
        "median_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "cpu_ms_per_request": cpu / requests * 1000,
        "requests_per_s": requests / wall,
    }


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(server: str, sql: str) -> None:
    connection = await asyncpg.connect(_dsn(server), timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 20])
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="a server URL, or 'none'")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        backends = {"sqlite": f"sqlite+aiosqlite:///{tmp}/replay.db"}
        name = f"zoombot_bench_{secrets.token_hex(4)}"
        if args.postgres != "none":
            asyncio.run(_admin(args.postgres, f'CREATE DATABASE "{name}"'))
            backends["postgresql"] = make_url(args.postgres).set(database=name).render_as_string(False)
        try:
            for backend, url in backends.items():
                upgrade_to_head(url)
                for concurrency in args.concurrency:
                    figures = asyncio.run(measure(url, args.requests, concurrency))
                    results[f"{backend}/{concurrency}"] = figures
                    print(
                        f"{backend:<10} {concurrency:>3} in flight: median {figures['median_ms']:.2f} ms, "
                        f"p99 {figures['p99_ms']:.2f} ms, "
                        f"CPU {figures['cpu_ms_per_request']:.2f} ms/request, "
                        f"{figures['requests_per_s']:.0f} requests/s"
                    )
        finally:
            if "postgresql" in backends:
                asyncio.run(_admin(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
