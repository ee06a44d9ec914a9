"""Account mode (Server-to-Server OAuth): no linking, Slack e-mail → Zoom user, admin commands."""

from __future__ import annotations

from bot.sandbox.world import OfflineWorld
from tests.e2e.test_commands import ALICE, BOB, reply_to, texts


async def test_no_link_needed_and_meetings_go_to_the_mapped_user(account_world: OfflineWorld) -> None:
    w = account_world
    assert "No linking needed" in texts(await reply_to(w, BOB, "link"))
    await reply_to(w, BOB, 'schedule "Bob plans" tomorrow 10am')
    assert [m.topic for m in w.sim.meetings_of("bob@example.com")] == ["Bob plans"]
    assert w.sim.meetings_of("alice@example.com") == []
    assert "Bob plans" in texts(await reply_to(w, BOB, "list"))


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
