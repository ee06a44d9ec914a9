"""Fixtures for reminder tests: a Slack stand-in on loopback, a Slack client for it, a manual clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox.slack_standin import SlackStandin
from bot.sandbox.zoom_simulator.clock import ManualClock
from bot.slack.outbox import SlackOut
from tests.reminders.helpers import CHANNELS, OWNER, TEAM


@pytest.fixture
async def standin() -> AsyncIterator[SlackStandin]:
    slack = SlackStandin("test-signing-secret", team_id=TEAM)
    slack.add_user(OWNER, "owner", "owner@example.com", tz="America/New_York")
    for channel in CHANNELS:
        slack.add_channel(channel, channel.lower())
    async with slack.serve():
        yield slack


@pytest.fixture
async def slack_out(standin: SlackStandin) -> AsyncIterator[SlackOut]:
    async with aiohttp.ClientSession() as session:
        client = AsyncWebClient(token=standin.bot_token, base_url=standin.api_url, session=session)

        async def client_for(team_id: str) -> Any:
            return client

        yield SlackOut(client_for, timeout=2.0)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2025, 6, 2, 14, 0, tzinfo=UTC))
