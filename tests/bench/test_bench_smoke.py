"""The Zoom client benchmark still runs (quick mode) as `make bench` runs it, so it cannot rot
unnoticed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_benchmark_runs_and_counts_one_refresh_per_user(tmp_path: Path) -> None:
    # As a script from another directory: its imports must not depend on where it is run.
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "zoom_client.py"), "--quick"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "get meeting, UserZoom" in done.stdout
    assert "8 refreshes" in done.stdout  # 8 users in quick mode, each refreshed exactly once
