"""Webhook dedupe keys are kept long enough for Zoom's retries, then pruned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.store.db import Database
from bot.store.events import ProcessedEventStore


async def test_prune_drops_only_old_keys(db: Database) -> None:
    events = ProcessedEventStore(db)
    now = datetime.now(UTC)
    assert await events.first_time("zoom", "old-delivery", now=now - timedelta(days=2))
    assert await events.first_time("zoom", "new-delivery", now=now)
    assert await events.prune(older_than=now - timedelta(days=1)) == 1
    assert await events.first_time("zoom", "old-delivery", now=now)  # gone: would count as new
    assert not await events.first_time("zoom", "new-delivery", now=now)  # kept: still a duplicate
