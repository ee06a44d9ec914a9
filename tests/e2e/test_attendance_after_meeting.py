"""Attendance after the meeting, end to end: `meeting.ended` reaches the real bot as a signed webhook,
a job waits in the database until Zoom (the simulator, answering 3001 until ``report_delay`` has
passed) has the participant list, then one post goes into the Join card's thread — or, in a private
conversation, to the card's author first with a Share button. The clock is a manual one; the worker
runs only when a test asks it to catch up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.compose import Bot, build_bot
from bot.sandbox.slack_standin import Message
from bot.sandbox.world import ACCOUNT_ID, OfflineWorld
from bot.sandbox.zoom_simulator import ManualClock
from bot.store.attendance_jobs import AttendanceJobStore
from tests.e2e.conftest import alice_linked, assert_all_payloads_valid
from tests.e2e.test_live_meetings import GENERAL, fire, new_meeting
from tests.kit.checked_world import checked_world

PAST = "GET /v2/past_meetings/{meetingId}/participants"
REPORT = "GET /v2/report/meetings/{meetingId}/participants"
NEVER = 3600.0  # the worker does not tick on its own here: each test catches it up
OPTIONS = {"poll_seconds": NEVER, "digest_seconds": NEVER, "card_update_seconds": 1.0}


@pytest.fixture
async def world(tmp_path: Path, clock: ManualClock) -> AsyncIterator[OfflineWorld]:
    async with alice_linked(tmp_path, clock, reminder_options=OPTIONS) as w:
        yield w


async def hold_meeting(
    world: OfflineWorld, clock: ManualClock, meeting_id: int, uuid: str | None = None
) -> None:
    """Bob (who drops and rejoins) and a guest attend for half an hour; then the host ends it."""
    await fire(world, "meeting.started", meeting_id, **({"uuid": uuid} if uuid else {}))
    await fire(world, "meeting.participant_joined", meeting_id, name="bob")
    await fire(world, "meeting.participant_joined", meeting_id, name="Guest Person")
    clock.advance(5 * 60)
    await fire(world, "meeting.participant_left", meeting_id, name="bob")
    await fire(world, "meeting.participant_joined", meeting_id, name="bob")
    clock.advance(25 * 60)
    await fire(world, "meeting.ended", meeting_id)
    await world.events_acted_on()


async def later(world: OfflineWorld, clock: ManualClock, minutes: float) -> None:
    clock.advance(minutes * 60)
    await world.reminders_caught_up()


def thread(world: OfflineWorld, card: Message) -> list[Message]:
    return world.standin.thread_replies(card.channel, card.ts)


async def test_attendance_comes_into_the_thread_once_zoom_has_it_and_only_once(
    world: OfflineWorld, clock: ManualClock
) -> None:
    world.sim.report_delay = timedelta(minutes=5)
    meeting_id, card = await new_meeting(world, "Standup")
    # A UUID Zoom wants double-encoded in the path (it starts with "/" and holds "//").
    await hold_meeting(world, clock, meeting_id, uuid="/Rm+x//q9ZtWm6sKgEhq==")
    await later(world, clock, 2)  # the first try: Zoom answers 3001, nothing is posted
    assert world.sim.stats.get(PAST, 0) == 1 and thread(world, card) == []
    await later(world, clock, 4)  # the second try, four minutes on: Zoom has the list
    [post] = thread(world, card)
    text = post.all_text()
    assert "Attendance: Standup" in text and "2 people" in text and "median" in text and "in all" in text
    assert "Bob Example" in text and "Guest Person" in text and text.count("Bob Example (") == 1
    assert "@example.com" not in str(post.blocks) and "@" not in (post.text or "")  # names, never e-mails
    for _ in range(3):
        await later(world, clock, 30)
    assert len(thread(world, card)) == 1 and world.sim.stats.get(PAST, 0) == 2
    [job] = await AttendanceJobStore(world.bot.db).for_meeting(meeting_id)
    assert job.status == "posted" and job.attempts == 2


async def test_two_processes_post_it_once_and_a_fresh_process_picks_up_the_job(
    world: OfflineWorld, clock: ManualClock
) -> None:
    world.sim.report_delay = timedelta(0)
    raced, raced_card = await new_meeting(world, "Raced")
    await hold_meeting(world, clock, raced)
    other: Bot = await build_bot(world.settings, clock=clock.now, reminder_options=OPTIONS)
    try:
        clock.advance(2 * 60)
        # Both processes look for due jobs at the same moment, on the same database.
        await asyncio.gather(world.bot.worker.catch_up(), other.worker.catch_up())
        assert len(thread(world, raced_card)) == 1 and world.sim.stats.get(PAST, 0) == 1

        # A job outlives the process that scheduled it: only the other process runs this one.
        kept, kept_card = await new_meeting(world, "Kept")
        await hold_meeting(world, clock, kept)
        clock.advance(2 * 60)
        await other.worker.catch_up()
        assert "Attendance: Kept" in thread(world, kept_card)[0].all_text()
        await world.reminders_caught_up()
        assert len(thread(world, kept_card)) == 1 and len(thread(world, raced_card)) == 1
    finally:
        await other.runtime.aclose()


async def test_a_private_channel_sends_it_to_the_host_first_with_a_share_button(
    world: OfflineWorld, clock: ManualClock
) -> None:
    world.sim.report_delay = timedelta(0)
    world.standin.add_channel("G0SECRET", "secret-project", is_private=True)
    meeting_id, card = await new_meeting(world, "Secret sync", channel="G0SECRET")
    await hold_meeting(world, clock, meeting_id)
    await later(world, clock, 2)
    alice, bob = world.person("alice").slack_id, world.person("bob").slack_id
    dm = world.standin.dm_channel(alice)
    [host_copy] = [m for m in world.standin.messages_in(dm) if "Attendance: Secret sync" in m.all_text()]
    assert "only you see this until you share it" in host_copy.all_text()
    assert thread(world, card) == []

    await world.driver.block_action(bob, dm, "share_attendance_in_thread", message=host_copy)
    refusal = await world.standin.wait_for(
        lambda: next((m for m in world.standin.messages if "can share its attendance" in m.all_text()), None)
    )
    assert refusal.is_ephemeral and thread(world, card) == []

    await world.driver.block_action(alice, dm, "share_attendance_in_thread", message=host_copy)
    [shared] = await world.standin.wait_for(lambda: thread(world, card), timeout=30)
    assert "Attendance: Secret sync" in shared.all_text() and "Bob Example" in shared.all_text()
    assert "only you see this" not in shared.all_text()
    assert not any(b.get("type") == "actions" for b in shared.blocks or [])
    await world.standin.wait_for(
        lambda: next(
            (m for m in world.standin.messages if m.replace_original and "Shared in" in m.all_text()), None
        )
    )


async def slash(world: OfflineWorld, who: str, text: str, channel: str = GENERAL) -> str:
    """What `/zoom <text>` showed: the channel notice (posted first, if any) and the private reply."""
    before = len(world.standin.messages)
    answer = await world.driver.slash(world.person(who).slack_id, channel, text)
    assert answer.status_code == 200
    await world.standin.wait_for(
        lambda: next((m for m in world.standin.messages[before:] if m.is_ephemeral), None), timeout=15
    )
    return "\n".join(m.all_text() for m in world.standin.messages[before:])


async def test_a_channel_can_turn_it_off_and_on_and_everyone_there_sees_who_did(
    world: OfflineWorld, clock: ManualClock
) -> None:
    world.sim.report_delay = timedelta(0)
    bob = world.person("bob").slack_id
    said = await slash(world, "bob", "attendance off")
    assert "now off" in said and f"<@{bob}> turned attendance off" in said
    notice = next(m for m in world.standin.messages_in(GENERAL) if "turned attendance off" in m.all_text())
    assert not notice.is_ephemeral
    assert "off" in await slash(world, "alice", "attendance") and f"<@{bob}>" in await slash(
        world, "alice", "attendance"
    )

    quiet, quiet_card = await new_meeting(world, "Quiet")
    await hold_meeting(world, clock, quiet)
    await later(world, clock, 5)
    assert thread(world, quiet_card) == [] and world.sim.stats.get(PAST, 0) == 0
    assert await AttendanceJobStore(world.bot.db).for_meeting(quiet) == []

    assert "now on" in await slash(world, "alice", "attendance on")
    assert "already" not in (again := await slash(world, "alice", "attendance on")) and "is on" in again
    loud, loud_card = await new_meeting(world, "Loud")
    await hold_meeting(world, clock, loud)
    await later(world, clock, 2)
    assert "Attendance: Loud" in thread(world, loud_card)[0].all_text()

    wrong = str((await world.driver.slash(bob, GENERAL, "attendance sideways")).json())
    assert "/zoom attendance on|off" in wrong and "Say `on` or `off`" in wrong


async def test_when_zoom_never_has_the_list_the_thread_is_told_after_an_hour(
    world: OfflineWorld, clock: ManualClock
) -> None:
    world.sim.report_delay = timedelta(hours=3)
    meeting_id, card = await new_meeting(world, "Slow")
    await hold_meeting(world, clock, meeting_id)
    for _ in range(29):  # up to 58 minutes after the end: tries at 2, 6, 14 and 30 minutes
        await later(world, clock, 2)
    assert thread(world, card) == [] and world.sim.stats.get(PAST, 0) == 4
    await later(world, clock, 2)  # an hour: the last try, then the thread is told
    [post] = thread(world, card)
    assert "no attendance for *Slow* an hour after it ended" in post.all_text()
    assert "/zoom report" in post.all_text() and world.sim.stats.get(PAST, 0) == 5
    await later(world, clock, 60)
    assert len(thread(world, card)) == 1


async def test_a_refusal_the_host_must_fix_goes_only_to_the_host(
    world: OfflineWorld, clock: ManualClock
) -> None:
    world.sim.report_delay = timedelta(0)
    world.sim.accounts[ACCOUNT_ID].plan = "basic"  # Zoom keeps participant lists for paid plans
    meeting_id, card = await new_meeting(world, "Free plan")
    await hold_meeting(world, clock, meeting_id)
    await later(world, clock, 2)
    dm = world.standin.dm_channel(world.person("alice").slack_id)
    [told] = [m for m in world.standin.messages_in(dm) if "No attendance for Free plan" in m.all_text()]
    assert "Only available for paid account" in told.all_text() and "/zoom attendance off" in told.all_text()
    await later(world, clock, 30)
    assert thread(world, card) == [] and world.sim.stats.get(PAST, 0) == 1


async def test_account_mode_reads_the_report_for_the_hosts_own_meeting(tmp_path: Path) -> None:
    clock = ManualClock(datetime.now(UTC).replace(microsecond=0))
    async with checked_world(tmp_path, clock=clock, reminder_options=OPTIONS, account_mode=True) as w:
        w.sim.report_delay = timedelta(0)
        meeting_id, card = await new_meeting(w, "Planning")
        await hold_meeting(w, clock, meeting_id)
        await later(w, clock, 2)
        [post] = thread(w, card)
        assert "Attendance: Planning" in post.all_text() and "Guest Person" in post.all_text()
        assert w.sim.stats.get(REPORT, 0) == 1 and w.sim.stats.get(PAST, 0) == 0
        assert_all_payloads_valid(w)
