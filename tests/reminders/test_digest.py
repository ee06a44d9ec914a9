"""Morning digests: DST-correct local time, weekdays only, one DM per day across processes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from bot.compose_background import build_background
from bot.reminders.digest_job import DigestSender, due_day
from bot.sandbox.slack_standin import Message
from bot.sandbox.world import OfflineWorld
from bot.sandbox.zoom_simulator.clock import ManualClock
from bot.store.db import Database
from bot.store.digests import Digest, DigestStore
from tests.kit.checked_world import checked_world

ALICE, GENERAL = "U0ALICE", "C0GENERAL"
NEW_YORK = "America/New_York"


def digest(at: time = time(8, 30), last: date | None = None, tz: str = NEW_YORK) -> Digest:
    return Digest(id=1, team_id="T", user_id="U", at=at, tz_name=tz, send_empty=False, last_sent_on=last)


@pytest.mark.parametrize(
    ("utc", "due"),
    [
        # Friday before the March 2025 change (EST, UTC-5): 08:30 local = 13:30 UTC.
        (datetime(2025, 3, 7, 13, 29, 59), None),
        (datetime(2025, 3, 7, 13, 30), date(2025, 3, 7)),
        (datetime(2025, 3, 8, 13, 30), None),  # Saturday
        (datetime(2025, 3, 9, 13, 30), None),  # Sunday, the day of the change
        # Monday after it (EDT, UTC-4): 08:30 local = 12:30 UTC.
        (datetime(2025, 3, 10, 12, 29, 59), None),
        (datetime(2025, 3, 10, 12, 30), date(2025, 3, 10)),
        # November, back to EST: Monday 2025-11-03 08:30 local = 13:30 UTC.
        (datetime(2025, 11, 3, 12, 30), None),
        (datetime(2025, 11, 3, 13, 30), date(2025, 11, 3)),
        # More than six hours late: that day's "morning" digest is skipped.
        (datetime(2025, 3, 10, 18, 31), None),
    ],
)
def test_digest_falls_due_at_local_wall_clock_time_on_weekdays(utc: datetime, due: date | None) -> None:
    assert due_day(digest(), utc.replace(tzinfo=UTC)) == due


def test_a_day_already_sent_is_not_due_again() -> None:
    assert due_day(digest(last=date(2025, 3, 10)), datetime(2025, 3, 10, 15, 0, tzinfo=UTC)) is None


# -- end to end: the real bot's Zoom access (simulator) and the Slack stand-in ---------------------


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[OfflineWorld, ManualClock]]:
    clock = ManualClock(datetime(2025, 3, 7, 12, 0, tzinfo=UTC))  # Friday 07:00 in New York
    async with checked_world(tmp_path, clock=clock) as w:
        page = await w.link("alice")
        assert page.status_code == 200, page.text
        yield w, clock


async def slash(w: OfflineWorld, text: str) -> None:
    before = len(w.standin.messages)
    assert (await w.driver.slash(ALICE, GENERAL, text)).status_code == 200
    await w.standin.wait_for(
        lambda: [m for m in w.standin.messages[before:] if not (m.text or "").startswith(":hourglass")],
        timeout=8,
    )


def alice_dms(w: OfflineWorld) -> list[Message]:
    return [m for m in w.standin.messages_in(w.standin.dm_channel(ALICE)) if m.kind == "post"]


async def test_digest_fires_at_0830_new_york_before_and_after_dst_and_only_on_meeting_days(
    world: tuple[OfflineWorld, ManualClock],
) -> None:
    w, clock = world
    await slash(w, 'schedule "Friday standup" 2025-03-07 11:00')
    await slash(w, 'schedule "Monday planning" 2025-03-10 10:00')
    parts, clients = build_background(w.bot.core)
    assert clients is not None
    sender = parts.worker.digests
    assert sender is not None
    try:
        await parts.digests.enable(w.standin.team_id, ALICE, at=time(8, 30), tz_name=NEW_YORK)
        clock.set(datetime(2025, 3, 7, 13, 29, 59, tzinfo=UTC))
        assert await sender.run_once() == 0
        clock.set(datetime(2025, 3, 7, 13, 30, tzinfo=UTC))
        assert await sender.run_once() == 1
        assert await sender.run_once() == 0  # once a day
        [friday] = alice_dms(w)
        assert "Friday standup" in friday.all_text() and "Monday planning" not in friday.all_text()
        join = friday.blocks[1]["accessory"]  # type: ignore[index]
        assert join["type"] == "button" and "/j/" in join["url"]
        assert "zak=" not in str(friday.blocks)  # never a host start link

        clock.set(datetime(2025, 3, 8, 13, 30, tzinfo=UTC))  # Saturday
        assert await sender.run_once() == 0
        clock.set(datetime(2025, 3, 10, 12, 29, 59, tzinfo=UTC))  # Monday, EDT now
        assert await sender.run_once() == 0
        clock.set(datetime(2025, 3, 10, 12, 30, tzinfo=UTC))
        assert await sender.run_once() == 1
        assert "Monday planning" in alice_dms(w)[-1].all_text()
        clock.set(datetime(2025, 3, 11, 12, 30, tzinfo=UTC))  # Tuesday: no meetings, nothing sent
        assert await sender.run_once() == 0
        assert len(alice_dms(w)) == 2
    finally:
        await clients.aclose()


async def test_two_processes_due_at_once_send_one_digest(world: tuple[OfflineWorld, ManualClock]) -> None:
    w, clock = world
    await slash(w, 'schedule "Friday standup" 2025-03-07 11:00')
    parts, clients = build_background(w.bot.core)
    assert clients is not None and parts.worker.digests is not None
    other_db = Database.from_url(w.settings.DATABASE_URL)  # a second process's engine
    try:
        await parts.digests.enable(
            w.standin.team_id, ALICE, at=time(8, 30), tz_name=NEW_YORK, send_empty=True
        )

        async def meetings_for(team_id: str, user_id: str, start: datetime, end: datetime):  # type: ignore[no-untyped-def]
            actor = await w.bot.slack.zoom_access.actor_for(await w.bot.slack.people.get(team_id, user_id))
            return await actor.upcoming(start=start, end=end)

        other = DigestSender(DigestStore(other_db), parts.slack, meetings_for, clock=clock.now)
        clock.set(datetime(2025, 3, 7, 13, 31, tzinfo=UTC))
        results = await asyncio.gather(parts.worker.digests.run_once(), other.run_once())
        assert sorted(results) == [0, 1]
        assert len(alice_dms(w)) == 1
    finally:
        await other_db.dispose()
        await clients.aclose()


async def test_enabling_after_todays_time_starts_tomorrow(world: tuple[OfflineWorld, ManualClock]) -> None:
    w, clock = world
    parts, clients = build_background(w.bot.core)
    assert clients is not None and parts.worker.digests is not None
    try:
        clock.set(datetime(2025, 3, 7, 15, 0, tzinfo=UTC))  # 10:00 in New York, after 08:30
        await parts.digests.enable(
            w.standin.team_id, ALICE, at=time(8, 30), tz_name=NEW_YORK, send_empty=True
        )
        assert await parts.worker.digests.run_once() == 0
        clock.set(datetime(2025, 3, 10, 12, 30, tzinfo=UTC))
        assert await parts.worker.digests.run_once() == 1  # an empty digest, as asked
        assert "No Zoom meetings today" in alice_dms(w)[-1].all_text()
    finally:
        await clients.aclose()


async def test_a_refused_digest_says_so_in_the_dm(tmp_path: Path) -> None:
    # Account mode, and Slack shows no e-mail for erin: zoombot refuses to guess her Zoom user.
    clock = ManualClock(datetime(2025, 3, 7, 12, 0, tzinfo=UTC))
    async with checked_world(tmp_path, clock=clock, account_mode=True) as w:
        w.standin.add_user("U0ERIN", "erin", None, tz=NEW_YORK)
        parts, clients = build_background(w.bot.core)
        assert clients is not None and parts.worker.digests is not None
        try:
            await parts.digests.enable(w.standin.team_id, "U0ERIN", at=time(8, 30), tz_name=NEW_YORK)
            clock.set(datetime(2025, 3, 7, 13, 30, tzinfo=UTC))
            assert await parts.worker.digests.run_once() == 1
            [notice] = [m for m in w.standin.messages_in(w.standin.dm_channel("U0ERIN")) if m.kind == "post"]
            assert "`/zoom list today` tries again and explains what went wrong" in notice.all_text()
        finally:
            await clients.aclose()
