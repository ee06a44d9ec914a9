"""Times that read two ways are asked, never guessed: the question's buttons complete the command
through the typed command's own path, and a stale or forged click changes nothing. Replies that
create or move a meeting say how the time was read."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.sandbox.slack_standin import Message
from bot.sandbox.world import OfflineWorld
from tests.e2e.test_commands import ALICE, GENERAL, meeting_ids, reply_to, texts

NEW_YORK = ZoneInfo("America/New_York")  # Alice's zone in the offline world


def next_on(month: int, day: int, clock: time) -> datetime:
    """The next ``month``/``day`` at ``clock`` in New York that is still ahead."""
    today = datetime.now(NEW_YORK).date()
    for year in (today.year, today.year + 1):
        moment = datetime.combine(date(year, month, day), clock, tzinfo=NEW_YORK)
        if moment > datetime.now(UTC):
            return moment
    raise AssertionError("unreachable")


async def click(
    world: OfflineWorld, action_id: str, message: Message | None = None, value: str | None = None
) -> str:
    before = len(world.standin.messages)
    response = await world.driver.block_action(ALICE, GENERAL, action_id, value, message=message)
    assert response.status_code == 200
    fresh = await world.standin.wait_for(
        lambda: (
            [m for m in world.standin.messages[before:] if not (m.text or "").startswith(":hourglass")]
            or None
        ),
        timeout=30,
    )
    return texts(fresh)


async def test_an_ambiguous_date_is_asked_and_the_click_schedules_that_reading(
    linked_world: OfflineWorld,
) -> None:
    w = linked_world
    [question] = await reply_to(w, ALICE, 'schedule "Budget" 3/4 2pm for 45m')
    asked = texts([question])
    assert "Did you mean" in asked and "time_choice_0" in asked and "time_choice_1" in asked
    assert meeting_ids(w, "alice@example.com") == []  # nothing made before the answer

    answer = await click(w, "time_choice_1", message=question)  # the day-first reading: 3 April
    assert "Scheduled" in answer and "Read as" in answer
    (meeting,) = w.sim.meetings_of("alice@example.com")
    expected = next_on(4, 3, time(14, 0))
    assert meeting.start_time == expected.astimezone(UTC) and meeting.duration == 45
    assert meeting.topic == "Budget"


async def test_a_clock_outside_working_hours_is_asked(linked_world: OfflineWorld) -> None:
    w = linked_world
    [question] = await reply_to(w, ALICE, 'schedule "Call" tomorrow 7:30')
    assert "Did you mean" in texts([question])
    answer = await click(w, "time_choice_1", message=question)  # the evening
    assert "Scheduled" in answer
    (meeting,) = w.sim.meetings_of("alice@example.com")
    local = meeting.start_time.astimezone(NEW_YORK)
    assert (local.hour, local.minute) == (19, 30)
    assert local.date() == datetime.now(NEW_YORK).date() + timedelta(days=1)


async def test_forged_and_stale_time_buttons_change_nothing(linked_world: OfflineWorld) -> None:
    w = linked_world
    await reply_to(w, ALICE, 'schedule "Keep" tomorrow 11am')
    (meeting_id,) = meeting_ids(w, "alice@example.com")
    for value in (f"cancel {meeting_id}", "list", "not a command", 'schedule "Series" every day 9am'):
        answer = await click(w, "time_choice_0", value=value)
        assert "That button no longer works." in answer
    # A reading whose time has passed by the time of the click is refused like a typed one.
    answer = await click(w, "time_choice_0", value='schedule "Late" 2001-01-01 10:00')
    assert "past" in answer.lower()
    assert meeting_ids(w, "alice@example.com") == [meeting_id]


async def test_replies_echo_how_the_time_was_read(linked_world: OfflineWorld) -> None:
    w = linked_world
    reply = texts(await reply_to(w, ALICE, 'schedule "Design" tomorrow 3-4pm'))
    tomorrow = datetime.now(NEW_YORK).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time(15, 0), tzinfo=NEW_YORK)
    assert f"Read as {start:%a %d %b}, 15:00–16:00 {start:%Z}" in reply
    (meeting,) = w.sim.meetings_of("alice@example.com")
    assert meeting.duration == 60

    moved = texts(await reply_to(w, ALICE, f"move {meeting.id} tomorrow half past 3"))
    assert "Moved" in moved and "15:30–16:30" in moved and "within working hours" in moved


async def test_a_series_without_every_on_the_first_friday_of_the_month(linked_world: OfflineWorld) -> None:
    w = linked_world
    reply = texts(await reply_to(w, ALICE, 'schedule "Town hall" the first friday of every month at 4pm x3'))
    assert "every month on the first Fri" in reply and "Read as" in reply
    (meeting,) = w.sim.meetings_of("alice@example.com")
    starts = [o.start_time.astimezone(NEW_YORK) for o in meeting.occurrences]
    assert len(starts) == 3
    for start in starts:
        assert start.weekday() == 4 and start.day <= 7 and (start.hour, start.minute) == (16, 0)


async def test_a_double_click_on_a_reading_schedules_one_meeting(linked_world: OfflineWorld) -> None:
    """Two clicks on the same question (a double-click, or two devices) race: one meeting, one
    answer, and the other click says it did nothing."""
    w = linked_world
    [question] = await reply_to(w, ALICE, 'schedule "Once" 3/4 2pm for 30m')
    before = len(w.standin.messages)
    first, second = await asyncio.gather(
        w.driver.block_action(ALICE, GENERAL, "time_choice_0", message=question),
        w.driver.block_action(ALICE, GENERAL, "time_choice_1", message=question),
    )
    assert first.status_code == second.status_code == 200

    def both_answered() -> list[Message] | None:
        fresh = [m for m in w.standin.messages[before:] if not (m.text or "").startswith(":hourglass")]
        return fresh if len(fresh) >= 2 else None

    answers = [texts([m]) for m in await w.standin.wait_for(both_answered, timeout=30)]
    assert sorted("Scheduled" in a for a in answers) == [False, True]
    assert any("You already answered that question" in a for a in answers)
    assert len(w.sim.meetings_of("alice@example.com")) == 1
