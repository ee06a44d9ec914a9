"""Benchmark reminder delivery: many reminders due at once, several worker processes, one Slack.

Seeds N reminders due within a window across C channels, starts P real worker processes
(``python -m bot.reminders.standalone``) on one database, and lets them post to the Slack
stand-in, which enforces Slack's ~1 message per second per channel with 429s. Reports:

- lateness (post time − due time) p50 / p99, and lateness *beyond the per-channel limit*:
  the post time minus the earliest moment a 1-per-second-per-channel schedule allows;
- duplicates (reminders posted more than once) and losses (never posted);
- 429s received, and peak memory (RSS) per worker process.

    python bench/reminders.py                  # 10,000 reminders in 60 s, 1,000 channels, 2 processes
    python bench/reminders.py --quick          # a few seconds
    python bench/reminders.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench

Exits non-zero if any reminder was duplicated or lost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from bot.sandbox.slack_standin import SLACK_POST_LIMIT, SlackStandin
from bot.store.db import Database
from bot.store.migrate import upgrade_to_head
from bot.store.models import Reminder

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Plan:
    reminders: int
    channels: int
    processes: int
    window_s: float
    poll_s: float
    lease_s: float
    start_margin_s: float = 8.0  # workers need a moment to start before the first reminder falls due


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


async def seed(db: Database, plan: Plan, first_due: datetime) -> dict[int, tuple[str, datetime]]:
    rows = []
    for n in range(plan.reminders):
        due = first_due + timedelta(seconds=plan.window_s * n / plan.reminders)
        rows.append(
            {
                "slack_team_id": "T0001",
                "slack_user_id": "U0OWNER",
                "zoom_meeting_id": 80000000000 + n,
                "meeting_topic": f"Meeting {n}",
                "meeting_start_at": due + timedelta(minutes=10),
                "channel_id": f"C{n % plan.channels:05d}",
                "minutes_before": 10,
                "due_at": due,
                "status": "pending",
                "attempts": 0,
                "join_url": f"https://zoom.example/j/{80000000000 + n}",
                "created_at": datetime.now(UTC),
                "updated_at": datetime.now(UTC),
            }
        )
    async with db.session() as session:
        for chunk in range(0, len(rows), 1000):
            await session.execute(insert(Reminder), rows[chunk : chunk + 1000])
    async with db.session() as session:
        found = await session.execute(select(Reminder.id, Reminder.channel_id, Reminder.due_at))
        return {rid: (channel, due) for rid, channel, due in found.all()}


async def start_worker(
    n: int, database_url: str, api_url: str, token: str, plan: Plan, stats: Path
) -> asyncio.subprocess.Process:
    args = [
        sys.executable, "-m", "bot.reminders.standalone", "--database-url", database_url,
        "--slack-api-url", api_url, "--owner", f"bench-{n}", "--poll", str(plan.poll_s),
        "--lease", str(plan.lease_s), "--slack-timeout", "5", "--stats-file", str(stats),
    ]  # fmt: skip
    process = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, env={**os.environ, "ZOOMBOT_SLACK_BOT_TOKEN": token}, cwd=ROOT
    )
    assert process.stdout is not None
    if (await asyncio.wait_for(process.stdout.readline(), 60)).strip() != b"ready":
        raise RuntimeError(f"worker {n} did not start")
    return process


def ideal_times(due: dict[int, tuple[str, datetime]]) -> dict[int, float]:
    """Earliest post time per reminder under exactly one post per second per channel."""
    by_channel: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for rid, (channel, at) in due.items():
        by_channel[channel].append((at.timestamp(), rid))
    ideal: dict[int, float] = {}
    for entries in by_channel.values():
        free = 0.0
        for due_at, rid in sorted(entries):
            ideal[rid] = max(due_at, free)
            free = ideal[rid] + 1.0
    return ideal


async def run(plan: Plan, database_url: str | None) -> int:
    standin = SlackStandin("bench-signing-secret", post_rate_limit=SLACK_POST_LIMIT)
    for c in range(plan.channels):
        standin.add_channel(f"C{c:05d}", f"bench-{c}")
    standin.add_user("U0OWNER", "owner", "owner@example.com")
    with tempfile.TemporaryDirectory() as tmp, standin.serve_in_thread():
        url = database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        await asyncio.to_thread(upgrade_to_head, url)
        db = Database.from_url(url)
        first_due = datetime.now(UTC) + timedelta(seconds=plan.start_margin_s)
        due = await seed(db, plan, first_due)
        stats = [Path(tmp) / f"stats-{n}.json" for n in range(plan.processes)]
        processes = await asyncio.gather(
            *(
                start_worker(n, url, standin.api_url, standin.bot_token, plan, stats[n])
                for n in range(plan.processes)
            )
        )
        deadline = time.time() + plan.start_margin_s + plan.window_s + max(60.0, plan.window_s)
        try:
            while time.time() < deadline:
                async with db.session() as session:
                    left = await session.scalar(
                        select(Reminder.id).where(Reminder.status.in_(("pending", "sending"))).limit(1)
                    )
                if left is None:
                    break
                await asyncio.sleep(0.5)
            await asyncio.sleep(1.0)  # let any (wrong) extra post land before counting
        finally:
            for process in processes:
                process.terminate()
            await asyncio.gather(*(p.wait() for p in processes))
            await db.dispose()
        calls = standin.calls_to("chat.postMessage")
        posted: list[tuple[int, float]] = []
        for call in calls:
            metadata = call.args.get("metadata")
            if call.ok and isinstance(metadata, dict):
                posted.append((int(metadata["event_payload"]["reminder_id"]), call.at))
        counts = Counter(rid for rid, _ in posted)
        first_post: dict[int, float] = {}
        for rid, at in posted:  # calls are recorded in arrival order
            first_post.setdefault(rid, at)
        ideal = ideal_times(due)
        lateness = [first_post[rid] - due[rid][1].timestamp() for rid in first_post]
        beyond = [first_post[rid] - ideal[rid] for rid in first_post]
        duplicates = sum(1 for n in counts.values() if n > 1)
        lost = len(set(due) - set(counts))
        rss = [json.loads(path.read_text())["peak_rss_bytes"] / 2**20 for path in stats if path.exists()]
        refused = sum(1 for call in calls if call.status == 429)
    backend = "postgresql" if url.startswith("postgresql") else "sqlite"
    print(
        f"{plan.reminders} reminders due within {plan.window_s:.0f} s across {plan.channels} channels, "
        f"{plan.processes} worker processes, {backend}"
    )
    print(f"  posted:       {len(first_post)} (429 answers received: {refused})")
    print(f"  duplicates:   {duplicates}")
    print(f"  lost:         {lost}")
    print(f"  lateness:     p50 {statistics.median(lateness):.2f} s, p99 {percentile(lateness, 0.99):.2f} s")
    print(
        f"  beyond the 1/s/channel limit: p50 {statistics.median(beyond):.2f} s, "
        f"p99 {percentile(beyond, 0.99):.2f} s, max {max(beyond):.2f} s (negative: Slack's burst allowance)"
    )
    print(f"  peak RSS per process: {', '.join(f'{mb:.0f} MiB' for mb in rss)}")
    return 1 if duplicates or lost else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="300 reminders in 3 s, 30 channels")
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--channels", type=int, default=1_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--window", type=float, default=60.0, help="seconds over which reminders fall due")
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    if args.quick:
        plan = Plan(300, 30, 2, window_s=3.0, poll_s=0.2, lease_s=10.0, start_margin_s=1.0)
    else:
        plan = Plan(args.reminders, args.channels, args.processes, args.window, poll_s=1.0, lease_s=60.0)
    sys.exit(asyncio.run(run(plan, args.database_url)))


if __name__ == "__main__":
    main()
