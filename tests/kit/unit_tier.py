"""Fixtures of the unit tier for handlers and listeners: the Slack port built from real services
(tests/kit/slack_deps.py). Each tier's conftest imports them by name."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.sandbox.zoom_simulator import ManualClock
from bot.slack.deps import SlackDeps
from bot.slack.handlers.caller import Caller
from bot.store.db import Database
from bot.store.vault import TokenVault
from tests.kit.slack_deps import ALICE, GENERAL, TEAM, SlackSide, unit_deps

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in New York


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
async def port(
    db: Database, vault: TokenVault, clock: ManualClock
) -> AsyncIterator[tuple[SlackDeps, SlackSide]]:
    async with unit_deps(db, vault, clock=clock.now) as built:
        yield built


@pytest.fixture
def deps(port: tuple[SlackDeps, SlackSide]) -> SlackDeps:
    return port[0]


@pytest.fixture
def slack(port: tuple[SlackDeps, SlackSide]) -> SlackSide:
    return port[1]


@pytest.fixture
def alice(deps: SlackDeps) -> Caller:
    return Caller(deps=deps, team_id=TEAM, user_id=ALICE, channel_id=GENERAL)
