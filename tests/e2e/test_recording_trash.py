"""Recordings to Zoom's trash and back, end to end: the buttons on `/zoom recordings`, the list of
`/zoom recordings trash` with *Recover*, host-only, double clicks, and Zoom's 30 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.sandbox.slack_standin import Message
from bot.sandbox.world import OfflineWorld
from tests.e2e.test_commands import ALICE, BOB, GENERAL, reply_to, texts

TRASH = "DELETE /v2/meetings/{meetingId}/recordings"
RECOVER = "PUT /v2/meetings/{meetingUUID}/recordings/status"


async def click(w: OfflineWorld, user: str, action_id: str, message: Message) -> str:
    before = len(w.standin.messages)
    response = await w.driver.block_action(user, GENERAL, action_id, None, message=message)
    assert response.status_code == 200
    fresh = await w.standin.wait_for(
        lambda: (
            [m for m in w.standin.messages[before:] if not (m.text or "").startswith(":hourglass")] or None
        ),
        timeout=30,
    )
    return texts(fresh)


async def test_trash_then_recover_from_the_lists(linked_world: OfflineWorld) -> None:
    w = linked_world
    recording = w.sim.add_recording("alice@example.com", "All hands", datetime.now(UTC) - timedelta(days=2))
    [listing] = await reply_to(w, ALICE, "recordings")
    assert "Move to trash" in texts([listing]) and "Keep it" in texts([listing])  # Slack's confirm dialog
    answer = await click(w, ALICE, "recording_trash", listing)
    assert "is in Zoom's trash" in answer and recording.trashed_at is not None
    assert "All hands" not in texts(await reply_to(w, ALICE, "recordings"))
    [trash] = await reply_to(w, ALICE, "recordings trash")
    assert "All hands" in texts([trash]) and "Recover" in texts([trash])
    answer = await click(w, ALICE, "recording_recover", trash)
    assert "back from the trash" in answer and recording.trashed_at is None
    assert "All hands" in texts(await reply_to(w, ALICE, "recordings"))
    assert w.sim.stats.get(TRASH, 0) == 1 and w.sim.stats.get(RECOVER, 0) == 1


async def test_someone_else_is_told_only_the_host_can_and_nothing_changes(linked_world: OfflineWorld) -> None:
    w = linked_world
    recording = w.sim.add_recording("alice@example.com", "Board", datetime.now(UTC) - timedelta(days=1))
    [listing] = await reply_to(w, ALICE, "recordings")
    await w.link("bob")
    answer = await click(w, BOB, "recording_trash", listing)  # e.g. the button in a shared thread
    assert "Only the meeting's host can" in answer and recording.trashed_at is None
    assert w.sim.stats.get(TRASH, 0) == 0


async def test_a_second_click_and_a_stale_button_change_nothing(linked_world: OfflineWorld) -> None:
    w = linked_world
    recording = w.sim.add_recording("alice@example.com", "Demo", datetime.now(UTC) - timedelta(days=3))
    [listing] = await reply_to(w, ALICE, "recordings")
    assert "in Zoom's trash" in await click(w, ALICE, "recording_trash", listing)
    assert "You already answered" in await click(w, ALICE, "recording_trash", listing)
    [again] = await reply_to(w, ALICE, "recordings trash")
    recording.trashed_at = datetime.now(UTC) - timedelta(days=31)
    answer = await click(w, ALICE, "recording_recover", again)
    assert "What to do" in answer and recording.trashed_at is not None
    forged = await w.driver.block_action(ALICE, GENERAL, "recording_recover", "not-a-reference")
    assert forged.status_code == 200
    assert w.sim.stats.get(TRASH, 0) == 1 and w.sim.stats.get(RECOVER, 0) == 0


async def test_the_recording_post_in_a_cards_thread_has_the_button(linked_world: OfflineWorld) -> None:
    from tests.e2e.test_live_meetings import fire, wait_tracked

    w = linked_world
    before = len(w.standin.messages)
    await reply_to(w, ALICE, "new Review")
    (meeting,) = w.sim.meetings_of("alice@example.com")
    await wait_tracked(w, meeting.id)
    recording = w.sim.add_recording(
        "alice@example.com", "Review", datetime.now(UTC) - timedelta(minutes=5), meeting_id=meeting.id
    )
    body = w.sim.webhook_payload("recording.completed", meeting_id=meeting.id)
    assert body["payload"]["object"]["uuid"] == recording.uuid
    await fire(w, "recording.completed", meeting.id)
    post = await w.standin.wait_for(
        lambda: next(
            (m for m in w.standin.messages[before:] if (m.text or "").startswith("Recording ready")), None
        ),
        timeout=30,
    )
    assert post.thread_ts is not None and "Move to trash" in texts([post])
    assert "in Zoom's trash" in await click(w, ALICE, "recording_trash", post)
    assert recording.trashed_at is not None


async def test_without_the_scope_the_button_says_which_scope_is_missing(linked_world: OfflineWorld) -> None:
    w = linked_world
    w.sim.apps[w.settings.ZOOM_CLIENT_ID].scopes.remove("cloud_recording:delete:meeting_recording")
    await w.link("alice")  # a fresh link carries the app's scopes as they are now
    recording = w.sim.add_recording("alice@example.com", "Sync", datetime.now(UTC) - timedelta(days=1))
    [listing] = await reply_to(w, ALICE, "recordings")
    answer = await click(w, ALICE, "recording_trash", listing)
    assert "cloud_recording:delete:meeting_recording" in answer and recording.trashed_at is None


async def test_account_mode_the_host_or_a_zoom_admin_may(account_world: OfflineWorld) -> None:
    w = account_world
    recording = w.sim.add_recording("bob@example.com", "Bob's review", datetime.now(UTC) - timedelta(days=1))
    [listing] = await reply_to(w, BOB, "recordings")
    assert "in Zoom's trash" in await click(w, ALICE, "recording_trash", listing)  # alice owns the account
    assert recording.trashed_at is not None
    [trash] = await reply_to(w, BOB, "recordings trash")
    assert "back from the trash" in await click(w, BOB, "recording_recover", trash)  # the host himself
    assert recording.trashed_at is None
