"""`/zoom remind`, `/zoom reminders`, `/zoom digest` through the real bot."""

from __future__ import annotations

from datetime import timedelta

from bot.sandbox.world import OfflineWorld
from tests.e2e.test_commands import ALICE, reply_to, schedule, texts


async def test_remind_list_cancel_and_follow_the_meeting(linked_world: OfflineWorld) -> None:
    w = linked_world
    meeting = await schedule(w, ALICE, "alice@example.com", '"Standup" tomorrow 9am for 15m')
    body = texts(await reply_to(w, ALICE, f"remind {meeting.id} 15m <#C0DESIGN|design>"))
    assert "Reminder *#" in body and "<#C0DESIGN>" in body
    listed = texts(await reply_to(w, ALICE, "reminders"))
    assert "Standup" in listed and "15 min before" in listed

    (view,) = await w.bot.slack.reminders.list_for(w.standin.team_id, ALICE)
    assert view.fire_at == meeting.start_time.replace(microsecond=0) - timedelta(minutes=15)

    await reply_to(w, ALICE, f"move {meeting.id} tomorrow 11am")
    (moved,) = await w.bot.slack.reminders.list_for(w.standin.team_id, ALICE)
    assert moved.fire_at > view.fire_at  # the reminder followed the meeting

    cancelled = texts(await reply_to(w, ALICE, f"reminders cancel {moved.id}"))
    assert "cancelled" in cancelled
    assert await w.bot.slack.reminders.list_for(w.standin.team_id, ALICE) == []


async def test_remind_with_a_bare_channel_name_is_refused(linked_world: OfflineWorld) -> None:
    w = linked_world
    meeting = await schedule(w, ALICE, "alice@example.com", '"Sync" tomorrow 9am')
    body = texts(await reply_to(w, ALICE, f"remind {meeting.id} 10m #design"))
    assert "autocomplete" in body
    assert await w.bot.slack.reminders.list_for(w.standin.team_id, ALICE) == []


async def test_cancelling_the_meeting_cancels_its_reminders(linked_world: OfflineWorld) -> None:
    w = linked_world
    meeting = await schedule(w, ALICE, "alice@example.com", '"Gone" tomorrow 9am')
    await reply_to(w, ALICE, f"remind {meeting.id}")
    confirm = await reply_to(w, ALICE, f"cancel {meeting.id}")
    before = len(w.standin.messages)
    await w.driver.block_action(ALICE, "C0GENERAL", "cancel_meeting_confirm", message=confirm[-1])
    await w.standin.wait_for(lambda: len(w.standin.messages) > before or None, timeout=30)
    assert await w.bot.slack.reminders.list_for(w.standin.team_id, ALICE) == []


async def test_digest_on_and_off(linked_world: OfflineWorld) -> None:
    w = linked_world
    assert "08:15" in texts(await reply_to(w, ALICE, "digest on 08:15"))
    assert "Digest off" in texts(await reply_to(w, ALICE, "digest off"))
