"""HostWriteStore: Zoom's 100 creates/updates a day per host, counted in the shared database."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.store.db import Database
from bot.store.host_writes import HostWriteStore
from bot.zoom.host_writes import host_key, next_reset

NOW = datetime(2030, 1, 7, 13, 0, tzinfo=UTC)
TODAY = NOW.date()
HOST = host_key("Alice@Example.com")


async def take(store: HostWriteStore, *, limit: int = 3, now: datetime = NOW, key: str = HOST) -> bool:
    return await store.take(key, now.date(), limit=limit, now=now)


async def test_slots_are_granted_up_to_the_limit_per_host(db: Database) -> None:
    store = HostWriteStore(db)
    assert [await take(store) for _ in range(4)] == [True, True, True, False]
    assert await store.used(HOST, TODAY) == 3
    assert await take(store, key=host_key("bob@example.com"))  # another host has its own count


async def test_two_processes_taking_at_once_never_exceed_the_limit(db: Database, db_url: str) -> None:
    other = Database.from_url(db_url)  # another bot process on the same database
    try:
        stores = [HostWriteStore(db), HostWriteStore(other)]
        granted = await asyncio.gather(*(take(stores[n % 2], limit=100) for n in range(150)))
    finally:
        await other.dispose()
    assert granted.count(True) == 100
    assert await HostWriteStore(db).used(HOST, TODAY) == 100


async def test_a_slot_given_back_can_be_taken_again(db: Database) -> None:
    store = HostWriteStore(db)
    for _ in range(3):
        assert await take(store)
    await store.give_back(HOST, TODAY)
    assert await store.used(HOST, TODAY) == 2
    assert await take(store)
    assert not await take(store)
    await store.give_back(host_key("nobody@example.com"), TODAY)  # nothing counted: nothing to give
    assert await store.used(host_key("nobody@example.com"), TODAY) == 0


async def test_a_host_zoom_said_is_used_up_gets_nothing_until_the_reset(db: Database) -> None:
    store = HostWriteStore(db)
    assert await take(store, limit=100)
    await store.use_up(HOST, TODAY, until=NOW + timedelta(hours=2))  # Zoom's daily 429
    assert not await take(store, limit=100)
    assert not await take(store, limit=100, now=NOW + timedelta(hours=1, minutes=59))
    assert await take(store, limit=100, now=NOW + timedelta(hours=2))
    # A host marked before any call of ours is marked all the same.
    fresh = host_key("carol@example.com")
    await store.use_up(fresh, TODAY, until=next_reset(NOW))
    assert not await take(store, limit=100, key=fresh)


async def test_a_new_utc_day_starts_a_new_count(db: Database) -> None:
    store = HostWriteStore(db)
    for _ in range(3):
        assert await take(store)
    await store.use_up(HOST, TODAY, until=next_reset(NOW))
    tomorrow = next_reset(NOW)
    assert await take(store, now=tomorrow)
    assert await store.used(HOST, tomorrow.date()) == 1


async def test_past_days_are_pruned_and_today_is_kept(db: Database) -> None:
    store = HostWriteStore(db)
    yesterday = NOW - timedelta(days=1)
    assert await take(store, now=yesterday)
    assert await take(store, now=yesterday - timedelta(days=3))
    assert await take(store)
    assert await store.prune(before=TODAY) == 2
    assert await store.used(HOST, yesterday.date()) == 0
    assert await store.used(HOST, TODAY) == 1
