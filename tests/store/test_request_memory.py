"""The replay memory every process shares: each signature is first exactly once, batched or not."""

from __future__ import annotations

import asyncio
import secrets
from datetime import UTC, datetime

import pytest

from bot.store.db import Database
from bot.store.request_memory import SharedRequestMemory


async def test_concurrent_requests_in_two_processes_are_each_first_once(db_url: str) -> None:
    one, other = Database.from_url(db_url), Database.from_url(db_url)  # two processes
    try:
        a, b = SharedRequestMemory(one), SharedRequestMemory(other)
        signatures = ["v0=" + secrets.token_hex(32) for _ in range(60)]
        now = datetime.now(UTC)
        # Every signature sent to both at once: many ride in shared batches on each side.
        answers = await asyncio.gather(
            *(a.first_time(s, now=now) for s in signatures), *(b.first_time(s, now=now) for s in signatures)
        )
        firsts = [x or y for x, y in zip(answers[:60], answers[60:], strict=True)]
        both = [x and y for x, y in zip(answers[:60], answers[60:], strict=True)]
        assert all(firsts) and not any(both)
        assert not await a.first_time(signatures[0], now=now)  # and later, still a replay
    finally:
        await one.dispose()
        await other.dispose()


async def test_a_database_that_does_not_answer_fails_every_waiting_caller() -> None:
    nowhere = Database.from_url("postgresql+asyncpg://postgres@127.0.0.1:1/none")
    try:
        memory = SharedRequestMemory(nowhere)
        now = datetime.now(UTC)
        results = await asyncio.gather(
            *(memory.first_time(f"v0={i}", now=now) for i in range(5)), return_exceptions=True
        )
        assert all(isinstance(r, OSError) for r in results), results
    finally:
        await nowhere.dispose()


@pytest.mark.parametrize("waiting", [1, 450])  # one request; more than two full batches
async def test_batches_of_any_size(db: Database, waiting: int) -> None:
    memory = SharedRequestMemory(db)
    now = datetime.now(UTC)
    signatures = [f"v0={i}" for i in range(waiting)]
    assert all(await asyncio.gather(*(memory.first_time(s, now=now) for s in signatures)))
    assert not any(await asyncio.gather(*(memory.first_time(s, now=now) for s in signatures)))
