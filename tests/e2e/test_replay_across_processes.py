"""A signed Slack request is admitted once across every bot process sharing the database.

Slack signs each request once; a captured command stays correctly signed for five minutes.
Before the replay memory was shared, the same `/zoom new` bytes sent to a second process
were admitted there too and made a second meeting.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

from bot.sandbox.slack_standin.driver import sign
from bot.sandbox.world import SIGNING_SECRET, OfflineWorld
from tests.e2e.conftest import assert_all_payloads_valid
from tests.kit.checked_world import checked_world
from tests.kit.sibling import sibling_bot

GENERAL = "C0GENERAL"


def new_meeting_command(world: OfflineWorld, user_id: str) -> bytes:
    """The form body Slack sends for `/zoom new Replayed` (as SlackDriver.slash builds it)."""
    me = world.standin.identity
    fields = [
        ("token", "standin-verification-token"),
        ("team_id", me.team_id),
        ("team_domain", me.team_domain),
        ("channel_id", GENERAL),
        ("channel_name", "general"),
        ("user_id", user_id),
        ("user_name", "alice"),
        ("command", "/zoom"),
        ("text", "new Replayed"),
        ("api_app_id", me.app_id),
        ("is_enterprise_install", "false"),
        ("response_url", world.standin.issue_response_url(GENERAL, user_id, None)),
        ("trigger_id", world.standin.issue_trigger_id(user_id)),
    ]
    return urlencode(fields).encode("ascii")


async def test_the_same_signed_command_sent_to_two_processes_runs_once(db_url: str, tmp_path: Path) -> None:
    async with checked_world(tmp_path / "a", database_url=db_url) as world:
        assert (await world.link("alice")).status_code == 200
        alice = world.person("alice")
        async with sibling_bot(world, tmp_path / "b") as sibling_url:
            body = new_meeting_command(world, alice.slack_id)
            ts = int(time.time())
            headers = {
                "content-type": "application/x-www-form-urlencoded",
                "x-slack-request-timestamp": str(ts),
                "x-slack-signature": sign(body, ts, SIGNING_SECRET),
            }
            async with httpx.AsyncClient(timeout=10) as client:
                first = await client.post(f"{world.bot_url}/slack/events", content=body, headers=headers)
                replayed = await client.post(f"{sibling_url}/slack/events", content=body, headers=headers)
            assert first.status_code == 200, first.text
            assert replayed.status_code == 401, replayed.text
            await world.standin.wait_for(
                lambda: next((m for m in world.standin.messages_in(GENERAL) if m.kind == "post"), None),
                timeout=10,
            )
        # The sibling is stopped: whatever it had started is over, so the count is final.
        assert [m.topic for m in world.sim.meetings_of(alice.email)] == ["Replayed"]
        assert_all_payloads_valid(world)
