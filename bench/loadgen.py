"""Load generator for the benchmark (bench/run.py); runs in its own process.

Sends uniquely signed `/zoom` slash commands to ``--url`` and serves its own response_url
sink so it can time the whole path: command sent → reply received. Prints one JSON object
on stdout.

Three ways to load a server:

- ``--rate R`` (open loop): a command every 1/R s for ``--duration`` s, whether or not
  earlier ones were acked, like many people typing at once; then the replies are awaited
  (up to ``--reply-timeout``). A send that falls behind its schedule (this process is
  busy) goes out at once; how far behind is reported (``schedule_lag``).
- ``--concurrency N --pace ack`` (closed loop): each of N workers sends its next command as
  soon as the last one was acknowledged: the most acks a server can give.
- ``--concurrency N --pace reply``: each worker waits for its command's reply before the
  next, like a person at a keyboard: exactly N commands in flight end to end.

    python bench/loadgen.py --url http://127.0.0.1:3000 --secret S --users U1,U2 \
        (--rate 100 | --concurrency 10 [--pace ack|reply] | --burst 1000) --duration 5 \
        [--expect-replies]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import json
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import psutil
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.sandbox.devserver import serve_asgi  # noqa: E402

# In the ack of a command the bot did not start because it was at capacity (bot/slack/capacity.py).
BUSY = b"zoombot is very busy"


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(values_s: list[float]) -> dict[str, float | None]:
    ms = [v * 1000 for v in values_s]
    return {
        "p50_ms": statistics.median(ms) if ms else None,
        "p99_ms": percentile(ms, 99),
        "max_ms": max(ms) if ms else None,
    }


class Sink:
    """The response_url endpoint: remembers when each command's final reply arrived."""

    def __init__(self) -> None:
        self.final_at: dict[str, float] = {}
        self.waiting: dict[str, asyncio.Event] = {}
        self.app = Starlette(routes=[Route("/r/{rid}", self.receive, methods=["POST"])])

    async def receive(self, request: Request) -> Response:
        arrived = time.perf_counter()
        body = await request.body()
        text = ""
        with contextlib.suppress(ValueError):
            text = str(json.loads(body).get("text") or "")
        if not text.startswith(":hourglass"):  # the "working on it" notice is not the answer
            rid = request.path_params["rid"]
            self.final_at.setdefault(rid, arrived)
            if rid in self.waiting:
                self.waiting.pop(rid).set()
        return Response('{"ok": true}', media_type="application/json")


def signed_form(secret: str, user: str, text: str, response_url: str) -> tuple[bytes, dict[str, str]]:
    fields = [
        ("token", "bench"),
        ("team_id", "T0001"),
        ("team_domain", "bench"),
        ("channel_id", "C0GENERAL"),
        ("channel_name", "general"),
        ("user_id", user),
        ("user_name", user.lower()),
        ("command", "/zoom"),
        ("text", text),
        ("api_app_id", "A0BENCH"),
        ("response_url", response_url),
        ("trigger_id", uuid.uuid4().hex),
    ]
    body = urlencode(fields).encode()
    ts = str(int(time.time()))
    sig = "v0=" + hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    headers = {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": ts,
        "x-slack-signature": sig,
    }
    return body, headers


async def run(args: argparse.Namespace) -> dict[str, Any]:
    sink = Sink()
    users = args.users.split(",")
    acks: list[float] = []
    sent_at: dict[str, float] = {}
    failures = 0
    shed = 0
    lag: list[float] = []  # open loop: how late each send left against its schedule
    answered = 0  # acks that carried the whole answer (a hint in the ack, busy or not)
    # aiohttp rather than httpx here: the generator shares the machine's 2 cores with the
    # servers it measures, and aiohttp costs a fifth of httpx's CPU per request.
    limit = 0 if args.rate else max(args.concurrency, args.burst or 0) + 10  # 0: no limit
    connector = aiohttp.TCPConnector(limit=limit)
    async with (
        serve_asgi(sink.app, lifespan="off") as sink_url,
        aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as client,
    ):

        async def one(user: str) -> None:
            nonlocal failures, shed, answered
            rid = uuid.uuid4().hex
            replied = sink.waiting[rid] = asyncio.Event()
            body, headers = signed_form(args.secret, user, args.text, f"{sink_url}/r/{rid}")
            started = time.perf_counter()
            try:
                async with client.post(f"{args.url}/slack/events", data=body, headers=headers) as response:
                    answer = await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError):
                failures += 1
                sink.waiting.pop(rid, None)
                return
            if status != 200:
                failures += 1
                sink.waiting.pop(rid, None)
                return
            acks.append(time.perf_counter() - started)
            if answer.strip():
                answered += 1
            if BUSY in answer:  # acked, but the bot said it was too busy to start it: no reply comes
                shed += 1
                sink.waiting.pop(rid, None)
                return
            sent_at[rid] = started
            if args.pace == "reply":
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(replied.wait(), args.reply_timeout)

        server = psutil.Process(args.server_pid) if args.server_pid else None
        cpu_before, loop_before = server_cpu(server), loop_thread_cpu(server)
        began = time.perf_counter()
        if args.burst:
            await asyncio.gather(*(one(users[i % len(users)]) for i in range(args.burst)))
        elif args.rate:
            sends = []
            for i in range(round(args.rate * args.duration)):
                due = began + i / args.rate
                wait = due - time.perf_counter()
                if wait > 0:
                    await asyncio.sleep(wait)
                lag.append(time.perf_counter() - due)
                sends.append(asyncio.create_task(one(users[i % len(users)])))
            await asyncio.gather(*sends)
        else:
            deadline = began + args.duration
            budget = [args.count or -1]  # commands left to send when counting, shared by workers

            async def worker(index: int) -> None:
                rng = random.Random(index)
                while time.perf_counter() < deadline and budget[0] != 0:
                    budget[0] -= 1
                    await one(rng.choice(users))

            await asyncio.gather(*(worker(i) for i in range(args.concurrency)))
        elapsed = time.perf_counter() - began
        if args.expect_replies:
            wait_until = time.perf_counter() + args.reply_timeout
            while time.perf_counter() < wait_until and len(sink.final_at) < len(sent_at):
                await asyncio.sleep(0.005)
        cpu_spent = server_cpu(server) - cpu_before
        loop_spent = loop_thread_cpu(server) - loop_before
    e2e = [sink.final_at[rid] - t for rid, t in sent_at.items() if rid in sink.final_at]
    return {
        "requests": len(acks) + failures,
        "acknowledged": len(acks),
        "failures": failures,
        "shed": shed,
        "answered_in_ack": answered,
        "seconds": elapsed,
        "acks_per_second": len(acks) / elapsed if elapsed else 0.0,
        "ack": summary(acks),
        "e2e": summary(e2e) if args.expect_replies else None,
        "replies": len(e2e),
        "pace": "open" if args.rate else args.pace,
        "rate": args.rate,
        "schedule_lag": summary(lag) if args.rate else None,
        # The server's user + system CPU from the first send to the last ack or reply awaited.
        "server_cpu_s": cpu_spent if server else None,
        # The part of it on the process's main thread, where the event loop runs (the rest is
        # the database driver's threads and the autocommit writer).
        "server_loop_cpu_s": loop_spent if server else None,
    }


def server_cpu(process: psutil.Process | None) -> float:
    if process is None:
        return 0.0
    times = process.cpu_times()
    return float(times.user + times.system)


def loop_thread_cpu(process: psutil.Process | None) -> float:
    """CPU time of the main thread, where the event loop runs: the scheduler's own count in
    nanoseconds (``/proc/<pid>/schedstat`` is the main thread's), not clock ticks, so a short
    turn's share is not rounded to 10 ms."""
    if process is None:
        return 0.0
    try:
        with open(f"/proc/{process.pid}/schedstat") as stat:
            return int(stat.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):  # no schedstat: the thread's own ticks
        main = [t for t in process.threads() if t.id == process.pid]
        return float(main[0].user_time + main[0].system_time) if main else 0.0


def run_in_subprocess(
    url: str,
    secret: str,
    users: list[str],
    *,
    concurrency: int = 1,
    rate: float = 0.0,
    duration: float = 1.0,
    burst: int = 0,
    count: int = 0,
    replies: bool = False,
    pace: str = "ack",
    reply_timeout: float = 30.0,
    text: str = "list",
    server_pid: int = 0,
) -> dict[str, Any]:
    """Run this generator as its own OS process (so it does not share our GIL) and return its JSON."""
    args = [sys.executable, __file__, "--url", url, "--secret", secret, "--users", ",".join(users)]
    args += ["--concurrency", str(concurrency), "--rate", str(rate), "--duration", str(duration)]
    args += ["--burst", str(burst)]
    args += ["--server-pid", str(server_pid)]
    args += ["--pace", pace, "--count", str(count), "--reply-timeout", str(reply_timeout), "--text", text]
    if replies:
        args.append("--expect-replies")
    out = subprocess.run(args, capture_output=True, text=True, check=True, timeout=600)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--users", required=True)
    parser.add_argument("--text", default="list")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--rate", type=float, default=0.0, help="open loop: commands per second")
    parser.add_argument("--burst", type=int, default=0, help="send this many at once instead")
    parser.add_argument("--count", type=int, default=0, help="stop after this many (0: by time only)")
    parser.add_argument("--pace", choices=("ack", "reply"), default="ack")
    parser.add_argument("--expect-replies", action="store_true")
    parser.add_argument("--server-pid", type=int, default=0, help="report this process's CPU over the turn")
    parser.add_argument(
        "--reply-timeout",
        type=float,
        default=30.0,
        help="give up on a reply after this long (then it is missing)",
    )
    args = parser.parse_args()
    if args.pace == "reply":
        args.expect_replies = True
    print(json.dumps(asyncio.run(run(args))))


if __name__ == "__main__":
    main()
