"""Someone else's token refresh, seen from Slack: the real bot over HTTP, SQLite and PostgreSQL.

Another process holds the link's refresh lease (here: the test, renewing it as a live holder
would). A command that needs a refresh meanwhile is told that a renewal is under way, not
that Zoom was silent; once the holder stops renewing (it died), the next command takes the
lease over and works."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.sandbox.world import OfflineWorld
from tests.e2e.conftest import assert_all_payloads_valid
from tests.e2e.test_commands import ALICE, reply_to, texts
from tests.kit.checked_world import checked_world

REFRESH = "POST /oauth/token:refresh_token"


@pytest.fixture
async def linked(db_url: str, tmp_path: Path) -> AsyncIterator[OfflineWorld]:
    async with checked_world(tmp_path, database_url=db_url) as world:
        page = await world.link("alice")
        assert page.status_code == 200, page.text
        yield world
        assert_all_payloads_valid(world)


async def test_a_command_waiting_on_another_processs_refresh_says_so_then_takes_over_a_dead_ones_lease(
    linked: OfflineWorld,
) -> None:
    world = linked
    links = world.bot.links
    row = await links.get(world.standin.identity.team_id, ALICE)
    assert row is not None
    assert await links.try_acquire_refresh_lease(row.id, "another-process", 2.0, datetime.now(UTC))

    async def live_holder() -> None:
        while True:
            await asyncio.sleep(0.5)
            await links.renew_refresh_lease(row.id, "another-process", 2.0, datetime.now(UTC))

    holder = asyncio.create_task(live_holder())
    try:
        world.sim.expire_access_tokens("alice@example.com")  # the next call needs a refresh
        replies = await reply_to(world, ALICE, "me", timeout=60)
    finally:
        holder.cancel()  # the holder dies: its lease lapses within 2 s
        with contextlib.suppress(asyncio.CancelledError):
            await holder
    said = texts(replies)
    assert "Someone else's renewal of your Zoom authorization is in progress" in said
    assert "Zoom gave no answer" not in said and "couldn't reach Zoom" not in said
    assert world.sim.stats.get(REFRESH, 0) == 0  # the bot never asked Zoom meanwhile
    replies = await reply_to(world, ALICE, "me", timeout=60)
    assert "alice@example.com" in texts(replies)
    assert world.sim.stats[REFRESH] == 1
