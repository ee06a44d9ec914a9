"""Load generator for the ack benchmark; runs in its own process.

Sends uniquely signed `/zoom` slash commands to ``--url`` at a fixed concurrency for a fixed
time (or one burst), and serves its own response_url sink so it can time the whole path:
command sent → reply received. Prints one JSON object on stdout.

    python bench/loadgen.py --url http://127.0.0.1:3000 --secret S --users U1,U2 \
        --concurrency 10 --duration 5 [--burst 1000] [--text list] [--expect-replies]
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
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.devserver import serve_asgi  # noqa: E402


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
        self.app = Starlette(routes=[Route("/r/{rid}", self.receive, methods=["POST"])])

    async def receive(self, request: Request) -> Response:
        arrived = time.perf_counter()
        body = await request.body()
        text = ""
        with contextlib.suppress(ValueError):
            text = str(json.loads(body).get("text") or "")
        if not text.startswith(":hourglass"):  # the "working on it" notice is not the answer
            self.final_at.setdefault(request.path_params["rid"], arrived)
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
    limits = httpx.Limits(max_connections=max(args.concurrency, args.burst or 0) + 10)
    async with (
        serve_asgi(sink.app, lifespan="off") as sink_url,
        httpx.AsyncClient(timeout=30, limits=limits) as client,
    ):

        async def one(user: str) -> None:
            nonlocal failures
            rid = uuid.uuid4().hex
            body, headers = signed_form(args.secret, user, args.text, f"{sink_url}/r/{rid}")
            started = time.perf_counter()
            try:
                response = await client.post(f"{args.url}/slack/events", content=body, headers=headers)
            except httpx.HTTPError:
                failures += 1
                return
            if response.status_code != 200:
                failures += 1
                return
            acks.append(time.perf_counter() - started)
            sent_at[rid] = started

        began = time.perf_counter()
        if args.burst:
            await asyncio.gather(*(one(users[i % len(users)]) for i in range(args.burst)))
        else:
            deadline = began + args.duration

            async def worker(index: int) -> None:
                rng = random.Random(index)
                while time.perf_counter() < deadline:
                    await one(rng.choice(users))

            await asyncio.gather(*(worker(i) for i in range(args.concurrency)))
        elapsed = time.perf_counter() - began
        if args.expect_replies:
            wait_until = time.perf_counter() + args.reply_timeout
            while time.perf_counter() < wait_until and len(sink.final_at) < len(sent_at):
                await asyncio.sleep(0.05)
    e2e = [sink.final_at[rid] - t for rid, t in sent_at.items() if rid in sink.final_at]
    return {
        "requests": len(acks) + failures,
        "acknowledged": len(acks),
        "failures": failures,
        "seconds": elapsed,
        "acks_per_second": len(acks) / elapsed if elapsed else 0.0,
        "ack": summary(acks),
        "e2e": summary(e2e) if args.expect_replies else None,
        "replies": len(e2e),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--users", required=True)
    parser.add_argument("--text", default="list")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--burst", type=int, default=0)
    parser.add_argument("--expect-replies", action="store_true")
    parser.add_argument("--reply-timeout", type=float, default=120.0)
    print(json.dumps(asyncio.run(run(parser.parse_args()))))


if __name__ == "__main__":
    main()
