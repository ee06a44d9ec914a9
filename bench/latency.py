"""Throughput against Zoom's latency: `/zoom list` open loop, ours beside the minimal bot.

    python bench/latency.py [--seconds 3] [--repeats 1] [--users 50] [--rows 0.1:300,0.4:50]
                            [--json latency.json]

Each row is (seconds Zoom takes to answer a meeting list, commands per second). Every user is
linked through the real flow and sits in a Zoom account of their own, so no account nears
Zoom's rate limit: what is measured is how much one bot process gets through while it waits
on Zoom. Per row and server: e2e p50/p99 (sent → reply at the response_url), replies
missing, busy answers, and server CPU per completed command. The minimal bot
(bench/minimal_bot.py), measured in the same run and turn by turn with ours, is the floor;
the ratio ours ÷ floor is the figure to compare across runs on a shared machine. Rows are
short (a few seconds each) so the machine is not held long.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: import the siblings

from run import measure_open_loop, warm_up  # noqa: E402
from world import bench_world, set_zoom_latency  # noqa: E402

# The table: (Zoom latency in seconds, commands per second).
ROWS = ((0.1, 100), (0.1, 300), (0.4, 50), (0.4, 100), (0.4, 200))


def parse_rows(text: str) -> tuple[tuple[float, int], ...]:
    rows = []
    for item in text.split(","):
        latency, _, rate = item.partition(":")
        rows.append((float(latency), int(rate)))
    return tuple(rows)


def fmt(value: float | None) -> str:
    return f"{value:,.0f}" if isinstance(value, int | float) else "-"


def ratio(ours: float | None, floor: float | None) -> str:
    return f"×{ours / floor:.2f}" if ours is not None and floor else "-"


def table(results: dict[str, Any]) -> str:
    lines = [
        "| Zoom answers in | rate | ours e2e p50 / p99 | minimal e2e p50 / p99 | p99 ours÷min "
        "| cpu/cmd ours / min (ms) | ours missing / busy |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in results["rows"]:
        ours, floor = row["ours"], row["minimal"]
        lines.append(
            f"| {row['latency_ms']:.0f} ms | {row['rate']}/s "
            f"| {fmt(ours['e2e_p50_ms'])} / {fmt(ours['e2e_p99_ms'])} ms "
            f"| {fmt(floor['e2e_p50_ms'])} / {fmt(floor['e2e_p99_ms'])} ms "
            f"| {ratio(ours['e2e_p99_ms'], floor['e2e_p99_ms'])} "
            f"| {ours['server_cpu_ms_per_command'] or 0:.2f} / {floor['server_cpu_ms_per_command'] or 0:.2f} "
            f"| {ours['missing_replies']} / {ours['busy']} |"
        )
    load = results["load_average_at_start"], results["load_average_at_end"]
    lines.append(
        f"\nload average (1/5/15 min) at start {', '.join(f'{x:.1f}' for x in load[0])}; "
        f"at end {', '.join(f'{x:.1f}' for x in load[1])}; {results['cpus']} CPUs; "
        f"{results['seconds_per_turn']} s per turn, median of {results['repeats']}; "
        f"RSS after the rows: ours {results['ours_rss_mb']:.0f} MB, "
        f"minimal {results['minimal_rss_mb']:.0f} MB"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds of load per turn")
    parser.add_argument("--repeats", type=int, default=1, help="turns per server and row (median)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rows", type=parse_rows, default=ROWS, help="latency:rate,… (0.1:300,0.4:200)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "seconds_per_turn": args.seconds,
        "repeats": args.repeats,
        "users": args.users,
        "cpus": psutil.cpu_count(),
        "load_average_at_start": list(psutil.getloadavg()),
        "rows": [],
    }
    with bench_world(args.users, ROWS[0][0], own_accounts=True) as world:
        warm_up(world)
        for latency, rate in args.rows:
            set_zoom_latency(world.sim, latency)
            figures = measure_open_loop(world, rate, args.seconds, args.repeats, None, "ours")
            results["rows"].append({"latency_ms": latency * 1000, "rate": rate, **figures})
        results["ours_rss_mb"] = world.bot.memory_info().rss / 2**20
        results["minimal_rss_mb"] = world.minimal.process.memory_info().rss / 2**20
    results["load_average_at_end"] = list(psutil.getloadavg())
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"({time.perf_counter() - started:.0f} s)")
