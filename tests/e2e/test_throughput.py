"""Commands awaiting Zoom hold nothing scarce: no fixed slot, no database connection."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bot.sandbox.world import OfflineWorld
from tests.e2e.test_commands import ALICE, GENERAL
from tests.kit.checked_world import checked_world

LIST = "GET /v2/users/{userId}/meetings"
# More than any fixed number of working slots the process once had (32): all must reach Zoom.
AT_ONCE = 48
PATIENCE_S = 60.0  # generous: the machine may be busy; nothing here measures time


async def until(condition: str, check: object) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"gave up waiting: {condition}"
        await asyncio.sleep(0.05)


def final_replies(w: OfflineWorld, since: int) -> list[str]:
    """The texts of command replies posted since message ``since``, "working on it" notices left out."""
    return [
        m.text or ""
        for m in w.standin.messages[since:]
        if m.kind == "response" and not (m.text or "").startswith(":hourglass")
    ]


async def commands_all_await_zoom_at_once(w: OfflineWorld) -> None:
    page = await w.link("alice")
    assert page.status_code == 200, page.text
    w.sim.inject(LIST, drop=True, times=AT_ONCE)  # Zoom holds every list call until released
    calls_before = w.sim.stats.get(LIST, 0)
    replies_before = len(w.standin.messages)
    acks = await asyncio.gather(*(w.driver.slash(ALICE, GENERAL, "list") for _ in range(AT_ONCE)))
    assert all(a.status_code == 200 and "very busy" not in a.text for a in acks)

    # Every admitted command reaches Zoom while none has been answered: nothing caps them.
    await until("every command awaiting Zoom", lambda: w.sim.stats.get(LIST, 0) - calls_before == AT_ONCE)
    assert w.bot.slack.commands.admitted == AT_ONCE
    # ... and none of them holds a database connection while it waits.
    assert w.bot.db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]

    w.sim.release_hangs()  # the held calls answer 503; the list is read again and answered

    await until("every command answered", lambda: len(final_replies(w, replies_before)) >= AT_ONCE)
    await until("every command finished", lambda: w.bot.slack.commands.admitted == 0)


async def test_commands_await_zoom_together_holding_no_database_connection_sqlite(tmp_path: Path) -> None:
    async with checked_world(tmp_path, sim_options={"qps_limit": 0}) as w:
        await commands_all_await_zoom_at_once(w)


async def test_commands_await_zoom_together_holding_no_database_connection_postgres(
    tmp_path: Path, postgres_url: str
) -> None:
    async with checked_world(tmp_path, database_url=postgres_url, sim_options={"qps_limit": 0}) as w:
        await commands_all_await_zoom_at_once(w)
