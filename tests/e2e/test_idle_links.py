"""Idle links stay alive: the bot refreshes links nobody used for 60 days, and says once when Zoom
refuses. The real bot over HTTP on a manual clock, the simulator (refresh tokens die after 90
unused days), the Slack stand-in; SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.sandbox.slack_standin import Message
from bot.sandbox.world import OfflineWorld
from bot.sandbox.zoom_simulator import ManualClock
from bot.slack.views import ACTION_HOME_LINK
from tests.e2e.conftest import assert_all_payloads_valid
from tests.e2e.test_commands import ALICE, reply_to, texts
from tests.kit.checked_world import checked_world

START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
REFRESH = "POST /oauth/token:refresh_token"
ALICE_EMAIL = "alice@example.com"


@pytest.fixture
async def clocked(db_url: str, tmp_path: Path) -> AsyncIterator[tuple[OfflineWorld, ManualClock]]:
    clock = ManualClock(START)
    # Housekeeping (which starts a due sweep) on every digest tick, five times a second.
    options = {"digest_seconds": 0.2}
    async with checked_world(tmp_path, clock=clock, database_url=db_url, reminder_options=options) as w:
        page = await w.link("alice")
        assert page.status_code == 200, page.text
        yield w, clock
        assert_all_payloads_valid(w)


def relink_notices(world: OfflineWorld) -> list[Message]:
    dm = world.standin.dm_channel(ALICE)
    return [
        m for m in world.standin.messages_in(dm) if "Your Zoom link has stopped working" in (m.text or "")
    ]


async def test_a_link_used_less_than_every_90_days_is_kept_alive_by_the_background_refresh(
    clocked: tuple[OfflineWorld, ManualClock],
) -> None:
    world, clock = clocked
    refreshes = world.sim.stats.get(REFRESH, 0)
    clock.advance(timedelta(days=61).total_seconds())  # idle: the worker's next tick sweeps
    await world.standin.wait_for(lambda: world.sim.stats.get(REFRESH, 0) > refreshes or None, timeout=30)
    clock.advance(timedelta(days=61).total_seconds())  # 122 days after linking: the first token is dead
    replies = await reply_to(world, ALICE, "me", timeout=30)
    assert ALICE_EMAIL in texts(replies)
    assert "stopped working" not in texts(replies) and not relink_notices(world)


async def test_a_refused_background_refresh_sends_one_dm_with_a_relink_button_never_again(
    clocked: tuple[OfflineWorld, ManualClock], caplog: pytest.LogCaptureFixture
) -> None:
    world, clock = clocked
    caplog.set_level(logging.INFO)
    world.sim.end_user_grants(world.sim.user(ALICE_EMAIL).id, reason="revoked")  # revoked in Zoom
    clock.advance(timedelta(days=61).total_seconds())
    (notice,) = await world.standin.wait_for(lambda: relink_notices(world) or None, timeout=30)
    assert "Link your Zoom account again" in (notice.text or "")
    idle = world.bot.idle_links
    assert idle is not None
    for _ in range(3):  # later days' sweeps: the dead link is not idle any more, nobody is told again
        clock.advance(timedelta(days=1).total_seconds())
        report = await idle.sweep()
        assert report.looked_at == 0
    assert len(relink_notices(world)) == 1
    assert world.sim.stats[REFRESH] == 1
    # The button starts a fresh link: a new consent link arrives in the DM.
    before = len(world.standin.messages)
    response = await world.driver.block_action(
        ALICE, world.standin.dm_channel(ALICE), ACTION_HOME_LINK, message=notice
    )
    assert response.status_code == 200
    prompt = await world.standin.wait_for(
        lambda: next(
            (m for m in world.standin.messages[before:] if "Link your Zoom account" in (m.text or "")), None
        ),
        timeout=10,
    )
    assert prompt is not None
    for secret in world.sim.issued_secrets():
        assert secret not in caplog.text
