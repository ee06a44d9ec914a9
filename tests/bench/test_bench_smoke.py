"""The Zoom client benchmark still runs (quick mode), so it cannot rot unnoticed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import zoom_client  # noqa: E402


def test_quick_benchmark_runs_and_counts_one_refresh_per_user(capsys: pytest.CaptureFixture[str]) -> None:
    assert zoom_client.main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "get meeting, UserZoom" in out
    assert "8 refreshes" in out  # 8 users in quick mode, each refreshed exactly once
