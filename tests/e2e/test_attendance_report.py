"""`/zoom report <meeting-id>`: a past meeting's attendance on demand, in either mode, with Zoom's
rules: the list exists only minutes after the end, only the host (or the account) reads it,
names and never e-mails are shown."""

from __future__ import annotations

from datetime import timedelta

from bot.sandbox.world import ACCOUNT_ID, OfflineWorld
from tests.e2e.test_commands import ALICE, BOB, reply_to, schedule, texts

PAST = "GET /v2/past_meetings/{meetingId}/participants"
REPORT = "GET /v2/report/meetings/{meetingId}/participants"


def hold_a_meeting(w: OfflineWorld, meeting_id: int) -> None:
    w.sim.start_meeting(meeting_id)
    for name in ("bob", "carol", "Guest Person"):
        w.sim.join_meeting(meeting_id, name)
    w.sim.leave_meeting(meeting_id, "bob")
    w.sim.join_meeting(meeting_id, "bob")  # bob drops and rejoins: one person, two stays
    w.sim.end_meeting_now(meeting_id)


async def test_the_host_sees_who_came_once_zoom_has_the_list(linked_world: OfflineWorld) -> None:
    w = linked_world
    w.sim.report_delay = timedelta(minutes=10)
    meeting = await schedule(w, ALICE, "alice@example.com", '"Retro" tomorrow 3pm')
    hold_a_meeting(w, meeting.id)
    early = texts(await reply_to(w, ALICE, f"report {meeting.id}"))
    assert "3001" in early and "What to do" in early  # Zoom has no list yet
    w.sim.report_delay = timedelta(0)
    body = texts(await reply_to(w, ALICE, f"report {meeting.id}"))
    assert "3 people" in body and "median" in body and "in all" in body
    for name in ("Bob Example", "Carol Example", "Guest Person"):
        assert name in body and body.count(name) >= 1
    assert "@example.com" not in body and "guest.example.net" not in body  # names only
    assert body.count("Bob Example (") == 1  # his two stays are one line
    assert w.sim.stats.get(PAST, 0) == 2


async def test_someone_elses_meeting_is_not_reported(linked_world: OfflineWorld) -> None:
    w = linked_world
    w.sim.report_delay = timedelta(0)
    # Bob links too and holds his own meeting; Alice asks for it.
    await w.link("bob")
    meeting = await schedule(w, BOB, "bob@example.com", '"Bob 1:1" tomorrow 2pm')
    hold_a_meeting(w, meeting.id)
    body = texts(await reply_to(w, ALICE, f"report {meeting.id}"))
    assert "What to do" in body and "Bob Example" not in body


async def test_account_mode_reads_the_report_for_the_callers_own_meeting(account_world: OfflineWorld) -> None:
    w = account_world
    w.sim.report_delay = timedelta(0)
    mine = await schedule(w, BOB, "bob@example.com", '"Planning" tomorrow 9am')
    hold_a_meeting(w, mine.id)
    body = texts(await reply_to(w, BOB, f"report {mine.id}"))
    assert "3 people" in body and "Carol Example" in body
    assert w.sim.stats.get(REPORT, 0) == 1
    # Alice may not read Bob's meeting through the account token: the bot refuses first.
    refused = texts(await reply_to(w, ALICE, f"report {mine.id}"))
    assert "isn't yours" in refused and w.sim.stats.get(REPORT, 0) == 1
    w.sim.accounts[ACCOUNT_ID].plan = "basic"
    basic = texts(await reply_to(w, BOB, f"report {mine.id}"))
    assert "No permission" in basic


async def test_a_bad_meeting_id_gets_the_usage_line(linked_world: OfflineWorld) -> None:
    w = linked_world
    answer = str((await w.driver.slash(ALICE, "C0GENERAL", "report next tuesday")).json())
    assert "/zoom report &lt;meeting-id&gt;" in answer
    assert w.sim.stats.get(PAST, 0) == 0
