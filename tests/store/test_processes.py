"""The process census: beats, the live count, long-gone processes forgotten, a leaving one gone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.store.db import Database
from bot.store.processes import ProcessCensus
from bot.zoom.rate_governor import RateGovernor, ShareKeeper

WITHIN = timedelta(seconds=15)


async def test_the_live_processes_are_counted_and_the_silent_ones_are_not(db: Database) -> None:
    census = ProcessCensus(db)
    now = datetime.now(UTC)
    await census.beat("host:1", now=now)
    await census.beat("host:2", now=now - timedelta(seconds=5))
    await census.beat("host:3", now=now - timedelta(seconds=60))  # stopped beating a minute ago
    assert await census.alive(now=now, within=WITHIN) == 2
    await census.beat("host:3", now=now)  # back: the same row, beaten again
    assert await census.alive(now=now, within=WITHIN) == 3
    await census.leave("host:2")
    assert await census.alive(now=now, within=WITHIN) == 2


async def test_a_process_gone_for_long_is_forgotten(db: Database) -> None:
    census = ProcessCensus(db)
    now = datetime.now(UTC)
    await census.beat("old", now=now - timedelta(hours=1))
    await census.alive(now=now, within=WITHIN)
    await census.beat("new", now=now)
    # Coming back after being forgotten is a fresh row: the count only sees beats.
    assert await census.alive(now=now + timedelta(hours=2), within=timedelta(hours=3)) == 1


async def test_two_processes_each_take_half_of_zooms_limits(db: Database) -> None:
    first, second = RateGovernor("pro"), RateGovernor("pro")
    keepers = [ShareKeeper(first, ProcessCensus(db), "a"), ShareKeeper(second, ProcessCensus(db), "b")]
    for keeper in keepers:
        await keeper.count_once()
    await keepers[0].count_once()  # the first counts again once the second has beaten
    assert first.processes == second.processes == 2
    assert first.share("Light")[0] + second.share("Light")[0] <= 30  # Pro Light: 30 a second
    await keepers[1].stop()  # leaves the census
    await keepers[0].count_once()
    assert first.processes == 1
