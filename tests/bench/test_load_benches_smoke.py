"""The flood, digest and memory-growth benchmarks run end to end (quick mode), so they cannot rot.

They assert that every figure is there and every command or digest got its answer, never
timing or memory targets (the machine is shared).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def bench(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / name), "--quick", *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return run


@pytest.mark.slow
def test_quick_flood_acknowledges_and_answers_every_command(tmp_path: Path) -> None:
    out = tmp_path / "flood.json"
    bench("flood.py", "--json", str(out))
    figures = json.loads(out.read_text())
    assert figures["sent"] == 100
    assert figures["acknowledged"] == figures["sent"] and figures["failures"] == 0
    assert figures["replies"] + figures["busy"] == figures["acknowledged"]
    assert figures["missing_replies"] == 0
    for key in ("ack_p99_ms", "e2e_p99_ms", "rss_peak_mb", "rss_after_mb", "achieved_rate"):
        assert figures[key] > 0, key


@pytest.mark.slow
def test_quick_digest_run_delivers_every_digest_and_counts_zooms_refusals(tmp_path: Path) -> None:
    out = tmp_path / "digests.json"
    run = bench("digests.py", "--json", str(out))
    figures = json.loads(out.read_text())
    assert figures["users"] == 20 and figures["delivered"] == 20, run.stdout
    assert figures["digests"] + figures["trouble_notices"] == 20
    assert figures["list_calls"] >= 20 and figures["zoom_429s"] >= 0
    assert figures["zoom_floor_s"] == pytest.approx(1.0)  # 20 lists at Pro's 20 a second


@pytest.mark.slow
def test_quick_memory_growth_names_where_memory_went() -> None:
    run = bench("memory_growth.py")
    assert "200 commands in" in run.stdout and "traced memory" in run.stdout
    assert "KB" in run.stdout.split("top 15 growth by line:")[1]


def test_the_digest_bench_has_a_weekday_to_deliver_on_at_any_time_of_the_week() -> None:
    """Digests go out Monday to Friday only; on a weekend everywhere the bench moves the bot's
    clock ahead by whole days instead of failing (it once did, every Saturday afternoon)."""
    sys.path.insert(0, str(ROOT))
    from bench import digests

    monday = datetime(2026, 12, 7, tzinfo=UTC)
    for quarter in range(7 * 24 * 4):
        now = monday + timedelta(minutes=15 * quarter + 7)
        days, zone = digests.weekday_plan(now)
        local = (now + timedelta(days=days)).astimezone(zone)
        assert local.weekday() < 5, now
        assert (local + timedelta(minutes=10)).date() == local.date(), now
        if now.weekday() < 4:
            assert days == 0, now  # Monday to Thursday the bot runs on the wall clock
