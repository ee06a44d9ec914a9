"""A flood of `/zoom list`: 2,000 commands a second for 10 s at one bot process.

    python bench/flood.py [--rate 2000] [--seconds 10] [--generators 2] [--users 50]
                          [--zoom-latency 0.4] [--json flood.json] [--quick]

What a flood must not do is take the process down or leave people waiting: every command is
acknowledged, and either answered or told at once that the bot is busy, within 3 s (Slack's
limit for the ack). Reported: commands sent, acknowledged, told busy, failed; ack p50/p99/max;
replies and their e2e p50/p99; the bot's peak RSS (sampled every 20 ms) and its RSS after
the flood has drained. Each user is in a Zoom account of their own, so Zoom's per-account
limit is not what is measured. One generator process cannot send 2,000 a second on a small
machine: ``--generators`` share the rate, and their schedule lag says how close they came.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: import the siblings

from loadgen import run_in_subprocess  # noqa: E402
from run import values_at, warm_up  # noqa: E402
from world import SECRET, bench_world  # noqa: E402

ACK_LIMIT_S = 3.0


class PeakRss:
    """Samples a process's RSS in a thread until stopped; keeps the highest."""

    def __init__(self, process: psutil.Process, every: float = 0.02) -> None:
        self.peak = process.memory_info().rss
        self._process = process
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            self.peak = max(self.peak, self._process.memory_info().rss)


def flood(args: argparse.Namespace) -> dict[str, Any]:
    with bench_world(args.users, args.zoom_latency, own_accounts=True) as world:
        warm_up(world)
        bot = world.bot
        rss_before = bot.memory_info().rss
        share = args.rate / args.generators
        with PeakRss(bot) as peak, ThreadPoolExecutor(args.generators) as pool:
            runs = list(
                pool.map(
                    lambda _: run_in_subprocess(
                        world.bot_url,
                        SECRET,
                        world.users,
                        rate=share,
                        duration=args.seconds,
                        replies=True,
                        reply_timeout=60,
                    ),
                    range(args.generators),
                )
            )
        time.sleep(1.0)  # let the process settle before reading its RSS
        rss_after = bot.memory_info().rss
    return figures(runs, rss_before, peak.peak, rss_after, args)


def figures(
    runs: list[dict[str, Any]], before: int, peak: int, after: int, args: argparse.Namespace
) -> dict[str, Any]:
    def total(key: str) -> int:
        return sum(int(run[key]) for run in runs)

    def worst(*path: str) -> float:
        return max(values_at(runs, *path), default=0.0)

    sent = total("requests")
    return {
        "rate": args.rate,
        "seconds": args.seconds,
        "zoom_latency_ms": args.zoom_latency * 1000,
        "generators": args.generators,
        "sent": sent,
        "acknowledged": total("acknowledged"),
        "busy": total("shed"),
        "failures": total("failures"),
        "replies": total("replies"),
        "missing_replies": total("acknowledged") - total("shed") - total("replies"),
        "achieved_rate": sent / max(worst("seconds"), 1e-9),
        "schedule_lag_p99_ms": worst("schedule_lag", "p99_ms"),
        "ack_p50_ms": worst("ack", "p50_ms"),
        "ack_p99_ms": worst("ack", "p99_ms"),
        "ack_max_ms": worst("ack", "max_ms"),
        "acked_within_3s": worst("ack", "max_ms") <= ACK_LIMIT_S * 1000,
        "e2e_p50_ms": worst("e2e", "p50_ms"),
        "e2e_p99_ms": worst("e2e", "p99_ms"),
        "rss_before_mb": before / 2**20,
        "rss_peak_mb": peak / 2**20,
        "rss_after_mb": after / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=2000.0, help="commands per second, all generators")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--generators", type=int, default=2, help="load generator processes")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--zoom-latency", type=float, default=0.4)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--quick", action="store_true", help="100 a second for 1 s: a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.rate, args.seconds, args.generators, args.users = 100.0, 1.0, 1, 5
    result = flood(args)
    r = result
    print(
        f"flood {r['rate']:.0f}/s for {r['seconds']:.0f} s (Zoom {r['zoom_latency_ms']:.0f} ms): "
        f"sent {r['sent']:,} (achieved {r['achieved_rate']:,.0f}/s, "
        f"schedule lag p99 {r['schedule_lag_p99_ms']:,.0f} ms); "
        f"acked {r['acknowledged']:,}, busy {r['busy']:,}, failed {r['failures']:,}; "
        f"replies {r['replies']:,}, missing {r['missing_replies']:,}\n"
        f"ack p50/p99/max {r['ack_p50_ms']:,.0f} / {r['ack_p99_ms']:,.0f} / {r['ack_max_ms']:,.0f} ms "
        f"(all within 3 s: {r['acked_within_3s']}); e2e p50/p99 {r['e2e_p50_ms']:,.0f} / "
        f"{r['e2e_p99_ms']:,.0f} ms\n"
        f"RSS before {r['rss_before_mb']:.0f} MB, peak {r['rss_peak_mb']:.0f} MB, "
        f"after {r['rss_after_mb']:.0f} MB"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
