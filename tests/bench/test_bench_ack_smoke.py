"""The ack benchmark's quick mode runs end to end, so the benchmark cannot rot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_ack_benchmark_produces_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "ack.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "ack_latency.py"), "--quick", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    results = json.loads(out.read_text())
    for level in ("1", "10"):
        point = results["points"][level]
        assert point["ours"]["failures"] == 0 and point["baseline"]["failures"] == 0
        assert point["ours"]["acks_per_second"] > 0 and point["baseline"]["acks_per_second"] > 0
        assert point["ours"]["e2e_p50_ms"] >= results["zoom_latency_ms"]  # the reply waited for Zoom
    stampede = results["stampede"]
    assert stampede["refreshes"] == stampede["users"]  # exactly one refresh per user
    assert stampede["replies"] == stampede["commands"]
    assert 0 < results["cold_start_s"] < 60 and results["rss_mb_after_commands"] > 10
    assert "ours/baseline" in run.stdout
