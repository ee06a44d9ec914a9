"""Every `/zoom` subcommand end to end: signed request → bot → Zoom simulator → reply in Slack."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from bot.sandbox.slack_standin import Message
from bot.sandbox.world import OfflineWorld
from bot.sandbox.zoom_simulator import SimMeeting
from tests.e2e.conftest import mrkdwn_texts

ALICE, BOB = "U0ALICE", "U0BOB"
GENERAL = "C0GENERAL"


def texts(messages: list[Message]) -> str:
    return "\n".join(f"{m.text}\n{m.blocks}" for m in messages)


async def reply_to(
    world: OfflineWorld, user: str, text: str, *, channel: str = GENERAL, count: int = 1, timeout: float = 30
) -> list[Message]:
    """Send `/zoom <text>` and wait until ``count`` new replies visible to ``user`` arrived."""
    before = len(world.standin.messages)
    response = await world.driver.slash(user, channel, text)
    assert response.status_code == 200, response.text

    def new_replies() -> list[Message] | None:
        fresh = [m for m in world.standin.messages[before:] if m.user in (None, user) or m.kind == "response"]
        fresh = [m for m in fresh if not (m.text or "").startswith(":hourglass")]
        return fresh if len(fresh) >= count else None

    return await world.standin.wait_for(new_replies, timeout=timeout)


async def schedule(world: OfflineWorld, user: str, email: str, text: str) -> SimMeeting:
    """Run `/zoom schedule <text>` as ``user`` and return the one meeting it created for ``email``."""
    await reply_to(world, user, f"schedule {text}")
    (meeting,) = world.sim.meetings_of(email)
    return meeting


def meeting_ids(world: OfflineWorld, email: str) -> list[int]:
    return [m.id for m in world.sim.meetings_of(email)]


async def test_help_shows_link_status(world: OfflineWorld) -> None:
    replies = await reply_to(world, ALICE, "")
    assert "isn't linked yet" in texts(replies)


async def test_unlinked_user_is_told_to_link(world: OfflineWorld) -> None:
    replies = await reply_to(world, ALICE, "list")
    assert "/zoom link" in texts(replies)
    assert world.sim.stats.get("GET /v2/users/{userId}/meetings", 0) == 0


async def test_new_meeting_posts_join_in_channel_and_start_link_only_to_caller(
    linked_world: OfflineWorld,
) -> None:
    w = linked_world
    replies = await reply_to(w, ALICE, 'new "Quick sync"', count=2)
    public = [m for m in replies if m.kind == "post"]
    private = [m for m in replies if m.kind == "response"]
    assert len(public) == 1 and public[0].channel == GENERAL
    assert "Quick sync" in texts(public) and "/j/" in texts(public)
    assert "zak=" not in texts(public)  # the host's start link never reaches the channel
    assert "zak=" in texts(private) and all(m.response_type != "in_channel" for m in private)
    assert len(meeting_ids(w, "alice@example.com")) == 1


async def test_schedule_free_text_in_callers_time_zone(linked_world: OfflineWorld) -> None:
    w = linked_world
    replies = await reply_to(w, ALICE, 'schedule "Design review" tomorrow 3pm for 45m')
    assert "Scheduled" in texts(replies)
    (meeting,) = w.sim.meetings_of("alice@example.com")
    assert meeting.topic == "Design review" and meeting.duration == 45
    start = meeting.start_time
    from zoneinfo import ZoneInfo

    local = start.astimezone(ZoneInfo("America/New_York"))
    assert (local.hour, local.minute) == (15, 0)
    assert local.date() == (datetime.now(ZoneInfo("America/New_York")) + timedelta(days=1)).date()


async def test_schedule_in_the_past_is_refused_and_creates_nothing(linked_world: OfflineWorld) -> None:
    w = linked_world
    replies = await reply_to(w, ALICE, 'schedule "Retro" 2001-01-01 10:00')
    assert "past" in texts(replies).lower()
    assert meeting_ids(w, "alice@example.com") == []


async def test_schedule_modal_submission(linked_world: OfflineWorld) -> None:
    w = linked_world
    await w.driver.slash(ALICE, GENERAL, "schedule")
    view = await w.standin.wait_for(lambda: next(iter(w.standin.views), None), timeout=30)
    day = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    before = len(w.standin.messages)
    response = await w.driver.view_submission(
        ALICE,
        view,
        {
            "topic": {"topic_input": {"type": "plain_text_input", "value": "Planning <!channel>"}},
            "date": {"date_picker": {"type": "datepicker", "selected_date": day}},
            "time": {"time_picker": {"type": "timepicker", "selected_time": "10:30"}},
            "duration": {"duration_select": {"type": "static_select", "selected_option": {"value": "60"}}},
        },
    )
    assert response.status_code == 200
    await w.standin.wait_for(lambda: len(w.standin.messages) > before or None, timeout=30)
    (meeting,) = w.sim.meetings_of("alice@example.com")
    assert meeting.topic == "Planning <!channel>" and meeting.duration == 60
    assert not any("<!channel>" in text for text in mrkdwn_texts(w))


async def test_schedule_modal_inline_errors(linked_world: OfflineWorld) -> None:
    w = linked_world
    await w.driver.slash(ALICE, GENERAL, "schedule")
    view = await w.standin.wait_for(lambda: next(iter(w.standin.views), None), timeout=30)
    response = await w.driver.view_submission(
        ALICE,
        view,
        {
            "topic": {"topic_input": {"type": "plain_text_input", "value": ""}},
        },
    )
    assert response.status_code == 200
    assert response.json()["response_action"] == "errors"
    assert meeting_ids(w, "alice@example.com") == []


async def test_move_and_schedule_to_a_past_phrasing_say_so_with_a_suggestion(
    linked_world: OfflineWorld,
) -> None:
    w = linked_world
    meeting = await schedule(w, ALICE, "alice@example.com", '"Weekly" tomorrow 9am for 30m')
    start = meeting.start_time
    for when, suggestion in (
        ("yesterday 3pm", "tomorrow 3pm"),
        ("last friday 10am", "friday 10am"),
        ("2 hours ago", "in 2 hours"),
    ):
        reply = texts(await reply_to(w, ALICE, f"move {meeting.id} {when}"))
        assert "That time is in the past." in reply and f"`{suggestion}`" in reply, reply
        assert "couldn't read" not in reply
    reply = texts(await reply_to(w, ALICE, 'schedule "Retro" yesterday 3pm'))
    assert "That time is in the past." in reply and "`tomorrow 3pm`" in reply
    # Nothing changed at Zoom.
    assert [(m.id, m.start_time) for m in w.sim.meetings_of("alice@example.com")] == [(meeting.id, start)]
    assert w.sim.stats.get("PATCH /v2/meetings/{meetingId}", 0) == 0

    moved = texts(await reply_to(w, ALICE, f"move {meeting.id} next week 10am"))
    assert "Moved" in moved
    from zoneinfo import ZoneInfo

    new_york = ZoneInfo("America/New_York")
    local = w.sim.meetings_of("alice@example.com")[0].start_time.astimezone(new_york)
    today = datetime.now(new_york).date()
    assert local.date() == today + timedelta(days=7 - today.weekday()) and (local.hour, local.minute) == (
        10,
        0,
    )


async def test_list_show_move_and_cancel(linked_world: OfflineWorld) -> None:
    w = linked_world
    await reply_to(w, ALICE, 'schedule "Weekly" tomorrow 9am for 30m')
    (meeting_id,) = meeting_ids(w, "alice@example.com")
    spaced = f"{str(meeting_id)[:3]} {str(meeting_id)[3:7]} {str(meeting_id)[7:]}"

    listing = texts(await reply_to(w, ALICE, "list week"))
    assert "Weekly" in listing and "<!date^" in listing and "/j/" in listing

    shown = texts(await reply_to(w, ALICE, f"show {spaced}"))
    assert "Weekly" in shown

    moved = texts(await reply_to(w, ALICE, f"move {meeting_id} in 3 days"))
    assert "Moved" in moved
    (after,) = w.sim.meetings_of("alice@example.com")
    start = after.start_time
    assert start > datetime.now(UTC) + timedelta(days=2)

    confirm = await reply_to(w, ALICE, f"cancel {meeting_id}")
    assert meeting_ids(w, "alice@example.com") == [meeting_id]  # nothing deleted before the click
    before = len(w.standin.messages)
    click = await w.driver.block_action(ALICE, GENERAL, "cancel_meeting_confirm", message=confirm[-1])
    assert click.status_code == 200
    await w.standin.wait_for(lambda: len(w.standin.messages) > before or None, timeout=30)
    assert meeting_ids(w, "alice@example.com") == []
    assert "Cancelled" in texts(w.standin.messages[before:])


async def test_cancel_keep_it_deletes_nothing(linked_world: OfflineWorld) -> None:
    w = linked_world
    await reply_to(w, ALICE, 'schedule "Keep" tomorrow 11am')
    (meeting_id,) = meeting_ids(w, "alice@example.com")
    confirm = await reply_to(w, ALICE, f"cancel {meeting_id}")
    await w.driver.block_action(ALICE, GENERAL, "cancel_meeting_abort", message=confirm[-1])
    await w.standin.wait_for(lambda: any(m.delete_original for m in w.standin.messages) or None, timeout=30)
    assert meeting_ids(w, "alice@example.com") == [meeting_id]


async def test_a_cancel_button_with_an_unreadable_value_deletes_nothing(linked_world: OfflineWorld) -> None:
    w = linked_world
    await reply_to(w, ALICE, 'schedule "Keep" tomorrow 11am')
    (meeting_id,) = meeting_ids(w, "alice@example.com")
    for action_id, value in (
        ("cancel_meeting_confirm", "not-a-meeting"),
        ("cancel_occurrence_confirm", f"{meeting_id}"),  # no occurrence after the colon
    ):
        before = len(w.standin.messages)
        click = await w.driver.block_action(ALICE, GENERAL, action_id, value)
        assert click.status_code == 200
        await w.standin.wait_for(lambda before=before: len(w.standin.messages) > before or None, timeout=30)
        assert "That button no longer works." in texts(w.standin.messages[before:])
    assert meeting_ids(w, "alice@example.com") == [meeting_id]


async def test_me_asks_zoom_live(linked_world: OfflineWorld) -> None:
    w = linked_world
    calls = w.sim.stats.get("GET /v2/users/{userId}", 0)
    replies = texts(await reply_to(w, ALICE, "me"))
    assert "alice@example.com" in replies
    assert w.sim.stats.get("GET /v2/users/{userId}", 0) == calls + 1


async def test_recordings(linked_world: OfflineWorld) -> None:
    w = linked_world
    w.sim.add_recording("alice@example.com", "All hands", datetime.now(UTC) - timedelta(days=2))
    assert "All hands" in texts(await reply_to(w, ALICE, "recordings 7"))


async def test_unlink_revokes_at_zoom_and_deletes_here(linked_world: OfflineWorld) -> None:
    w = linked_world
    replies = texts(await reply_to(w, ALICE, "unlink"))
    assert "revoked" in replies
    assert await w.bot.links.get(w.standin.team_id, ALICE) is None
    assert w.sim.stats.get("POST /oauth/revoke", 0) >= 1


async def test_unknown_subcommand_gets_usage_and_example(world: OfflineWorld) -> None:
    started = time.perf_counter()
    response = await world.driver.slash(ALICE, GENERAL, "shedule tomorrow")
    assert time.perf_counter() - started < 10  # answered in the ack (a generous bound)
    body = response.json()
    assert "schedule" in str(body) and "Example" in str(body)


async def test_app_home_shows_status_and_meetings(linked_world: OfflineWorld) -> None:
    w = linked_world
    await reply_to(w, ALICE, 'schedule "Home test" tomorrow 4pm')
    await w.driver.app_home_opened(ALICE)
    view = await w.standin.wait_for(
        lambda: next((v for v in w.standin.views if "Home test" in str(v)), None), timeout=30
    )
    assert "home_unlink" in str(view) and "home_new_meeting" in str(view)


async def test_topic_cannot_ping_the_channel(linked_world: OfflineWorld) -> None:
    w = linked_world
    await reply_to(w, ALICE, "new <!channel> <@U0BOB> & co", count=2)
    for text in mrkdwn_texts(w):
        assert "<!channel>" not in text and "<@U0BOB>" not in text


async def test_home_buttons_reply_in_the_app_dm(linked_world: OfflineWorld) -> None:
    w = linked_world
    await w.driver.app_home_opened(ALICE)
    home = await w.standin.wait_for(lambda: next(iter(w.standin.views), None), timeout=30)
    before = len(w.standin.messages)
    await w.driver.block_action(ALICE, None, "home_new_meeting", view=home)
    dm = w.standin.dm_channel(ALICE)
    posted = await w.standin.wait_for(
        lambda: (lambda found: found if len(found) >= 2 else None)(
            [m for m in w.standin.messages[before:] if m.channel == dm]
        ),
        timeout=30,
    )
    assert "zak=" in texts(posted)  # the host link went to the host's own DM
    assert len(meeting_ids(w, "alice@example.com")) == 1

    await w.driver.block_action(ALICE, None, "home_unlink", view=home)
    await w.standin.wait_for(
        lambda: any("Unlinked" in (m.text or "") for m in w.standin.messages) or None, timeout=30
    )
    assert await w.bot.links.get(w.standin.team_id, ALICE) is None
