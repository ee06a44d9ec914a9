"""The benchmark's quick mode runs end to end, so the benchmark cannot rot.

It asserts that every figure is there and that every command got its answer, never timing
targets (the machine is shared).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REPLYING = ("minimal", "ours")
FIGURES = ("ack_p50_ms", "ack_p99_ms", "ack_max_ms", "server_cpu_ms_per_command")


@pytest.mark.slow
def test_quick_benchmark_answers_every_command_and_reports_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--quick",
            "--no-package-transport",  # the `bench` extra is not a test dependency
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads(out.read_text())
    zoom_ms = results["zoom_latency_ms"]
    assert zoom_ms == 100

    assert set(results["open_loop"]) == {"20", "100"}
    for rate, servers in results["open_loop"].items():
        assert set(servers) == set(REPLYING), rate
        for name, row in servers.items():
            # Open loop: the generator sent its whole schedule, and every command got its reply.
            assert row["requests"] == int(rate) * results["seconds_per_turn"], (rate, name)
            assert row["failures"] == row["busy"] == row["missing_replies"] == 0, (rate, name, row)
            assert row["replies"] == row["requests"]
            assert all(row[figure] > 0 for figure in FIGURES), (rate, name, row)
            assert row["ack_p50_ms"] <= row["ack_p99_ms"] <= row["ack_max_ms"]
            # The answer waited for Zoom.
            assert zoom_ms <= row["e2e_p50_ms"] <= row["e2e_p99_ms"] <= row["e2e_max_ms"]
            assert row["schedule_lag_p99_ms"] is not None
            # The event loop's thread: part of the process's CPU, never more than all of it
            # (which is counted in clock ticks: two readings, each up to a tick short).
            tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
            slack = 2 * tick_ms / row["replies"]
            assert 0 < row["loop_cpu_ms_per_command"] <= row["server_cpu_ms_per_command"] + slack, (
                rate,
                name,
            )

    in_flight = results["in_flight"]
    assert in_flight["commands"] == 10
    for name in REPLYING:
        row = in_flight[name]
        assert row["requests"] > 0 and row["missing_replies"] == 0 and row["busy"] == 0, name
        assert zoom_ms <= row["e2e_p50_ms"] <= row["e2e_p99_ms"]
        assert row["server_cpu_ms_per_command"] > 0

    ack = results["ack_path"]
    assert ack["concurrency"] == 50
    for name in ("bare_bolt", "ours"):
        row = ack[name]
        assert row["failures"] == 0 and row["requests"] > 0 and row["busy"] == 0, name
        assert row["acks_per_second"] > 0 and row["server_cpu_ms_per_command"] > 0
        assert row["e2e_p50_ms"] is None  # nothing follows an ack here
    # Bare Bolt acks empty; ours answers the usage mistake in every ack.
    assert ack["bare_bolt"]["answered_in_ack"] == 0
    assert ack["ours"]["answered_in_ack"] == ack["ours"]["requests"]

    stampede = results["stampede"]
    assert stampede["refreshes"] == stampede["users"] == 10  # exactly one refresh per user
    assert stampede["commands"] == 100
    for phase in ("fresh", "expired"):
        assert stampede[phase]["replies"] == 100 and stampede[phase]["failures"] == 0
        assert stampede[phase]["shed"] == 0
        assert stampede[phase]["e2e_p50_ms"] >= zoom_ms

    starts = results["starts"]
    assert 0 < starts["cold_start_s"] < 60 and 0 < starts["warm_start_s"] < 60
    assert len(starts["cold_samples_s"]) == len(starts["warm_samples_s"]) == results["repeats"]
    memory = results["memory"]
    assert memory["commands"] == memory["replies"] == 100 and memory["missing_replies"] == 0
    for name in ("ours_rss_mb", "ours_after_every_point_rss_mb", "minimal_rss_mb", "bare_bolt_rss_mb"):
        assert 10 < memory[name] < 2000, name

    targets = results["targets"]
    assert len(targets) == 11 and all(isinstance(t["met"], bool) for t in targets.values())
    assert isinstance(results["bot_log_problems"], dict)
    assert "minimal bot" in run.stdout and "refresh stampede" in run.stdout


@pytest.mark.slow
def test_memory_only_reports_the_rss_after_every_command_answered() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--memory-only", "50"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    figures = json.loads(run.stdout)
    assert figures["commands"] == figures["replies"] == 50
    assert figures["missing_replies"] == 0
    for name in ("ours_rss_mb", "minimal_rss_mb", "bare_bolt_rss_mb"):
        assert figures[name] > 10, name  # a Python process with its libraries, not a zero
