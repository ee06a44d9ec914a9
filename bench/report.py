"""The benchmark's table (bench/run.py) and its verdict against the targets."""

from __future__ import annotations

from typing import Any

# The targets the figures are judged against (ours against a floor, on the same machine and run).
CPU_RATIO_AT_100 = 1.5  # server CPU per completed command, ours / minimal bot, at 100/s
E2E_P99_RATIO_AT_100 = 1.5  # end-to-end p99, ours / minimal bot, at 100/s
E2E_P99_OVER_MINIMAL_IN_FLIGHT_MS = 30.0  # at 10 in flight: ours <= minimal's p99 + this
ACK_P99_RATIO = 1.3  # ack path, ours answering in the ack / bare Bolt
ACKS_PER_SECOND_RATIO = 0.8  # ack path, ours / bare Bolt
NO_MISSING_AT = ("20", "100")  # rates (commands/s) at which every command must get its reply
COLD_START_S = 1.0
RSS_MB = 120.0

LABELS = {
    "minimal": "minimal bot",
    "ours": "ours",
    "ours_httpx_aiohttp": "ours, httpx-aiohttp",
    "ours_before": "ours, before",
    "bare_bolt": "bare Bolt",
}


def fmt(value: float | None, width: int = 7, digits: int = 1) -> str:
    return f"{value:{width}.{digits}f}" if isinstance(value, int | float) else f"{'-':>{width}}"


def ratio(ours: float | None, floor: float | None) -> float | None:
    return ours / floor if ours is not None and floor else None


HEADER = (
    f"{'load':<10} {'server':<20} {'ack p50':>7} {'ack p99':>7} {'e2e p50':>7} {'e2e p99':>7} "
    f"{'cpu/cmd':>7} {'loop':>5} {'acks/s':>7} {'sent':>6} {'replies':>7} {'busy':>5} {'missing':>7}"
)


def print_row(load: str, name: str, row: dict[str, Any]) -> None:
    print(
        f"{load:<10} {LABELS.get(name, name):<20} {fmt(row['ack_p50_ms'])} {fmt(row['ack_p99_ms'])} "
        f"{fmt(row['e2e_p50_ms'])} {fmt(row['e2e_p99_ms'])} "
        f"{fmt(row['server_cpu_ms_per_command'], digits=2)} {fmt(row['loop_cpu_ms_per_command'], 5, 2)} "
        f"{fmt(row['acks_per_second'], digits=0)} "
        f"{row['requests']:>6} {row['replies']:>7} {row['busy']:>5} "
        f"{row['missing_replies'] if row['missing_replies'] is not None else '-':>7}"
    )


def print_table(results: dict[str, Any]) -> None:
    print(HEADER)
    for rate, servers in results["open_loop"].items():
        for name, row in servers.items():
            print_row(f"{rate}/s", name, row)
    in_flight = results["in_flight"]
    for name, row in in_flight.items():
        if isinstance(row, dict):
            print_row(f"{in_flight['commands']} in fl.", name, row)
    ack = results["ack_path"]
    for name in ("bare_bolt", "ours", "ours_before"):
        if name in ack:
            print_row(f"c={ack['concurrency']} ack", name, ack[name])
    print(
        "(ms; cpu/cmd = server CPU ms per completed command (per ack on the ack path), the drain "
        "included; loop = the part of it on the event loop's thread; sent/replies/busy/missing "
        "summed over the repeats; busy = acked 'very busy', no work started; missing = sent and "
        "never answered at all. Ack path: bare Bolt acks `/zoom list`, ours answers `/zoom show` "
        "with no id, a usage hint in the ack)"
    )


def starts_line(starts: dict[str, Any], *, samples: bool = False) -> str:
    """The start-up figures of ``measure_starts`` on one line (every sample too, if asked)."""

    def figure(kind: str) -> str:
        median = f"{starts[f'{kind}_start_s']:.2f} s"
        return f"{median} {[round(x, 2) for x in starts[f'{kind}_samples_s']]}" if samples else median

    return (
        f"start → /healthz 200 (median of {len(starts['warm_samples_s'])}): "
        f"{figure('cold')} on a new database, {figure('warm')} on a migrated one; CPU used by then "
        f"{starts['cold_start_cpu_s'] or 0:.2f} s and {starts['warm_start_cpu_s']:.2f} s "
        f"(idle RSS {starts['idle_rss_mb']:.0f} MB); the floor, the minimal bot on our libraries "
        f"and database: {figure('floor')}, CPU {starts['floor_start_cpu_s']:.2f} s"
    )


def print_other(results: dict[str, Any]) -> None:
    s = results["stampede"]
    print(
        f"refresh stampede: {s['users']} users x 10 commands at once ({s['commands']}); "
        f"tokens expired: {s['refreshes']} refreshes"
    )
    for phase in ("fresh", "expired"):
        b = s[phase]
        print(
            f"  ours, tokens {phase:<7}: ack p50/p99 {fmt(b['ack_p50_ms'], 0)}/{fmt(b['ack_p99_ms'], 0)} ms, "
            f"e2e p50/p99 {fmt(b['e2e_p50_ms'], 0)}/{fmt(b['e2e_p99_ms'], 0)} ms, "
            f"{b['replies']}/{s['commands']} replies, {b['shed']} busy"
        )
    starts, memory = results["starts"], results["memory"]
    print(starts_line(starts))
    print(
        f"RSS of a new bot process after {memory['commands']} commands "
        f"({memory['missing_replies']} replies missing): {memory['ours_rss_mb']:.0f} MB; "
        f"the stack's floor (the minimal bot on our libraries) after the same: "
        f"{memory['stack_floor_rss_mb']:.0f} MB; "
        f"the bot that took every point above: {memory['ours_after_every_point_rss_mb']:.0f} MB; "
        f"minimal bot {memory['minimal_rss_mb']:.0f} MB, bare Bolt {memory['bare_bolt_rss_mb']:.0f} MB"
    )
    for line, count in results["bot_log_problems"].items():
        print(f"  bot log x{count}: {line}")


def judge(results: dict[str, Any]) -> dict[str, tuple[float | None, bool]]:
    loop = results["open_loop"]
    at_100 = loop.get("100", {})
    ours_100, minimal_100 = at_100.get("ours", {}), at_100.get("minimal", {})
    cpu = ratio(ours_100.get("server_cpu_ms_per_command"), minimal_100.get("server_cpu_ms_per_command"))
    e2e = ratio(ours_100.get("e2e_p99_ms"), minimal_100.get("e2e_p99_ms"))
    in_flight = results["in_flight"]
    ours_10, minimal_10 = in_flight["ours"]["e2e_p99_ms"], in_flight["minimal"]["e2e_p99_ms"]
    over_10 = ours_10 - minimal_10 if ours_10 is not None and minimal_10 is not None else None
    ack = results["ack_path"]
    ack_p99 = ratio(ack["ours"]["ack_p99_ms"], ack["bare_bolt"]["ack_p99_ms"])
    acks = ratio(ack["ours"]["acks_per_second"], ack["bare_bolt"]["acks_per_second"])
    targets: dict[str, tuple[float | None, bool]] = {
        f"CPU per command at 100/s <= {CPU_RATIO_AT_100}x the minimal bot's": (
            cpu,
            cpu is not None and cpu <= CPU_RATIO_AT_100,
        ),
        f"end-to-end p99 at 100/s <= {E2E_P99_RATIO_AT_100}x the minimal bot's": (
            e2e,
            e2e is not None and e2e <= E2E_P99_RATIO_AT_100,
        ),
        f"end-to-end p99 at {in_flight['commands']} in flight <= the minimal bot's "
        f"+ {E2E_P99_OVER_MINIMAL_IN_FLIGHT_MS:.0f} ms (figure: ms over it)": (
            over_10,
            over_10 is not None and over_10 <= E2E_P99_OVER_MINIMAL_IN_FLIGHT_MS,
        ),
        f"ack path p99 <= {ACK_P99_RATIO}x bare Bolt's": (
            ack_p99,
            ack_p99 is not None and ack_p99 <= ACK_P99_RATIO,
        ),
        f"ack path acks/s >= {ACKS_PER_SECOND_RATIO}x bare Bolt's": (
            acks,
            acks is not None and acks >= ACKS_PER_SECOND_RATIO,
        ),
    }
    for rate in NO_MISSING_AT:
        if rate in loop:
            ours = loop[rate]["ours"]
            unanswered = (ours["missing_replies"] or 0) + ours["busy"]
            targets[f"every command answered with its reply at {rate}/s (figure: without one)"] = (
                unanswered,
                unanswered == 0,
            )
    for rate, servers in loop.items():
        if rate not in NO_MISSING_AT:
            ours = servers["ours"]
            targets[f"nothing lost silently at {rate}/s: each reply or a busy ack (figure: missing)"] = (
                ours["missing_replies"],
                ours["missing_replies"] == 0 and ours["failures"] == 0,
            )
    s = results["stampede"]
    targets["refreshes == users in the stampede"] = (s["refreshes"], s["refreshes"] == s["users"])
    targets["every stampede command answered"] = (
        s["expired"]["replies"] + s["fresh"]["replies"],
        s["expired"]["replies"] == s["fresh"]["replies"] == s["commands"],
    )
    starts, memory = results["starts"], results["memory"]
    targets[f"cold start < {COLD_START_S} s (new database)"] = (
        starts["cold_start_s"],
        starts["cold_start_s"] < COLD_START_S,
    )
    targets[f"RSS after {memory['commands']} commands < {RSS_MB:.0f} MB"] = (
        memory["ours_rss_mb"],
        memory["ours_rss_mb"] < RSS_MB,
    )
    return targets


def print_transport(results: dict[str, Any]) -> None:
    """Our transport against the httpx-aiohttp package's, both under the same bot and load."""
    for rate, servers in results["open_loop"].items():
        if "ours_httpx_aiohttp" in servers:
            ours = servers["ours"]["server_cpu_ms_per_command"]
            package = servers["ours_httpx_aiohttp"]["server_cpu_ms_per_command"]
            print(
                f"transport at {rate}/s: CPU per command ours {fmt(ours, 0, 2)} ms, "
                f"httpx-aiohttp {fmt(package, 0, 2)} ms (x{fmt(ratio(package, ours), 0, 2)})"
            )


def report(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Print the table; return each target with its figure and whether it was met."""
    print(
        f"zoom latency {results['zoom_latency_ms']:.0f} ms; {results['seconds_per_turn']} s per turn, "
        f"median of {results['repeats']}; {results['cpus']} CPUs, load average at start "
        f"{results['load_average_at_start'][0]:.2f}, at end {results['load_average_at_end'][0]:.2f}; "
        f"{results['wall_seconds']:.0f} s in all"
    )
    print_table(results)
    print_transport(results)
    print_other(results)
    targets = judge(results)
    for name, (figure, met) in targets.items():
        print(f"  [{'met' if met else 'MISSED'}] {name}: {fmt(figure, 0, 2)}")
    return {name: {"figure": figure, "met": met} for name, (figure, met) in targets.items()}
