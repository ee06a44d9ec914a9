"""The reminder benchmark's quick mode runs (so it cannot rot) and finds no duplicates or losses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_quick_mode_delivers_every_reminder_once() -> None:
    result = subprocess.run(
        [sys.executable, "bench/reminders.py", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "duplicates:   0" in result.stdout and "lost:         0" in result.stdout
    assert "peak RSS per process" in result.stdout
