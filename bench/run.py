"""The bot against two floors: open-loop load, CPU per command, the ack path, start and memory.

    python bench/run.py [--quick] [--seconds 5] [--repeats 3] [--json bench.json] [--starts-only]
                        [--no-package-transport] [--profile stacks.txt] [--zoom-latency 0.1]
                        [--memory-only N]

Everything runs on loopback (see bench/world.py): the Zoom simulator, answering every
meeting list after ``--zoom-latency`` seconds, and the Slack stand-in in this process; each
server in its own process; the load generator (bench/loadgen.py) in another. Servers:

- the bare Bolt app that only acks (bench/baseline_app.py): the floor of the ack path;
- the minimal bot (bench/minimal_bot.py): Bolt, one Zoom call with a static token, a small
  Block Kit reply to the response_url; the floor of a real command;
- ours (``python -m bot serve``, real SQLite, encrypted tokens, retries, metrics);
- ours on the httpx-aiohttp package's transport instead of bot/http_transport.py
  (bench/bot_on_httpx_aiohttp.py), unless ``--no-package-transport``.

Measured (every point ``--repeats`` times, servers interleaved, the median reported; a
2-core machine shared with other work is noisy):

- open loop: `/zoom list` at 20, 100 and 300 commands/s for ``--seconds`` s regardless of
  acks; per server ack p50/p99, end-to-end p50/p99 (sent → reply at the response_url),
  replies missing, busy answers, and server CPU per completed command (user + system time
  of the server process over the turn and its drain, divided by the replies);
- 10 in flight: each of 10 workers waits for its reply before the next command;
- ack path: closed loop at 50 concurrent, the bare Bolt app against ours (and the
  ``--before`` checkout, when given) answering `/zoom show` without an id (a usage hint in
  the ack, no Zoom work);
- a refresh stampede (every token expired, 10 commands per user at once), start → /healthz
  on a new and a migrated database, and the RSS of a new bot process after 1,000 commands.

Prints a table and the targets met or missed; ``--json`` writes every figure.
``--starts-only`` measures only start → /healthz (``--repeats`` starts of each kind);
``--memory-only N`` only the RSS of a new bot process after N commands.
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
from functools import partial
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: import the siblings

from loadgen import run_in_subprocess  # noqa: E402
from report import report, starts_line  # noqa: E402
from world import (  # noqa: E402
    REFRESH_KEY,
    SECRET,
    Server,
    World,
    bench_world,
    child,
    free_port,
    log_problems,
    wait_healthy,
    wait_until_idle,
)

Run = dict[str, Any]

# A command the bot answers in its ack (a usage hint: the meeting id is missing), so no work follows.
ANSWERED_IN_ACK = "show"
RATES = (20, 100, 300)
ACK_PATH_CONCURRENCY = 50
IN_FLIGHT = 10
REPLY_TIMEOUT = 60.0  # an open-loop turn's replies are awaited this long after its last send


def open_loop(url: str, users: list[str], pid: int, *, rate: float, duration: float) -> Run:
    """`/zoom list` at ``rate`` a second whatever the acks, replies awaited."""
    return run_in_subprocess(
        url,
        SECRET,
        users,
        rate=rate,
        duration=duration,
        replies=True,
        reply_timeout=REPLY_TIMEOUT,
        server_pid=pid,
    )


def in_flight(url: str, users: list[str], pid: int, *, duration: float) -> Run:
    """``IN_FLIGHT`` commands at a time, the next sent when a reply is in."""
    return run_in_subprocess(
        url, SECRET, users, concurrency=IN_FLIGHT, duration=duration, pace="reply", server_pid=pid
    )


def measured(proc: psutil.Process, load: Callable[[int], Run], *, per: str) -> Run:
    """Let ``proc`` finish earlier work, run ``load`` against it, and add its CPU per ``per``.

    The load generator samples the server's user + system time at its first send and when the
    last ack (or reply, when replies are awaited) is in: the turn and its drain. ``per`` names
    the count it is divided by (``replies``: completed commands; ``acknowledged``)."""
    wait_until_idle(proc)
    result = load(proc.pid)
    count = result[per]
    result["server_cpu_ms_per_command"] = result["server_cpu_s"] * 1000 / count if count else None
    loop = result.get("server_loop_cpu_s")
    result["loop_cpu_ms_per_command"] = loop * 1000 / count if count and loop is not None else None
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


def values_at(runs: list[Run], *path: str) -> list[float]:
    """The number at ``path`` (keys into nested dicts) in each run that has one."""
    values = []
    for run in runs:
        node: Any = run
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, int | float):
            values.append(float(node))
    return values


def median_of(runs: list[Run], *path: str) -> float | None:
    values = values_at(runs, *path)
    return statistics.median(values) if values else None


def missing(run: Run) -> int:
    """Sent and never answered: no reply, no busy answer in the ack (failures included)."""
    return int(run["requests"] - run["shed"] - run["replies"])


def summarise(runs: list[Run]) -> dict[str, Any]:
    """Medians over the repeats; counts summed over them."""
    return {
        "ack_p50_ms": median_of(runs, "ack", "p50_ms"),
        "ack_p99_ms": median_of(runs, "ack", "p99_ms"),
        "ack_max_ms": median_of(runs, "ack", "max_ms"),
        "acks_per_second": median_of(runs, "acks_per_second"),
        "e2e_p50_ms": median_of(runs, "e2e", "p50_ms"),
        "e2e_p99_ms": median_of(runs, "e2e", "p99_ms"),
        "e2e_max_ms": median_of(runs, "e2e", "max_ms"),
        "server_cpu_ms_per_command": median_of(runs, "server_cpu_ms_per_command"),
        "loop_cpu_ms_per_command": median_of(runs, "loop_cpu_ms_per_command"),
        "schedule_lag_p99_ms": median_of(runs, "schedule_lag", "p99_ms"),
        "requests": sum(r["requests"] for r in runs),
        "failures": sum(r["failures"] for r in runs),
        "busy": sum(r["shed"] for r in runs),
        "answered_in_ack": sum(r["answered_in_ack"] for r in runs),
        "replies": sum(r["replies"] for r in runs),
        "missing_replies": sum(missing(r) for r in runs) if all(r["e2e"] is not None for r in runs) else None,
        "runs": len(runs),
    }


def replying_servers(world: World) -> dict[str, Server]:
    servers = {"minimal": world.minimal, "ours": Server(world.bot, world.bot_url)}
    if world.package_transport is not None:
        servers["ours_httpx_aiohttp"] = world.package_transport
    if world.before is not None:
        servers["ours_before"] = world.before
    return servers


def warm_up(world: World) -> None:
    """A few unrecorded commands per server first: connection pools, caches (our users.info
    cache, the fresh-token cache) and lazily imported code are warm before anything counts."""
    for server in replying_servers(world).values():
        run_in_subprocess(server.url, SECRET, world.users, rate=50, duration=1.0, replies=True)
    run_in_subprocess(world.baseline_url, SECRET, world.users, concurrency=10, duration=0.5)
    run_in_subprocess(world.bot_url, SECRET, world.users, concurrency=10, duration=0.5, text=ANSWERED_IN_ACK)


def measure_open_loop(
    world: World, rate: int, seconds: float, repeats: int, profile: Path | None, profiled_server: str
) -> dict[str, Any]:
    servers = replying_servers(world)
    runs: dict[str, list[Run]] = {name: [] for name in servers}
    for attempt in range(repeats):
        for name, server in servers.items():
            out = profile if attempt == 0 and name == profiled_server else None
            with profiled(server.process.pid, out, seconds):
                runs[name].append(
                    measured(
                        server.process,
                        partial(
                            open_loop,
                            server.url,
                            world.users,
                            rate=rate,
                            duration=seconds,
                        ),
                        per="replies",
                    )
                )
    return {name: summarise(r) for name, r in runs.items()}


def measure_in_flight(world: World, seconds: float, repeats: int) -> dict[str, Any]:
    servers = replying_servers(world)
    runs: dict[str, list[Run]] = {name: [] for name in servers}
    for _ in range(repeats):
        for name, server in servers.items():
            runs[name].append(
                measured(
                    server.process,
                    partial(in_flight, server.url, world.users, duration=seconds),
                    per="replies",
                )
            )
    return {name: summarise(r) for name, r in runs.items()}


def measure_ack_path(world: World, seconds: float, repeats: int) -> dict[str, Any]:
    """Closed loop: the bare Bolt app acking `/zoom list` against ours answering a usage hint
    (and the ``--before`` checkout answering the same, when there is one)."""
    servers: dict[str, tuple[psutil.Process, str, str]] = {
        "bare_bolt": (world.baseline, world.baseline_url, "list"),
        "ours": (world.bot, world.bot_url, ANSWERED_IN_ACK),
    }
    if world.before is not None:
        servers["ours_before"] = (world.before.process, world.before.url, ANSWERED_IN_ACK)
    runs: dict[str, list[Run]] = {name: [] for name in servers}

    def closed_loop(url: str, text: str, pid: int) -> Run:
        return run_in_subprocess(
            url,
            SECRET,
            world.users,
            concurrency=ACK_PATH_CONCURRENCY,
            duration=seconds,
            text=text,
            server_pid=pid,
        )

    for _ in range(repeats):
        for name, (process, url, text) in servers.items():
            runs[name].append(measured(process, partial(closed_loop, url, text), per="acknowledged"))
    return {"concurrency": ACK_PATH_CONCURRENCY, **{name: summarise(r) for name, r in runs.items()}}


def measure_stampede(world: World, users: int, per_user: int) -> dict[str, Any]:
    """``per_user`` commands for each of ``users`` users at once: tokens fresh, then all expired."""
    burst = users * per_user
    chosen = world.users[:users]
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
    (the schema is created) and on an already-migrated one. Medians, plus every sample;
    the first cold sample is the benchmark's own bot. Also the CPU the process used by then
    (user + system): steadier than the wall time on a shared machine. And the floor, taken
    in turn with them: the minimal bot importing the libraries we run on and reading the
    migrated database once (``bench/minimal_bot.py --database-url``)."""
    cold = [world.cold_start_s]
    warm: list[float] = []
    floor: list[float] = []
    cold_cpu: list[float] = []
    warm_cpu: list[float] = []
    floor_cpu: list[float] = []
    idle_rss: list[float] = []
    for attempt in range(repeats):
        seconds, cpu, _ = timed_start(world, dict(world.bot_env), world.floor_command)
        floor.append(seconds)
        floor_cpu.append(cpu)
        if attempt > 0:
            env = {**world.bot_env, "DATABASE_URL": f"sqlite+aiosqlite:///{scratch / f'start{attempt}.db'}"}
            seconds, cpu, _ = timed_start(world, env)
            cold.append(seconds)
            cold_cpu.append(cpu)
        seconds, cpu, rss = timed_start(world, dict(world.bot_env))
        warm.append(seconds)
        warm_cpu.append(cpu)
        idle_rss.append(rss)
    return {
        "cold_start_s": statistics.median(cold),
        "warm_start_s": statistics.median(warm),
        "cold_start_cpu_s": statistics.median(cold_cpu) if cold_cpu else None,
        "warm_start_cpu_s": statistics.median(warm_cpu),
        "idle_rss_mb": statistics.median(idle_rss),
        "floor_start_s": statistics.median(floor),
        "floor_start_cpu_s": statistics.median(floor_cpu),
        "cold_samples_s": cold,
        "warm_samples_s": warm,
        "floor_samples_s": floor,
    }


def timed_start(
    world: World, env: dict[str, str], command: list[str] | None = None
) -> tuple[float, float, float]:
    """One more bot process (``command``, ours by default) with ``env``: seconds to /healthz
    200, the CPU seconds it used by then, and its RSS then (MB)."""
    port = free_port()
    started = time.perf_counter()
    with child([*(command or world.bot_command), "--port", str(port)], env) as process:
        seconds = wait_healthy(f"http://127.0.0.1:{port}", started)
        cpu = sum(process.cpu_times()[:2])
        rss = process.memory_info().rss / 2**20
    return seconds, cpu, rss


def measure_memory(world: World, commands: int) -> dict[str, Any]:
    """RSS of a new bot process after ``commands`` commands (10 in flight; at most 2 minutes or
    1 s per 20 commands, whichever is longer), and of the stack's floor after the same load:
    the minimal bot importing the libraries ours runs on (``--database-url``), so what ours
    holds beyond it is what our own code and state cost.

    Also reported: the RSS of the bot that took every load point before (300/s included) and
    of both floors."""
    rss: dict[str, float] = {}
    runs: dict[str, Run] = {}
    for name, command in (("ours", world.bot_command), ("stack_floor", world.floor_command)):
        port = free_port()
        with child([*command, "--port", str(port)], dict(world.bot_env)) as fresh:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, time.perf_counter())
            runs[name] = run_in_subprocess(
                url,
                SECRET,
                world.users,
                concurrency=IN_FLIGHT,
                duration=max(120.0, commands / 20),
                count=commands,
                pace="reply",
                reply_timeout=10,
            )
            rss[name] = fresh.memory_info().rss / 2**20
    return {
        "commands": commands,
        "replies": runs["ours"]["replies"],
        "missing_replies": missing(runs["ours"]),
        "ours_rss_mb": rss["ours"],
        "stack_floor_rss_mb": rss["stack_floor"],
        "stack_floor_missing_replies": missing(runs["stack_floor"]),
        "ours_after_every_point_rss_mb": world.bot.memory_info().rss / 2**20,
        "minimal_rss_mb": world.minimal.process.memory_info().rss / 2**20,
        "bare_bolt_rss_mb": world.baseline.memory_info().rss / 2**20,
    }


def memory_only(commands: int) -> None:
    with bench_world(10, 0.1, package_transport=False, own_accounts=True) as world:
        warm_up(world)
        figures = measure_memory(world, commands)
    print(json.dumps(figures, indent=2))


def starts_only(repeats: int) -> None:
    with bench_world(1, 0.0, package_transport=False) as world, TemporaryDirectory() as scratch:
        starts = measure_starts(world, repeats, Path(scratch))
    print(starts_line(starts, samples=True))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="half a minute: 20/s and 100/s for 1 s, one repeat, 10 users"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--zoom-latency", type=float, default=0.1, help="seconds Zoom takes per list call")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=None, help="seconds per turn (5; 1 with --quick)")
    parser.add_argument(
        "--no-package-transport",
        action="store_true",
        help="skip the bot on httpx-aiohttp's transport (needs the `bench` extra)",
    )
    parser.add_argument(
        "--profile", type=Path, default=None, help="py-spy a server at 100/s into this file (raw stacks)"
    )
    parser.add_argument(
        "--profile-server",
        default="ours",
        choices=("ours", "minimal", "ours_httpx_aiohttp"),
        help="which server --profile samples (ours)",
    )
    parser.add_argument(
        "--before",
        type=Path,
        default=None,
        help="also run the bot from this checkout (e.g. a worktree of main) beside ours",
    )
    parser.add_argument("--bot-log", type=Path, default=None, help="keep a copy of our bot's log here")
    parser.add_argument(
        "--starts-only", action="store_true", help="only start → /healthz, --repeats times on each database"
    )
    parser.add_argument(
        "--memory-only",
        type=int,
        default=None,
        metavar="N",
        help="only the RSS of a new bot process after N commands (and of the floors beside it)",
    )
    args = parser.parse_args()
    if args.memory_only:
        memory_only(args.memory_only)
        return
    if args.starts_only:
        starts_only(args.repeats)
        return
    quick = args.quick
    repeats = 1 if quick else args.repeats
    seconds = args.seconds or (1.0 if quick else 5.0)
    rates = RATES[:2] if quick else RATES
    users = 10 if quick else 100
    memory_commands = 100 if quick else 1000

    results: dict[str, Any] = {
        "quick": quick,
        "zoom_latency_ms": args.zoom_latency * 1000,
        "seconds_per_turn": seconds,
        "repeats": repeats,
        "cpus": psutil.cpu_count(),
        "load_average_at_start": list(psutil.getloadavg()),
        "open_loop": {},
    }
    began = time.perf_counter()
    # Each user in a Zoom account of their own: what is measured is the bot, not Zoom's
    # per-account limit (the bot paces calls under it; bench/flood.py and a test cover that).
    with bench_world(
        users,
        args.zoom_latency,
        package_transport=not args.no_package_transport,
        before=args.before,
        own_accounts=True,
    ) as world:
        warm_up(world)
        for rate in rates:
            profile = args.profile if rate == 100 else None
            results["open_loop"][str(rate)] = measure_open_loop(
                world, rate, seconds, repeats, profile, args.profile_server
            )
        results["in_flight"] = {"commands": IN_FLIGHT, **measure_in_flight(world, seconds, repeats)}
        results["ack_path"] = measure_ack_path(world, seconds, repeats)
        results["memory"] = measure_memory(world, memory_commands)
        # Last of the load: it expires every token, the minimal bot's static one included.
        results["stampede"] = measure_stampede(world, users, per_user=10)
        with TemporaryDirectory() as scratch:
            results["starts"] = measure_starts(world, repeats, Path(scratch))
        results["bot_log_problems"] = log_problems(world.bot_log)
        if args.bot_log and world.bot_log.exists():
            args.bot_log.write_bytes(world.bot_log.read_bytes())
    results["load_average_at_end"] = list(psutil.getloadavg())
    results["wall_seconds"] = time.perf_counter() - began
    results["targets"] = report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
