"""Account mode (Server-to-Server OAuth): no linking, Slack e-mail → Zoom user, admin commands."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox.world import OfflineWorld
from tests.e2e.conftest import assert_all_payloads_valid
from tests.e2e.test_commands import ALICE, BOB, reply_to, schedule, texts
from tests.kit.checked_world import checked_world


@pytest.fixture
async def account_world(tmp_path: Path) -> AsyncIterator[OfflineWorld]:
    async with checked_world(tmp_path, account_mode=True) as w:
        yield w
        assert_all_payloads_valid(w)


async def test_no_link_needed_and_meetings_go_to_the_mapped_user(account_world: OfflineWorld) -> None:
    w = account_world
    assert "No linking needed" in texts(await reply_to(w, BOB, "link"))
    await reply_to(w, BOB, 'schedule "Bob plans" tomorrow 10am')
    assert [m.topic for m in w.sim.meetings_of("bob@example.com")] == ["Bob plans"]
    assert w.sim.meetings_of("alice@example.com") == []
    assert "Bob plans" in texts(await reply_to(w, BOB, "list"))


async def test_someone_elses_meeting_is_not_yours(account_world: OfflineWorld) -> None:
    w = account_world
    meeting = await schedule(w, ALICE, "alice@example.com", '"Alice only" tomorrow 10am')
    body = texts(await reply_to(w, BOB, f"cancel {meeting.id}"))
    assert "What to do" in body
    assert len(w.sim.meetings_of("alice@example.com")) == 1


async def test_admin_commands_for_zoom_admins_only(account_world: OfflineWorld) -> None:
    w = account_world
    listing = texts(await reply_to(w, ALICE, "users"))  # alice is the Zoom account owner
    assert "bob@example.com" in listing and "carol@example.com" in listing
    assert "Europe/Berlin" in texts(await reply_to(w, ALICE, "user bob@example.com"))
    refused = texts(await reply_to(w, BOB, "users"))  # bob is a member
    assert "What to do" in refused and "carol@example.com" not in refused


async def test_unknown_slack_email_gets_the_user_hint(account_world: OfflineWorld) -> None:
    w = account_world
    w.standin.add_user("U0DAVE", "dave", "dave@elsewhere.example", tz="UTC")
    body = texts(await reply_to(w, "U0DAVE", "list"))
    assert "What to do" in body and "1001" in body


async def test_users_in_user_mode_explains_account_mode(linked_world: OfflineWorld) -> None:
    response = await linked_world.driver.slash(ALICE, "C0GENERAL", "users")
    body = (
        str(response.json())
        if response.content
        else texts(
            await linked_world.standin.wait_for(lambda: linked_world.standin.messages[-1:] or None, timeout=5)
        )
    )
    assert "account mode" in body.lower() or "ZOOM_ACCOUNT_ID" in body
