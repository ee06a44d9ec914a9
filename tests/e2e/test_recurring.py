"""Recurring meetings end to end: signed `/zoom schedule … every …` → bot → Zoom simulator → Slack."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.sandbox.world import OfflineWorld, offline_world
from bot.sandbox.zoom_simulator import ManualClock
from bot.services.reminders import ReminderView
from tests.e2e.conftest import assert_all_payloads_valid
from tests.e2e.test_commands import ALICE, GENERAL, reply_to, schedule, texts
from tests.reminders.helpers import reminder_ids_posted

NEW_YORK = ZoneInfo("America/New_York")
# Monday 2026-03-02, 10:00 in New York: the first weekday 9am is Tuesday's; DST starts Sun 8 Mar.
START = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
async def clocked(tmp_path: Path) -> AsyncIterator[tuple[OfflineWorld, ManualClock]]:
    clock = ManualClock(START)
    async with offline_world(tmp_path, clock=clock, reminder_options={"poll_seconds": 0.1}) as w:
        page = await w.link("alice")
        assert page.status_code == 200, page.text
        yield w, clock
        assert_all_payloads_valid(w)


async def test_a_weekday_standup_is_one_type_8_meeting_with_zooms_recurrence(
    clocked: tuple[OfflineWorld, ManualClock],
) -> None:
    w, _ = clocked
    replies = await reply_to(w, ALICE, 'schedule "Standup" every weekday 9am for 15m')
    body = texts(replies)
    assert "Scheduled a series: every weekday at 9am, 60 times (Zoom's maximum for a series)" in body
    assert "x10" in body  # how to end it sooner
    (meeting,) = w.sim.meetings_of("alice@example.com")
    assert meeting.type == 8 and meeting.duration == 15 and meeting.timezone == "America/New_York"
    assert meeting.recurrence == {
        "type": 2,
        "repeat_interval": 1,
        "weekly_days": "2,3,4,5,6",
        "end_times": 60,
    }
    local = [o.start_time.astimezone(NEW_YORK) for o in meeting.occurrences]
    assert len(local) == 60 and local[0] == datetime(2026, 3, 3, 9, 0, tzinfo=NEW_YORK)
    assert {(s.hour, s.minute) for s in local} == {(9, 0)}  # 9am before and after DST
    assert {s.weekday() for s in local} == {0, 1, 2, 3, 4}


async def test_list_and_show_give_the_next_occurrence_and_the_rule(
    clocked: tuple[OfflineWorld, ManualClock],
) -> None:
    w, clock = clocked
    meeting = await schedule(w, ALICE, "alice@example.com", '"Standup" every weekday 9am for 15m x5')
    clock.set(datetime(2026, 3, 4, 15, 0, tzinfo=UTC))  # Wed 10:00: Tue's and Wed's are over
    token = f"<!date^{int(datetime(2026, 3, 5, 14, 0, tzinfo=UTC).timestamp())}^"  # Thu 9am EST
    listed = texts(await reply_to(w, ALICE, "list"))
    assert "*Standup*" in listed and f"Next: {token}" in listed and "repeats every weekday" in listed
    shown = texts(await reply_to(w, ALICE, f"show {meeting.id}"))
    assert f"Next: {token}" in shown and "*Repeats*\\nevery weekday\\n3 left" in shown


async def test_bad_recurrences_get_a_hint_and_create_nothing(linked_world: OfflineWorld) -> None:
    w = linked_world
    for text, words in (
        ('"Standup" every', "how often"),
        ('"Standup" every 0 weeks on fri 3pm', "at least every 1"),
        ("Standup every blursday 9am", "`blursday`"),
    ):
        answer = (await w.driver.slash(ALICE, GENERAL, f"schedule {text}")).json()["text"]  # the ack itself
        assert words in answer and 'Example: `/zoom schedule "Standup" every' in answer, answer
    # Readable, but too long a series for Zoom: refused after reading the caller's zone.
    body = texts(await reply_to(w, ALICE, 'schedule "Standup" every day 9am until 2027-12-31'))
    assert "more than 60" in body and "x60" in body
    assert w.sim.meetings_of("alice@example.com") == []


async def test_move_takes_the_next_occurrence_and_a_rule_moves_the_series(
    clocked: tuple[OfflineWorld, ManualClock],
) -> None:
    w, _ = clocked
    meeting = await schedule(w, ALICE, "alice@example.com", '"Standup" every weekday 9am x5')
    before = [o.start_time for o in meeting.occurrences]
    body = texts(await reply_to(w, ALICE, f"move {meeting.id} tomorrow 11am"))
    assert "Moved only the occurrence of" in body and "rest of the series is unchanged" in body
    after = [o.start_time for o in w.sim.meeting_by_id(meeting.id).occurrences]  # type: ignore[union-attr]
    assert after[0] == datetime(2026, 3, 3, 16, 0, tzinfo=UTC) and after[1:] == before[1:]

    body = texts(await reply_to(w, ALICE, f"move {meeting.id} every 2 weeks on fri 3pm x3"))
    assert "Moved the whole series: now every 2 weeks on Fri at 3pm, 3 times" in body
    moved = w.sim.meeting_by_id(meeting.id)
    assert moved is not None and moved.recurrence == {
        "type": 2,
        "repeat_interval": 2,
        "weekly_days": "6",
        "end_times": 3,
    }
    assert [o.start_time.astimezone(NEW_YORK).day for o in moved.occurrences] == [6, 20, 3]


async def test_cancel_offers_the_next_occurrence_or_all_of_them(
    clocked: tuple[OfflineWorld, ManualClock],
) -> None:
    w, _ = clocked
    meeting = await schedule(w, ALICE, "alice@example.com", '"Standup" every weekday 9am x5')
    confirm = await reply_to(w, ALICE, f"cancel {meeting.id}")
    assert "Cancel all 5 occurrences" in texts(confirm) and "Cancel next only" in texts(confirm)
    before = len(w.standin.messages)
    await w.driver.block_action(ALICE, GENERAL, "cancel_occurrence_confirm", message=confirm[-1])
    done = await w.standin.wait_for(lambda: w.standin.messages[before:] or None, timeout=30)
    assert "on <!date^" in texts(done) and "The other 4 occurrences" in texts(done)
    sim_meeting = w.sim.meeting_by_id(meeting.id)
    assert sim_meeting is not None and not sim_meeting.deleted
    assert [o.status for o in sim_meeting.occurrences] == ["deleted"] + ["available"] * 4

    confirm = await reply_to(w, ALICE, f"cancel {meeting.id}")
    assert "Cancel all 4 occurrences" in texts(confirm)
    before = len(w.standin.messages)
    await w.driver.block_action(ALICE, GENERAL, "cancel_meeting_confirm", message=confirm[-1])
    done = await w.standin.wait_for(lambda: w.standin.messages[before:] or None, timeout=30)
    assert "the whole series, all 4 occurrences" in texts(done)
    assert sim_meeting.deleted


async def test_a_reminder_fires_for_each_occurrence_in_turn(
    clocked: tuple[OfflineWorld, ManualClock],
) -> None:
    w, clock = clocked
    meeting = await schedule(w, ALICE, "alice@example.com", '"Standup" every weekday 9am for 15m x3')
    body = texts(await reply_to(w, ALICE, f"remind {meeting.id} 10m"))
    assert "again before each later occurrence" in body
    first, second, _ = (o.start_time for o in meeting.occurrences)
    reminders = w.bot.slack.reminders
    assert reminders is not None
    (armed,) = await reminders.list_for(w.standin.team_id, ALICE)
    assert armed.fire_at == first - timedelta(minutes=10)

    def posts() -> list[int]:
        return reminder_ids_posted(w.standin)

    async def next_armed() -> ReminderView:
        # The post reaches Slack a moment before its row is recorded (and the next one written).
        for _ in range(100):
            pending = await reminders.list_for(w.standin.team_id, ALICE)
            if pending and pending[0].id != armed.id:
                (found,) = pending
                return found
            await asyncio.sleep(0.05)
        raise AssertionError("the reminder was not re-armed")

    clock.set(first - timedelta(minutes=10))
    await w.standin.wait_for(lambda: posts() or None, timeout=30)
    rearmed = await next_armed()
    assert rearmed.fire_at == second - timedelta(minutes=10) and rearmed.repeats

    clock.set(second - timedelta(minutes=10))
    await w.standin.wait_for(lambda: posts() if len(posts()) == 2 else None, timeout=30)
    assert posts() == [armed.id, rearmed.id]
    channel_posts = [m for m in w.standin.messages_in(GENERAL) if m.kind == "post"]
    assert len(channel_posts) == 2 and all("Standup" in m.all_text() for m in channel_posts)


async def test_an_occurrence_moved_in_zoom_takes_its_reminder_along(
    clocked: tuple[OfflineWorld, ManualClock],
) -> None:
    w, _ = clocked
    meeting = await schedule(w, ALICE, "alice@example.com", '"Standup" every weekday 9am x3')
    await reply_to(w, ALICE, f"remind {meeting.id} 10m")
    first = meeting.occurrences[0]
    old_start = first.start_time
    first.start_time = old_start + timedelta(hours=2)  # the host moved it in Zoom's web portal
    answer = await w.sim.send_webhook(
        f"{w.bot_url}/zoom/webhooks",
        w.settings.ZOOM_WEBHOOK_SECRET_TOKEN or "",
        "meeting.updated",
        meeting_id=meeting.id,
        occurrence_id=first.occurrence_id,
        old_values={"start_time": old_start.strftime("%Y-%m-%dT%H:%M:%SZ")},
        timestamp=int(time.time()),  # signed now: the bot checks it against its wall clock
    )
    assert answer.status_code == 200
    reminders = w.bot.slack.reminders
    for _ in range(100):
        (view,) = await reminders.list_for(w.standin.team_id, ALICE)
        if view.fire_at != old_start - timedelta(minutes=10):
            break
        await asyncio.sleep(0.05)
    assert view.fire_at == first.start_time - timedelta(minutes=10) and view.repeats
