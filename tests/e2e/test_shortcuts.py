"""Shortcuts end to end over signed requests: "Schedule a Zoom meeting" opens the same form as
`/zoom schedule`; "Zoom meeting about this" starts a meeting named after the message, its live
card in that message's thread."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.sandbox.world import OfflineWorld
from tests.e2e.test_commands import ALICE, BOB, GENERAL, texts
from tests.e2e.test_live_meetings import card_says, fire, wait_tracked


async def test_the_global_shortcut_opens_the_schedule_form_and_it_schedules(
    linked_world: OfflineWorld,
) -> None:
    w = linked_world
    response = await w.driver.shortcut(ALICE, "schedule_meeting")
    assert response.status_code == 200
    view = await w.standin.wait_for(lambda: next(iter(w.standin.views), None), timeout=30)
    day = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    before = len(w.standin.messages)
    submitted = await w.driver.view_submission(
        ALICE,
        view,
        {
            "topic": {"topic_input": {"type": "plain_text_input", "value": "From the shortcut"}},
            "date": {"date_picker": {"type": "datepicker", "selected_date": day}},
            "time": {"time_picker": {"type": "timepicker", "selected_time": "11:00"}},
            "duration": {"duration_select": {"type": "static_select", "selected_option": {"value": "30"}}},
        },
    )
    assert submitted.status_code == 200
    await w.standin.wait_for(lambda: len(w.standin.messages) > before or None, timeout=30)
    (meeting,) = w.sim.meetings_of("alice@example.com")
    assert meeting.topic == "From the shortcut" and meeting.duration == 30


async def test_a_meeting_about_a_message_lives_in_its_thread(linked_world: OfflineWorld) -> None:
    w = linked_world
    message, _ = await w.driver.post_message(
        BOB, GENERAL, "*Q3 roadmap* — can we talk it through?\nagenda below"
    )
    before = len(w.standin.messages)
    response = await w.driver.message_shortcut(ALICE, "meeting_about_message", message)
    assert response.status_code == 200
    card = await w.standin.wait_for(
        lambda: next((m for m in w.standin.messages[before:] if m.thread_ts == message.ts), None), timeout=30
    )
    (meeting,) = w.sim.meetings_of("alice@example.com")
    assert meeting.topic == "Q3 roadmap — can we talk it through?"
    assert "Q3 roadmap" in texts([card]) and "Join" in texts([card]) and "/s/" not in texts([card])
    # The live card follows the meeting from the thread, as it does in the channel.
    await wait_tracked(w, meeting.id)
    await fire(w, "meeting.started", meeting.id)
    assert "in progress" in await card_says(w, card, "in progress")


async def test_an_unlinked_person_is_told_to_link_and_nothing_is_created(linked_world: OfflineWorld) -> None:
    w = linked_world
    message, _ = await w.driver.post_message(ALICE, GENERAL, "standup?")
    before = len(w.standin.messages)
    await w.driver.message_shortcut(BOB, "meeting_about_message", message)
    reply = await w.standin.wait_for(
        lambda: next((m for m in w.standin.messages[before:] if "link" in (m.text or "").lower()), None),
        timeout=30,
    )
    assert reply.kind == "response" and "Zoom isn't linked yet" in texts([reply])
    assert w.sim.meetings_of("bob@example.com") == []
