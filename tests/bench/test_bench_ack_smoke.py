"""The ack benchmark's quick mode runs end to end, so the benchmark cannot rot.

It asserts that every figure is there and sane, never timing targets (the machine is shared).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROWS = ("baseline", "ours", "ours_reply_paced", "ours_answered_in_ack")
FIGURES = ("ack_p50_ms", "ack_p99_ms", "ack_max_ms", "acks_per_second", "server_cpu_ms_per_command")


def test_quick_ack_benchmark_produces_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "ack.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "ack_latency.py"), "--quick", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads(out.read_text())
    zoom_ms = results["zoom_latency_ms"]
    assert zoom_ms == 100

    assert set(results["levels"]) == {"1", "10"}
    for point in results["levels"].values():
        for row in ROWS:
            figures = point[row]
            assert figures["failures"] == 0 and figures["requests"] > 0, row
            assert figures["shed"] == 0, row  # far below the bot's command capacity
            assert all(figures[name] > 0 for name in FIGURES), (row, figures)
            assert figures["ack_p50_ms"] <= figures["ack_p99_ms"] <= figures["ack_max_ms"]
        for row in ("ours", "ours_reply_paced"):
            # Every acknowledged command got its answer, and the answer waited for Zoom.
            assert point[row]["missing_replies"] == 0
            assert zoom_ms <= point[row]["e2e_p50_ms"] <= point[row]["e2e_p99_ms"]
        assert point["baseline"]["e2e_p50_ms"] is None  # the baseline never replies
        assert point["ack_p99_ratio"] > 0 and point["throughput_ratio"] > 0
        # Real commands ack empty and answer later; the usage mistake is answered in every ack.
        assert point["baseline"]["answered_in_ack"] == point["ours"]["answered_in_ack"] == 0
        in_ack = point["ours_answered_in_ack"]
        assert in_ack["answered_in_ack"] == in_ack["requests"]
        assert point["in_ack_p99_ratio"] > 0 and point["in_ack_throughput_ratio"] > 0

    stampede = results["stampede"]
    assert stampede["refreshes"] == stampede["users"] == 10  # exactly one refresh per user
    assert stampede["commands"] == 100 and stampede["baseline_ack_p50_ms"] > 0
    for phase in ("fresh", "expired"):
        assert stampede[phase]["replies"] == 100 and stampede[phase]["failures"] == 0
        assert stampede[phase]["shed"] == 0
        assert stampede[phase]["e2e_p50_ms"] >= zoom_ms

    starts = results["starts"]
    assert 0 < starts["cold_start_s"] < 60 and 0 < starts["warm_start_s"] < 60
    assert len(starts["cold_samples_s"]) == len(starts["warm_samples_s"]) == results["repeats"]
    memory = results["memory"]
    assert memory["commands"] == 100 and memory["missing_replies"] == 0
    assert 20 < memory["ours_rss_mb"] < 2000 and 10 < memory["baseline_rss_mb"] < 2000
    assert 20 < memory["ours_after_every_point_rss_mb"] < 2000
    assert len(results["targets"]) == 9 and all(
        isinstance(t["met"], bool) for t in results["targets"].values()
    )
    assert isinstance(results["bot_log_problems"], dict)
    assert "ours/baseline" in run.stdout and "refresh stampede" in run.stdout
