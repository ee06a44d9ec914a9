"""End-to-end fixtures: the real bot over HTTP, with the Zoom simulator and the Slack stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox.world import OfflineWorld, offline_world


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[OfflineWorld]:
    async with offline_world(tmp_path) as w:
        yield w


@pytest.fixture
async def linked_world(world: OfflineWorld) -> OfflineWorld:
    page = await world.link("alice")
    assert page.status_code == 200, page.text
    return world
