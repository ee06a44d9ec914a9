"""Ack latency and throughput of the real bot against a bare Bolt app, side by side.

    python bench/ack_latency.py [--quick] [--json results.json] [--zoom-latency 0.1]
                                [--repeats 3] [--duration 5] [--profile stacks.txt]

Everything runs on loopback (see bench/ack_world.py): the Zoom simulator, answering every
meeting list after ``--zoom-latency`` seconds, and the Slack stand-in in this process; the
bot (``python -m bot serve``, real SQLite) and the baseline (a bare Bolt app whose `/zoom`
only acks, bench/baseline_app.py) in their own processes; the load generator
(bench/loadgen.py) in another. Each point runs ``--repeats`` times and the median is
reported, because a 2-core machine shared with other work is noisy.

Per concurrency level:
- ack-paced load (the next command as soon as the last was acked) against the baseline and
  ours: ack p50/p99/max, acks per second, server CPU per command; for ours also the
  end-to-end latency under that load (command sent → reply at the response_url);
- reply-paced load against ours (each of N workers waits for its reply): end-to-end
  latency with exactly N commands in flight;
- ack-paced load of a command the bot answers in the ack itself (``/zoom show`` without a
  meeting id: a usage hint, no Zoom work): our whole ack path — signature check, Bolt,
  parsing, metrics, a Block Kit hint — against the floor, without the work that real
  commands do on the same core afterwards.
Then a refresh stampede (every token expired, 10 commands per user at once), cold start
(fresh database and already-migrated database) and the resident memory of a new bot process
after 1,000 commands.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: import the siblings

from ack_report import report  # noqa: E402
from ack_world import (  # noqa: E402
    REFRESH_KEY,
    SECRET,
    World,
    bench_world,
    child,
    free_port,
    log_problems,
    wait_healthy,
    wait_until_idle,
)
from loadgen import run_in_subprocess  # noqa: E402

Run = dict[str, Any]

# A command the bot answers in its ack (a usage hint: the meeting id is missing), so no work follows.
ANSWERED_IN_ACK = "show"


def cpu_seconds(proc: psutil.Process) -> float:
    times = proc.cpu_times()
    return float(times.user + times.system + times.children_user + times.children_system)


def measured(proc: psutil.Process, load: Callable[[], Run]) -> Run:
    """Run ``load`` and add the server's CPU time per acknowledged command to its result."""
    before = cpu_seconds(proc)
    result = load()
    spent = cpu_seconds(proc) - before
    result["server_cpu_ms_per_command"] = spent * 1000 / max(1, result["acknowledged"])
    return result


@contextmanager
def profiled(pid: int, out: Path | None, seconds: float) -> Iterator[None]:
    """Sample ``pid`` with py-spy (collapsed stacks, GIL holder only) while the block runs."""
    if out is None:
        yield
        return
    spy = Path(sys.executable).parent / "py-spy"
    args = [str(spy), "record", "--pid", str(pid), "--format", "raw", "--rate", "200", "--gil"]
    args += ["--duration", str(max(1, round(seconds))), "-o", str(out)]
    recorder = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        recorder.wait(timeout=seconds + 30)


def median_of(runs: list[Run], *path: str) -> float | None:
    values = []
    for run in runs:
        node: Any = run
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, int | float):
            values.append(float(node))
    return statistics.median(values) if values else None


def summarise(runs: list[Run]) -> dict[str, Any]:
    return {
        "ack_p50_ms": median_of(runs, "ack", "p50_ms"),
        "ack_p99_ms": median_of(runs, "ack", "p99_ms"),
        "ack_max_ms": median_of(runs, "ack", "max_ms"),
        "acks_per_second": median_of(runs, "acks_per_second"),
        "e2e_p50_ms": median_of(runs, "e2e", "p50_ms"),
        "e2e_p99_ms": median_of(runs, "e2e", "p99_ms"),
        "server_cpu_ms_per_command": median_of(runs, "server_cpu_ms_per_command"),
        "requests": sum(r["requests"] for r in runs),
        "failures": sum(r["failures"] for r in runs),
        "shed": sum(r["shed"] for r in runs),
        "answered_in_ack": sum(r["answered_in_ack"] for r in runs),
        "missing_replies": sum(
            r["acknowledged"] - r["shed"] - r["replies"] for r in runs if r["e2e"] is not None
        ),
        "runs": len(runs),
    }


def measure_level(
    world: World, level: int, duration: float, repeats: int, profile: Path | None
) -> dict[str, Any]:
    base: list[Run] = []
    ours: list[Run] = []
    paced: list[Run] = []
    in_ack: list[Run] = []
    for attempt in range(repeats):
        base.append(
            measured(
                world.baseline,
                lambda: run_in_subprocess(
                    world.baseline_url, SECRET, world.users, concurrency=level, duration=duration
                ),
            )
        )
        with profiled(world.bot.pid, profile if attempt == 0 else None, duration):
            ours.append(
                measured(
                    world.bot,
                    lambda: run_in_subprocess(
                        world.bot_url, SECRET, world.users, concurrency=level, duration=duration, replies=True
                    ),
                )
            )
        wait_until_idle(world.bot)
        paced.append(
            measured(
                world.bot,
                lambda: run_in_subprocess(
                    world.bot_url, SECRET, world.users, concurrency=level, duration=duration, pace="reply"
                ),
            )
        )
        wait_until_idle(world.bot)
        in_ack.append(
            measured(
                world.bot,
                lambda: run_in_subprocess(
                    world.bot_url,
                    SECRET,
                    world.users,
                    concurrency=level,
                    duration=duration,
                    text=ANSWERED_IN_ACK,
                ),
            )
        )
    return {
        "baseline": summarise(base),
        "ours": summarise(ours),
        "ours_reply_paced": summarise(paced),
        "ours_answered_in_ack": summarise(in_ack),
    }


def measure_stampede(world: World, users: int, per_user: int) -> dict[str, Any]:
    """``per_user`` commands for each of ``users`` users at once: tokens fresh, then all expired.

    The baseline takes the same burst, for the ack figures' floor."""
    burst = users * per_user
    chosen = world.users[:users]
    base = run_in_subprocess(world.baseline_url, SECRET, chosen, burst=burst)
    wait_until_idle(world.bot)
    fresh = run_in_subprocess(world.bot_url, SECRET, chosen, burst=burst, replies=True, reply_timeout=60)
    wait_until_idle(world.bot)
    refreshes_before = world.sim.stats.get(REFRESH_KEY, 0)
    world.sim.expire_access_tokens()
    expired = run_in_subprocess(world.bot_url, SECRET, chosen, burst=burst, replies=True, reply_timeout=60)
    wait_until_idle(world.bot)
    return {
        "users": users,
        "commands": burst,
        "refreshes": world.sim.stats.get(REFRESH_KEY, 0) - refreshes_before,
        "baseline_ack_p50_ms": base["ack"]["p50_ms"],
        "baseline_ack_p99_ms": base["ack"]["p99_ms"],
        "fresh": burst_figures(fresh),
        "expired": burst_figures(expired),
    }


def burst_figures(run: Run) -> dict[str, Any]:
    return {
        "ack_p50_ms": run["ack"]["p50_ms"],
        "ack_p99_ms": run["ack"]["p99_ms"],
        "e2e_p50_ms": run["e2e"]["p50_ms"],
        "e2e_p99_ms": run["e2e"]["p99_ms"],
        "replies": run["replies"],
        "shed": run["shed"],
        "failures": run["failures"],
    }


def measure_starts(world: World, repeats: int, scratch: Path) -> dict[str, Any]:
    """Start → /healthz 200 for new bot processes, ``repeats`` times each: on a new database
    (Alembic creates the schema) and on an already-migrated one. Medians, plus every sample;
    the first cold sample is the benchmark's own bot."""
    cold = [world.cold_start_s]
    warm: list[float] = []
    idle_rss: list[float] = []
    for attempt in range(repeats):
        if attempt > 0:
            env = {**world.bot_env, "DATABASE_URL": f"sqlite+aiosqlite:///{scratch / f'start{attempt}.db'}"}
            cold.append(timed_start(world, env)[0])
        seconds, rss = timed_start(world, dict(world.bot_env))
        warm.append(seconds)
        idle_rss.append(rss)
    return {
        "cold_start_s": statistics.median(cold),
        "warm_start_s": statistics.median(warm),
        "idle_rss_mb": statistics.median(idle_rss),
        "cold_samples_s": cold,
        "warm_samples_s": warm,
    }


def timed_start(world: World, env: dict[str, str]) -> tuple[float, float]:
    """One more bot process with ``env``: seconds to /healthz 200, and its RSS then (MB)."""
    port = free_port()
    started = time.perf_counter()
    with child([*world.bot_command, "--port", str(port)], env) as process:
        seconds = wait_healthy(f"http://127.0.0.1:{port}", started)
        rss = process.memory_info().rss / 2**20
    return seconds, rss


def measure_memory(world: World, commands: int) -> dict[str, float]:
    """RSS of a new bot process after ``commands`` commands (10 in flight, 2 minutes at most).

    Also reported: the RSS of the bot that took every load point before (its overload
    backlogs at 100 ack-paced connections included) and of the baseline."""
    port = free_port()
    with child([*world.bot_command, "--port", str(port)], dict(world.bot_env)) as fresh:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, time.perf_counter())
        run = run_in_subprocess(
            url,
            SECRET,
            world.users,
            concurrency=10,
            duration=120,
            count=commands,
            pace="reply",
            reply_timeout=10,
        )
        rss = fresh.memory_info().rss / 2**20
    return {
        "commands": commands,
        "missing_replies": run["acknowledged"] - run["shed"] - run["replies"],
        "ours_rss_mb": rss,
        "ours_after_every_point_rss_mb": world.bot.memory_info().rss / 2**20,
        "baseline_rss_mb": world.baseline.memory_info().rss / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="a few seconds: concurrency 1 and 10, one repeat"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--zoom-latency", type=float, default=0.1, help="seconds Zoom takes per list call")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--duration", type=float, default=None, help="seconds per run (5; 0.5 with --quick)")
    parser.add_argument(
        "--profile", type=Path, default=None, help="py-spy the bot at the top level into this file"
    )
    args = parser.parse_args()
    quick = args.quick
    repeats = 1 if quick else args.repeats
    duration = args.duration or (0.5 if quick else 5.0)
    levels = (1, 10) if quick else (1, 10, 100)
    users = 10 if quick else 100
    memory_commands = 100 if quick else 1000

    results: dict[str, Any] = {
        "quick": quick,
        "zoom_latency_ms": args.zoom_latency * 1000,
        "duration_s": duration,
        "repeats": repeats,
        "cpus": psutil.cpu_count(),
        "load_average_at_start": list(psutil.getloadavg()),
        "levels": {},
    }
    with bench_world(users, args.zoom_latency) as world:
        for level in levels:
            profile = args.profile if level == levels[-1] else None
            results["levels"][str(level)] = measure_level(world, level, duration, repeats, profile)
        results["stampede"] = measure_stampede(world, users, per_user=10)
        with TemporaryDirectory() as scratch:
            results["starts"] = measure_starts(world, repeats, Path(scratch))
        results["memory"] = measure_memory(world, memory_commands)
        results["bot_log_problems"] = log_problems(world.bot_log)
    results["targets"] = report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
