"""The ack benchmark's table and its verdict against the targets."""

from __future__ import annotations

from typing import Any

# The targets the figures are judged against.
ACK_P99_RATIO_AT_TOP = 1.5  # ours / baseline, at the highest concurrency
THROUGHPUT_RATIO_AT_TOP = 0.7  # ours / baseline, at the highest concurrency
E2E_P99_OVER_ZOOM_MS = 50.0  # at 10 concurrent, above the simulator's latency
COLD_START_S = 1.5
RSS_MB = 150.0


def fmt(value: float | None, width: int = 8, digits: int = 1) -> str:
    return f"{value:{width}.{digits}f}" if isinstance(value, int | float) else f"{'-':>{width}}"


def ratio(ours: float | None, base: float | None) -> float | None:
    return ours / base if ours is not None and base else None


def print_levels(levels: dict[str, Any]) -> None:
    print(
        f"{'conc':>4}  {'server':<20} {'ack p50':>8} {'ack p99':>8} {'ack max':>8} {'acks/s':>8} "
        f"{'e2e p50':>8} {'e2e p99':>8} {'cpu/cmd':>8} {'shed':>6}"
    )
    for level, point in levels.items():
        rows = (
            ("baseline", "baseline"),
            ("ours", "ours"),
            ("ours_reply_paced", "ours, reply-paced"),
            ("ours_answered_in_ack", "ours, in the ack"),
        )
        for key, label in rows:
            row = point[key]
            print(
                f"{level:>4}  {label:<20} {fmt(row['ack_p50_ms'])} {fmt(row['ack_p99_ms'])} "
                f"{fmt(row['ack_max_ms'])} {fmt(row['acks_per_second'])} {fmt(row['e2e_p50_ms'])} "
                f"{fmt(row['e2e_p99_ms'])} {fmt(row['server_cpu_ms_per_command'], digits=2)} "
                f"{row['shed']:>6}"
            )
        point["ack_p99_ratio"] = ratio(point["ours"]["ack_p99_ms"], point["baseline"]["ack_p99_ms"])
        point["throughput_ratio"] = ratio(
            point["ours"]["acks_per_second"], point["baseline"]["acks_per_second"]
        )
        in_ack = point["ours_answered_in_ack"]
        point["in_ack_p99_ratio"] = ratio(in_ack["ack_p99_ms"], point["baseline"]["ack_p99_ms"])
        point["in_ack_throughput_ratio"] = ratio(
            in_ack["acks_per_second"], point["baseline"]["acks_per_second"]
        )
        print(
            f"{'':>6}ours/baseline: ack p99 x{fmt(point['ack_p99_ratio'], 0, 2)}, "
            f"throughput x{fmt(point['throughput_ratio'], 0, 2)}; "
            f"answered in the ack: ack p99 x{fmt(point['in_ack_p99_ratio'], 0, 2)}, "
            f"throughput x{fmt(point['in_ack_throughput_ratio'], 0, 2)}"
        )
    print(
        "(ms; acks/s; cpu/cmd = server CPU ms per acknowledged command, replies included; "
        "shed = acked as 'busy', not started, summed over the repeats; "
        "in the ack = `/zoom show` with no id, a usage hint in the ack: our ack path without the work)"
    )


def report(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Print the table; return each target with its figure and whether it was met."""
    print(
        f"zoom latency {results['zoom_latency_ms']:.0f} ms; "
        f"{results['duration_s']} s per run, "
        f"median of {results['repeats']}; {results['cpus']} CPUs, load average at start "
        f"{results['load_average_at_start'][0]:.2f}"
    )
    levels = results["levels"]
    print_levels(levels)
    s = results["stampede"]
    print(
        f"refresh stampede: {s['users']} users x 10 commands at once ({s['commands']}); "
        f"tokens expired: {s['refreshes']} refreshes. Baseline ack p50/p99 "
        f"{fmt(s['baseline_ack_p50_ms'], 0)}/{fmt(s['baseline_ack_p99_ms'], 0)} ms"
    )
    for phase in ("fresh", "expired"):
        b = s[phase]
        print(
            f"  ours, tokens {phase:<7}: ack p50/p99 {fmt(b['ack_p50_ms'], 0)}/{fmt(b['ack_p99_ms'], 0)} ms, "
            f"e2e p50/p99 {fmt(b['e2e_p50_ms'], 0)}/{fmt(b['e2e_p99_ms'], 0)} ms, "
            f"{b['replies']}/{s['commands']} replies, {b['shed']} shed"
        )
    starts, memory = results["starts"], results["memory"]
    print(
        f"start → /healthz 200 (median of {len(starts['warm_samples_s'])}): "
        f"{starts['cold_start_s']:.2f} s on a new database, "
        f"{starts['warm_start_s']:.2f} s on a migrated one (idle RSS {starts['idle_rss_mb']:.0f} MB)"
    )
    print(
        f"RSS of a new bot process after {memory['commands']} commands "
        f"({memory['missing_replies']} replies missing): {memory['ours_rss_mb']:.0f} MB; "
        f"the bot that took every point above: {memory['ours_after_every_point_rss_mb']:.0f} MB; "
        f"baseline {memory['baseline_rss_mb']:.0f} MB"
    )
    for line, count in results["bot_log_problems"].items():
        print(f"  bot log x{count}: {line}")

    top = levels[max(levels, key=int)]
    ten = levels.get("10", {}).get("ours_reply_paced", {})
    zoom_ms = results["zoom_latency_ms"]
    targets = {
        f"ack p99 at {max(levels, key=int)} concurrent <= {ACK_P99_RATIO_AT_TOP}x baseline": (
            top["ack_p99_ratio"],
            top["ack_p99_ratio"] is not None and top["ack_p99_ratio"] <= ACK_P99_RATIO_AT_TOP,
        ),
        f"throughput >= {THROUGHPUT_RATIO_AT_TOP}x baseline": (
            top["throughput_ratio"],
            top["throughput_ratio"] is not None and top["throughput_ratio"] >= THROUGHPUT_RATIO_AT_TOP,
        ),
        f"ack path alone (answered in the ack): p99 <= {ACK_P99_RATIO_AT_TOP}x baseline": (
            top["in_ack_p99_ratio"],
            top["in_ack_p99_ratio"] is not None and top["in_ack_p99_ratio"] <= ACK_P99_RATIO_AT_TOP,
        ),
        f"ack path alone (answered in the ack): throughput >= {THROUGHPUT_RATIO_AT_TOP}x baseline": (
            top["in_ack_throughput_ratio"],
            top["in_ack_throughput_ratio"] is not None
            and top["in_ack_throughput_ratio"] >= THROUGHPUT_RATIO_AT_TOP,
        ),
        f"e2e p99 at 10 in flight <= {zoom_ms:.0f} + {E2E_P99_OVER_ZOOM_MS:.0f} ms": (
            ten.get("e2e_p99_ms"),
            ten.get("e2e_p99_ms") is not None and ten["e2e_p99_ms"] <= zoom_ms + E2E_P99_OVER_ZOOM_MS,
        ),
        "refreshes == users in the stampede": (s["refreshes"], s["refreshes"] == s["users"]),
        "every stampede command answered": (
            s["expired"]["replies"] + s["fresh"]["replies"],
            s["expired"]["replies"] == s["fresh"]["replies"] == s["commands"],
        ),
        f"cold start < {COLD_START_S} s (new database)": (
            starts["cold_start_s"],
            starts["cold_start_s"] < COLD_START_S,
        ),
        f"RSS < {RSS_MB:.0f} MB": (memory["ours_rss_mb"], memory["ours_rss_mb"] < RSS_MB),
    }
    for name, (figure, met) in targets.items():
        print(f"  [{'met' if met else 'MISSED'}] {name}: {fmt(figure, 0, 2)}")
    return {name: {"figure": figure, "met": met} for name, (figure, met) in targets.items()}
