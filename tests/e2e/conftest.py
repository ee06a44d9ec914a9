"""End-to-end fixtures: the real bot over HTTP, with the Zoom simulator and the Slack stand-in."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox.world import OfflineWorld, offline_world
from bot.sandbox.zoom_simulator import ManualClock
from tests.kit.checked_world import checked_world
from tests.kit.zoom_contract import StrictContract
from tests.slack.blockkit import assert_valid_blocks, assert_valid_home, assert_valid_modal


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[OfflineWorld]:
    async with checked_world(tmp_path) as w:
        yield w
        assert_all_payloads_valid(w)


@pytest.fixture
def clock() -> ManualClock:
    """The clock Zoom's simulator and the bot share, moved by hand; it starts now, to the second."""
    return ManualClock(datetime.now(UTC).replace(microsecond=0))


@asynccontextmanager
async def alice_linked(tmp_path: Path, clock: ManualClock, **options: Any) -> AsyncIterator[OfflineWorld]:
    """A world on ``clock`` with alice's Zoom linked; every payload it sent is checked at the end."""
    async with checked_world(tmp_path, clock=clock, **options) as w:
        page = await w.link("alice")
        assert page.status_code == 200, page.text
        yield w
        assert_all_payloads_valid(w)


def assert_all_payloads_valid(world: OfflineWorld) -> None:
    """Every message and view the bot sent during the test is valid Block Kit."""
    for message in world.standin.messages:
        if message.blocks:
            assert_valid_blocks(message.blocks)
        for unfurl in message.unfurls.values():  # chat.unfurl previews are Block Kit too
            assert_valid_blocks(unfurl["blocks"])
    for call in world.standin.calls:
        if not call.method.startswith("views.") or "view" not in call.args:
            continue
        view = call.args["view"]
        if isinstance(view, str):
            view = json.loads(view)
        if view.get("type") == "home":
            assert_valid_home(view)
        else:
            assert_valid_modal(view)


@pytest.fixture
async def account_world(tmp_path: Path) -> AsyncIterator[OfflineWorld]:
    """The same world in account mode: a Server-to-Server app, Slack e-mail → Zoom user."""
    async with checked_world(tmp_path, account_mode=True) as w:
        yield w
        assert_all_payloads_valid(w)


@pytest.fixture
async def linked_world(world: OfflineWorld) -> OfflineWorld:
    page = await world.link("alice")
    assert page.status_code == 200, page.text
    return world


def mrkdwn_texts(world: OfflineWorld) -> Iterator[str]:
    """Every text Slack would parse for mentions: top-level ``text`` and mrkdwn objects."""

    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                yield node["text"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    for message in world.standin.messages:
        if message.text:
            yield message.text
        yield from walk(message.blocks or [])


@pytest.fixture(scope="module")
def world_sync(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    """A world running on its own thread, for synchronous (Hypothesis) clients."""
    import asyncio
    import threading

    ready: dict[str, object] = {}
    stop = threading.Event()
    contract = StrictContract()

    async def run() -> None:
        async with offline_world(tmp_path_factory.mktemp("world"), contract=contract) as w:
            ready["world"] = w
            while not stop.is_set():
                await asyncio.sleep(0.05)

    thread = threading.Thread(target=lambda: asyncio.run(run()), daemon=True)
    thread.start()
    import time

    deadline = time.monotonic() + 30
    while "world" not in ready:
        assert time.monotonic() < deadline and thread.is_alive(), "offline world did not start"
        time.sleep(0.05)
    world = ready["world"]
    yield world.bot_url, world  # type: ignore[attr-defined]
    stop.set()
    thread.join(timeout=15)
    contract.assert_clean()
