"""Meetings as Slack calls, end to end: `/zoom new` registers the call and its card carries it, Zoom's
signed webhooks add and remove its participants and end it, and a workspace without the Calls
scope still gets its card. The Slack stand-in models the Calls API strictly (required fields,
unknown or ended calls, users that are not in the call), so a wrong field fails here."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox.slack_standin import Message, SlackCallRecord
from bot.sandbox.world import OfflineWorld
from bot.sandbox.zoom_simulator import ManualClock
from tests.e2e.conftest import alice_linked
from tests.e2e.test_live_meetings import CARD_SECONDS, card_says, deliver, fire, new_meeting
from tests.e2e.test_optional_scopes import OPTIONAL, REQUIRED


@pytest.fixture
async def world(tmp_path: Path, clock: ManualClock) -> AsyncIterator[OfflineWorld]:
    async with alice_linked(tmp_path, clock, reminder_options={"card_update_seconds": CARD_SECONDS}) as w:
        yield w


def call_blocks(message: Message | None) -> list[dict[str, Any]]:
    assert message is not None
    return [b for b in message.blocks or [] if b.get("type") == "call"]


def live(world: OfflineWorld, card: Message) -> Message | None:
    return world.standin.live_message(card.channel, card.ts)


def the_call(world: OfflineWorld, card: Message) -> SlackCallRecord:
    [block] = call_blocks(card)
    call = world.standin.slack_call(block["call_id"])
    assert call is not None
    return call


def successful(world: OfflineWorld, method: str) -> list[dict[str, Any]]:
    return [c.args for c in world.standin.calls_to(method) if c.ok]


async def test_zoom_new_registers_a_slack_call_and_the_card_carries_it(world: OfflineWorld) -> None:
    meeting_id, card = await new_meeting(world, "Standup")
    meeting = world.sim.meetings[meeting_id]
    [added] = successful(world, "calls.add")
    assert added["external_unique_id"] == meeting.uuid
    assert added["join_url"] == meeting.join_url
    assert added["title"] == "Standup"
    assert added["created_by"] == world.person("alice").slack_id
    call = the_call(world, card)
    assert call.title == "Standup" and call.join_url == meeting.join_url and not call.ended
    # Clients that draw no call block still have the Join link: in the text and a context line.
    assert meeting.join_url in (card.text or "")
    assert any(meeting.join_url in str(b) for b in card.blocks or [] if b.get("type") == "context")
    assert "join_meeting" in str(card.blocks)  # the card's own Join button stays


async def test_joins_and_leaves_reach_the_call_and_the_end_carries_the_duration(
    world: OfflineWorld, clock: ManualClock
) -> None:
    meeting_id, card = await new_meeting(world, "Planning")
    call = the_call(world, card)
    await fire(world, "meeting.started", meeting_id)
    await fire(world, "meeting.participant_joined", meeting_id, name="Bob")  # bob@example.com is in Slack
    await fire(world, "meeting.participant_joined", meeting_id, name="Dana Guest")  # a guest
    await world.events_acted_on()
    assert {"slack_id": world.person("bob").slack_id} in call.users
    [guest] = [u for u in call.users if "external_id" in u]
    assert guest["display_name"] == "Dana Guest" and "slack_id" not in guest
    await card_says(world, card, "2 in the meeting")
    assert call_blocks(live(world, card)) == call_blocks(card)  # the update kept the call

    await fire(world, "meeting.participant_left", meeting_id, name="Dana Guest")
    await world.events_acted_on()
    assert call.users == [{"slack_id": world.person("bob").slack_id}]
    [removed] = successful(world, "calls.participants.remove")
    assert removed["users"] == [guest]

    clock.advance(42 * 60)
    # Bob's leave, delivered late (after the end): it must not reach the ended call.
    late_leave = world.sim.webhook_payload("meeting.participant_left", meeting_id=meeting_id, name="Bob")
    await fire(world, "meeting.ended", meeting_id)
    await world.events_acted_on()
    [ended] = successful(world, "calls.end")
    assert ended["id"] == call.id and int(ended["duration"]) == 42 * 60
    assert call.ended and call.duration == 42 * 60
    text = await card_says(world, card, "ended · lasted 42 min")  # the card's own ended state stays
    assert "Planning" in text
    ended_card = live(world, card)
    assert call_blocks(ended_card) == call_blocks(card)
    assert ended_card is not None and "Not seeing the call?" not in ended_card.all_text()
    await deliver(world, late_leave)
    await world.events_acted_on()
    assert len(world.standin.calls_to("calls.participants.remove")) == 1


async def test_a_second_card_for_the_meeting_shows_the_same_call(world: OfflineWorld) -> None:
    meeting_id, card = await new_meeting(world, "Weekly")
    first = the_call(world, card)
    _, second = await new_card_by_join(world, meeting_id, "C0DESIGN")
    assert call_blocks(second) == call_blocks(card)
    assert len(world.standin.calls_to("calls.add")) == 1
    assert [c.args["id"] for c in world.standin.calls_to("calls.info")] == [first.id]
    await fire(world, "meeting.started", meeting_id)
    await fire(world, "meeting.participant_joined", meeting_id, name="Carol")
    await world.events_acted_on()
    assert first.users == [{"slack_id": world.person("carol").slack_id}]  # added once, not per card


async def new_card_by_join(world: OfflineWorld, meeting_id: int, channel: str) -> tuple[int, Message]:
    before = len(world.standin.messages_in(channel))
    await world.driver.slash(world.person("alice").slack_id, channel, f"join {meeting_id}")
    card = await world.standin.wait_for(
        lambda: next((m for m in world.standin.messages_in(channel)[before:] if m.kind == "post"), None),
        timeout=30,
    )
    return meeting_id, card


async def test_without_the_calls_scope_the_card_goes_out_without_a_call(
    world: OfflineWorld, caplog: pytest.LogCaptureFixture
) -> None:
    world.standin.grant_scopes([s for s in REQUIRED + OPTIONAL if s not in ("calls:write", "calls:read")])
    with caplog.at_level(logging.INFO):
        meeting_id, card = await new_meeting(world, "Retro")
    [refused] = world.standin.calls_to("calls.add")
    assert refused.error == "missing_scope"
    assert call_blocks(card) == [] and "join_meeting" in str(card.blocks)
    assert any(
        "posted without one" in r.getMessage() and "missing_scope" in r.getMessage() for r in caplog.records
    )
    alice = world.person("alice").slack_id
    assert not [m for m in world.standin.ephemerals_for(alice) if m.all_text().startswith(":warning:")]
    # The card still lives; the call feed has no call to send anything to.
    await fire(world, "meeting.started", meeting_id)
    await fire(world, "meeting.participant_joined", meeting_id, name="Bob")
    await card_says(world, card, "1 in the meeting")
    await fire(world, "meeting.ended", meeting_id)
    await card_says(world, card, "ended")
    assert [c.method for c in world.standin.calls if c.method.startswith("calls.")] == ["calls.add"]


async def test_a_passing_fault_is_retried_and_a_refusal_holds_up_nothing(
    world: OfflineWorld,
) -> None:
    meeting_id, card = await new_meeting(world, "Sync")
    call = the_call(world, card)
    bob = {"slack_id": world.person("bob").slack_id}
    await fire(world, "meeting.started", meeting_id)
    world.standin.inject("calls.participants.add", error="internal_error", times=1)
    await fire(world, "meeting.participant_joined", meeting_id, name="Bob")
    await world.events_acted_on()
    assert call.users == [bob]  # Slack's passing fault was tried again
    world.standin.inject("calls.participants.add", error="not_implemented", times=1)
    await fire(world, "meeting.participant_joined", meeting_id, name="Carol")
    await fire(world, "meeting.participant_left", meeting_id, name="Bob")
    await world.events_acted_on()
    errors = [c.error for c in world.standin.calls_to("calls.participants.add")]
    assert errors == ["internal_error", None, "not_implemented"]  # a refusal is not retried
    assert call.users == []  # ...and Bob's leave after it still went out
    await fire(world, "meeting.ended", meeting_id)
    await world.events_acted_on()
    assert call.ended
