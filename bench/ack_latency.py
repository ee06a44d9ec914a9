"""Ack latency and throughput of the real bot against a bare Bolt app, side by side.

    python bench/ack_latency.py [--quick] [--json results.json] [--zoom-latency 0.1]

Everything runs on loopback: a Zoom simulator (answering after ``--zoom-latency``) and a
Slack stand-in in this process; the bot (`python -m bot serve`, real SQLite) and the
baseline (bench/baseline_app.py) each in their own process; the load generator
(bench/loadgen.py) in a third. Each point is repeated and the median reported, because
a 2-core machine is noisy. Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import psutil
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.slack.standin import SlackDriver, SlackStandin  # noqa: E402
from bot.zoom.simulator import ZoomSimulator  # noqa: E402
from bot.zoom.simulator.server import serve_simulator_in_thread  # noqa: E402

SECRET = "bench-signing-secret"
CLIENT_ID, CLIENT_SECRET = "bench-zoom-client", "bench-zoom-secret"
SCOPES = ["user:read:user", "meeting:read:list_meetings", "meeting:write:meeting", "meeting:read:meeting"]
TARGETS = {
    "ack_p99_ratio_at_100": 1.5,
    "throughput_ratio": 0.7,
    "e2e_p99_at_10_over_zoom_ms": 50.0,
    "cold_start_s": 1.5,
    "rss_mb": 150.0,
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, timeout: float = 60) -> float:
    started = time.perf_counter()
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return time.perf_counter() - started
        except httpx.TransportError:
            pass
        if time.perf_counter() - started > timeout:
            raise RuntimeError(f"{url} did not become healthy")
        time.sleep(0.01)


@contextmanager
def process(args: list[str], env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def bot_env(db_path: Path, slack_api: str, zoom_url: str, port: int) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ZOOM_", "TOKEN_", "DATABASE_"))
    }
    env.update(
        {
            "DATABASE_URL": f"sqlite+aiosqlite:///{db_path}",
            "TOKEN_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_BOT_TOKEN": "xoxb-standin-0001",
            "SLACK_API_URL": slack_api,
            "ZOOM_CLIENT_ID": CLIENT_ID,
            "ZOOM_CLIENT_SECRET": CLIENT_SECRET,
            "ZOOM_REDIRECT_URI": f"http://127.0.0.1:{port}/zoom/oauth/callback",
            "ZOOM_API_URL": f"{zoom_url}/v2",
            "ZOOM_OAUTH_URL": zoom_url,
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def loadgen(
    url: str,
    users: list[str],
    *,
    concurrency: int = 1,
    duration: float = 1.0,
    burst: int = 0,
    replies: bool = False,
) -> dict[str, Any]:
    args = [
        sys.executable,
        str(ROOT / "bench" / "loadgen.py"),
        "--url",
        url,
        "--secret",
        SECRET,
        "--users",
        ",".join(users),
        "--concurrency",
        str(concurrency),
        "--duration",
        str(duration),
        "--burst",
        str(burst),
    ]
    if replies:
        args.append("--expect-replies")
    out = subprocess.run(args, capture_output=True, text=True, check=True, timeout=600)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


async def link_users(bot_url: str, standin: SlackStandin, users: list[str]) -> None:
    """Link every user through the real flow: /zoom link → consent (login_hint) → callback."""
    async with SlackDriver(bot_url, standin, SECRET) as driver, httpx.AsyncClient(timeout=30) as browser:
        for user in users:
            before = len(standin.messages)
            await driver.slash(user, "C0GENERAL", "link")
            message = await standin.wait_for(lambda b=before: standin.messages[b:] or None, timeout=10)
            url = next(
                e["url"]
                for block in message[-1].blocks or []
                if block.get("type") == "actions"
                for e in block["elements"]
                if e.get("url")
            )
            consent = await browser.get(f"{url}&{urlencode({'login_hint': email(user)})}")
            page = await browser.get(consent.headers["location"])
            if page.status_code != 200:
                raise RuntimeError(f"linking {user} failed: {page.status_code}")


def email(user: str) -> str:
    return f"{user.lower()}@bench.example"


def wait_until_idle(sim: ZoomSimulator, quiet: float = 2.0, limit: float = 180.0) -> None:
    """Let the bot finish its backlog (replies still owed to earlier load) before the next point."""
    started = time.monotonic()
    last, since = -1, time.monotonic()
    while time.monotonic() - started < limit:
        total = sum(sim.stats.values())
        if total != last:
            last, since = total, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.1)


def median_of(runs: list[dict[str, Any]], path: tuple[str, ...]) -> float | None:
    values = []
    for run in runs:
        node: Any = run
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, int | float):
            values.append(float(node))
    return statistics.median(values) if values else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="a few seconds: smoke mode")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--zoom-latency", type=float, default=0.1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--duration", type=float, default=5.0)
    args = parser.parse_args()
    quick = args.quick
    repeats = 1 if quick else args.repeats
    duration = 0.5 if quick else args.duration
    levels = (1, 10) if quick else (1, 10, 100)
    stampede_users = 10 if quick else 100
    memory_commands = 100 if quick else 1000

    results: dict[str, Any] = {"zoom_latency_ms": args.zoom_latency * 1000, "quick": quick, "points": {}}
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        sim = ZoomSimulator(qps_limit=0)
        standin = SlackStandin(SECRET)
        users = [f"U{i:04d}" for i in range(stampede_users)]
        for user in users:
            standin.add_user(user, user.lower(), email(user), tz="UTC")
        standin.add_channel("C0GENERAL", "general")
        zoom_url = stack.enter_context(serve_simulator_in_thread(sim))
        stack.enter_context(standin.serve_in_thread())
        port = free_port()
        sim.add_app(CLIENT_ID, CLIENT_SECRET, f"http://127.0.0.1:{port}/zoom/oauth/callback", SCOPES)
        sim.add_account("bench-account")
        for user in users:
            sim.add_user(email(user), user, "Bench", account_id="bench-account", timezone="UTC")

        # Cold start: process start → /healthz 200 (a fresh SQLite file, so migrations included).
        env = bot_env(Path(tmp) / "bot.db", standin.api_url, zoom_url, port)
        bot = stack.enter_context(process([sys.executable, "-m", "bot", "serve", "--port", str(port)], env))
        results["cold_start_s"] = wait_healthy(f"http://127.0.0.1:{port}")
        bot_url = f"http://127.0.0.1:{port}"

        base_port = free_port()
        stack.enter_context(
            process(
                [
                    sys.executable,
                    str(ROOT / "bench" / "baseline_app.py"),
                    "--port",
                    str(base_port),
                    "--secret",
                    SECRET,
                    "--slack-api-url",
                    standin.api_url,
                    "--bot-token",
                    standin.bot_token,
                ]
            )
        )
        base_url = f"http://127.0.0.1:{base_port}"
        wait_healthy(base_url)

        asyncio.run(link_users(bot_url, standin, users))
        sim.inject("GET /v2/users/{userId}/meetings", latency=args.zoom_latency, times=10**9)

        for level in levels:
            ours = [
                loadgen(bot_url, users, concurrency=level, duration=duration, replies=True)
                for _ in range(repeats)
            ]
            base = [loadgen(base_url, users, concurrency=level, duration=duration) for _ in range(repeats)]
            results["points"][str(level)] = {
                "ours": {
                    "ack_p50_ms": median_of(ours, ("ack", "p50_ms")),
                    "ack_p99_ms": median_of(ours, ("ack", "p99_ms")),
                    "ack_max_ms": median_of(ours, ("ack", "max_ms")),
                    "acks_per_second": median_of(ours, ("acks_per_second",)),
                    "e2e_p50_ms": median_of(ours, ("e2e", "p50_ms")),
                    "e2e_p99_ms": median_of(ours, ("e2e", "p99_ms")),
                    "failures": sum(r["failures"] for r in ours),
                },
                "baseline": {
                    "ack_p50_ms": median_of(base, ("ack", "p50_ms")),
                    "ack_p99_ms": median_of(base, ("ack", "p99_ms")),
                    "ack_max_ms": median_of(base, ("ack", "max_ms")),
                    "acks_per_second": median_of(base, ("acks_per_second",)),
                    "failures": sum(r["failures"] for r in base),
                },
            }

        # Refresh stampede: every user's token expired, 10 concurrent commands each.
        burst = stampede_users * 10
        wait_until_idle(sim)
        fresh = loadgen(bot_url, users, burst=burst, replies=True)
        wait_until_idle(sim)
        refreshes_before = sim.stats.get("POST /oauth/token:refresh_token", 0)
        sim.expire_access_tokens()
        expired = loadgen(bot_url, users, burst=burst, replies=True)
        wait_until_idle(sim)
        results["stampede"] = {
            "users": stampede_users,
            "commands": burst,
            "refreshes": sim.stats.get("POST /oauth/token:refresh_token", 0) - refreshes_before,
            "e2e_p50_ms_fresh": fresh["e2e"]["p50_ms"],
            "e2e_p50_ms_expired": expired["e2e"]["p50_ms"],
            "e2e_p99_ms_expired": expired["e2e"]["p99_ms"],
            "replies": expired["replies"],
        }

        # Memory after many commands.
        loadgen(bot_url, users, burst=memory_commands, replies=True)
        results["rss_mb_after_commands"] = psutil.Process(bot.pid).memory_info().rss / 2**20
        results["commands_for_rss"] = "all of the above plus " + str(memory_commands)

    report(results, args.zoom_latency)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def report(results: dict[str, Any], zoom_latency: float) -> None:
    print(
        f"{'conc':>4} {'who':<9} {'ack p50':>8} {'ack p99':>8} {'ack max':>8} {'acks/s':>8} "
        f"{'e2e p50':>8} {'e2e p99':>8}"
    )
    for level, point in results["points"].items():
        for who in ("baseline", "ours"):
            row = point[who]
            e2e = (row.get("e2e_p50_ms"), row.get("e2e_p99_ms"))
            print(
                f"{level:>4} {who:<9} {fmt(row['ack_p50_ms'])} {fmt(row['ack_p99_ms'])} "
                f"{fmt(row['ack_max_ms'])} {fmt(row['acks_per_second'])} {fmt(e2e[0])} {fmt(e2e[1])}"
            )
        point["ack_p99_ratio"] = ratio(point["ours"]["ack_p99_ms"], point["baseline"]["ack_p99_ms"])
        point["throughput_ratio"] = ratio(
            point["ours"]["acks_per_second"], point["baseline"]["acks_per_second"]
        )
        print(
            f"     ours/baseline: ack p99 x{fmt(point['ack_p99_ratio'], 2).strip()}, "
            f"throughput x{fmt(point['throughput_ratio'], 2).strip()}"
        )
    s = results["stampede"]
    print(
        f"stampede: {s['users']} users x 10 commands, tokens expired: {s['refreshes']} refreshes; "
        f"e2e p50 {fmt(s['e2e_p50_ms_fresh']).strip()} ms fresh → {fmt(s['e2e_p50_ms_expired']).strip()} ms "
        f"expired (p99 {fmt(s['e2e_p99_ms_expired']).strip()} ms), {s['replies']} replies"
    )
    print(
        f"cold start to /healthz 200: {results['cold_start_s']:.2f} s; "
        f"RSS after the run: {results['rss_mb_after_commands']:.0f} MB"
    )
    top = results["points"].get("100") or results["points"][max(results["points"], key=int)]
    ten = results["points"].get("10", {}).get("ours", {})
    checks = {
        "ack p99 at 100 ≤ 1.5× baseline": (top.get("ack_p99_ratio") or 99) <= TARGETS["ack_p99_ratio_at_100"],
        "throughput ≥ 0.7× baseline": (top.get("throughput_ratio") or 0) >= TARGETS["throughput_ratio"],
        "e2e p99 at 10 ≤ Zoom latency + 50 ms": (ten.get("e2e_p99_ms") or 1e9)
        <= zoom_latency * 1000 + TARGETS["e2e_p99_at_10_over_zoom_ms"],
        "cold start < 1.5 s": results["cold_start_s"] < TARGETS["cold_start_s"],
        "RSS < 150 MB": results["rss_mb_after_commands"] < TARGETS["rss_mb"],
    }
    results["targets_met"] = checks
    for name, ok in checks.items():
        print(f"  [{'met' if ok else 'MISSED'}] {name}")


def fmt(value: float | None, digits: int = 1) -> str:
    return f"{value:8.{digits}f}" if isinstance(value, int | float) else f"{'-':>8}"


if __name__ == "__main__":
    main()
