"""The offline world with Zoom's contract enforced: what tests use instead of ``offline_world``.

    async with checked_world(tmp_path, clock=clock) as world:
        ...

Same options as :func:`bot.sandbox.world.offline_world`. The simulator reports every Zoom
request the bot sends, every answer and every webhook to a :class:`StrictContract`; when
the block ends without an error of its own, any violation fails the test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.sandbox.world import OfflineWorld, offline_world
from tests.kit.zoom_contract import StrictContract


@asynccontextmanager
async def checked_world(data_dir: Path, **options: Any) -> AsyncIterator[OfflineWorld]:
    contract = StrictContract()
    async with offline_world(data_dir, contract=contract, **options) as world:
        yield world
    contract.assert_clean()
