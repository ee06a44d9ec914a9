"""The replay-memory benchmark still runs (a few requests, SQLite only), so it cannot rot unnoticed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import replay_memory  # noqa: E402


def test_replay_memory_benchmark_runs(tmp_path: Path) -> None:
    out = tmp_path / "replay.json"
    assert (
        replay_memory.main(
            ["--requests", "50", "--concurrency", "1", "5", "--postgres", "none", "--json", str(out)]
        )
        == 0
    )
    figures = json.loads(out.read_text())
    assert set(figures) == {"sqlite/1", "sqlite/5"}
    assert all(f["cpu_ms_per_request"] > 0 for f in figures.values())
