"""A meeting that lives in the channel, end to end: real signed Zoom webhooks from the simulator
to the real bot, whose card updates and thread posts land in the Slack stand-in (which enforces
chat.update's rate limits)."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.sandbox.slack_standin import Message
from bot.sandbox.world import OfflineWorld
from bot.sandbox.zoom_simulator import ManualClock
from tests.e2e.conftest import alice_linked
from tests.kit.zoom_contract import validate_webhook

CARD_SECONDS = 1.0  # the bot's per-card update interval in these tests (production: 3 s)
GENERAL = "C0GENERAL"


@pytest.fixture
async def world(tmp_path: Path, clock: ManualClock) -> AsyncIterator[OfflineWorld]:
    async with alice_linked(tmp_path, clock, reminder_options={"card_update_seconds": CARD_SECONDS}) as w:
        yield w


def webhook_url(world: OfflineWorld) -> str:
    return f"{world.bot_url}/zoom/webhooks"


async def deliver(world: OfflineWorld, body: dict[str, Any], client: httpx.AsyncClient | None = None) -> Any:
    """Sign and POST one event body as Zoom does (signed now, by the wall clock)."""
    validate_webhook(body["event"], body)
    secret = world.settings.ZOOM_WEBHOOK_SECRET_TOKEN
    assert secret is not None
    response = await world.sim.deliver_webhook(
        webhook_url(world), secret, body, timestamp=int(time.time()), client=client
    )
    assert response.status_code == 200, response.text
    return response.json()


async def fire(world: OfflineWorld, event: str, meeting_id: int, **params: Any) -> dict[str, Any]:
    body = world.sim.webhook_payload(event, meeting_id=meeting_id, **params)
    await deliver(world, body)
    return body


async def new_meeting(world: OfflineWorld, topic: str, channel: str = GENERAL) -> tuple[int, Message]:
    before = len(world.standin.messages_in(channel))
    await world.driver.slash(world.person("alice").slack_id, channel, f"new {topic}")
    card = await world.standin.wait_for(
        lambda: next((m for m in world.standin.messages_in(channel)[before:] if m.kind == "post"), None),
        timeout=30,
    )
    meeting = world.sim.meetings_of("alice@example.com")[-1]
    # The card is remembered once Slack answered the post; wait for that row.
    await wait_tracked(world, meeting.id)
    return meeting.id, card


async def wait_tracked(world: OfflineWorld, meeting_id: int) -> None:
    store = world.bot.slack.meeting_posts.store
    deadline = time.monotonic() + 5
    while not await store.tracks(meeting_id):
        assert time.monotonic() < deadline, "the card was never remembered"
        await asyncio.sleep(0.02)


def card_text(world: OfflineWorld, card: Message) -> str:
    live = world.standin.live_message(card.channel, card.ts)
    assert live is not None
    return live.all_text()


async def card_says(world: OfflineWorld, card: Message, expected: str, timeout: float = 30.0) -> str:
    return await world.standin.wait_for(
        lambda: (text := card_text(world, card)) and expected in text and text, timeout=timeout
    )


def card_updates(world: OfflineWorld, card: Message) -> list[Any]:
    return [c for c in world.standin.calls_to("chat.update") if c.args.get("ts") == card.ts]


def join_button(world: OfflineWorld, card: Message) -> bool:
    live = world.standin.live_message(card.channel, card.ts)
    assert live is not None
    return any((b.get("accessory") or {}).get("action_id") == "join_meeting" for b in live.blocks or [])


async def test_the_card_shows_the_meeting_as_it_goes_and_ends_without_a_join_button(
    world: OfflineWorld, clock: ManualClock
) -> None:
    meeting_id, card = await new_meeting(world, "Standup")
    await fire(world, "meeting.started", meeting_id)
    await card_says(world, card, "in progress · nobody in the meeting yet")
    await fire(world, "meeting.participant_joined", meeting_id, name="Bob")
    await fire(world, "meeting.participant_joined", meeting_id, name="a guest")
    await card_says(world, card, "in progress · 2 in the meeting")
    assert join_button(world, card)
    await fire(world, "meeting.participant_left", meeting_id, name="Bob")
    await card_says(world, card, "in progress · 1 in the meeting")
    clock.advance(42 * 60)
    await fire(world, "meeting.ended", meeting_id)
    text = await card_says(world, card, "ended · lasted 42 min")
    assert "Standup" in text and not join_button(world, card)
    assert all(c.ok for c in card_updates(world, card))


async def test_a_card_posted_with_zoom_join_goes_live_too(world: OfflineWorld) -> None:
    meeting_id, _ = await new_meeting(world, "Weekly")
    before = len(world.standin.messages_in("C0DESIGN"))
    await world.driver.slash(world.person("alice").slack_id, "C0DESIGN", f"join {meeting_id}")
    second = await world.standin.wait_for(
        lambda: next((m for m in world.standin.messages_in("C0DESIGN")[before:] if m.kind == "post"), None),
        timeout=30,
    )
    store = world.bot.slack.meeting_posts.store
    deadline = time.monotonic() + 5
    while len(await store.for_meeting(meeting_id)) < 2:
        assert time.monotonic() < deadline, "the /zoom join card was never remembered"
        await asyncio.sleep(0.02)
    await fire(world, "meeting.started", meeting_id)
    await fire(world, "meeting.participant_joined", meeting_id, name="Bob")
    await card_says(world, second, "in progress · 1 in the meeting")


async def test_a_burst_of_200_joins_is_coalesced_within_slacks_limits(world: OfflineWorld) -> None:
    meeting_id, card = await new_meeting(world, "All hands")
    await fire(world, "meeting.started", meeting_id)
    await card_says(world, card, "in progress")
    bodies = [
        world.sim.webhook_payload("meeting.participant_joined", meeting_id=meeting_id, name=f"guest {n}")
        for n in range(200)
    ]
    started = time.monotonic()
    gate = asyncio.Semaphore(16)  # Zoom delivers concurrently
    async with httpx.AsyncClient(timeout=10) as client:

        async def one(body: dict[str, Any]) -> None:
            async with gate:
                for _ in range(5):  # a busy answer (503) is delivered again, as Zoom does
                    secret = world.settings.ZOOM_WEBHOOK_SECRET_TOKEN
                    assert secret is not None
                    validate_webhook(body["event"], body)
                    answer = await world.sim.deliver_webhook(
                        webhook_url(world), secret, body, timestamp=int(time.time()), client=client
                    )
                    if answer.status_code != 503:
                        break
                assert answer.status_code == 200, answer.text

        await asyncio.gather(*(one(body) for body in bodies))
    await card_says(world, card, "in progress · 200 in the meeting", timeout=60)
    elapsed = time.monotonic() - started
    updates = card_updates(world, card)
    # One update for the start, then at most one per CARD_SECONDS, plus the last one.
    assert 2 <= len(updates) <= 1 + elapsed / CARD_SECONDS + 2, (len(updates), elapsed)
    assert [c.status for c in updates if c.status != 200] == []  # never over Slack's limit
    arrivals = [c.at for c in updates]
    assert all(b - a >= CARD_SECONDS - 0.05 for a, b in zip(arrivals, arrivals[1:])), arrivals


async def test_rate_limited_updates_are_retried_and_the_card_ends_right(world: OfflineWorld) -> None:
    meeting_id, card = await new_meeting(world, "Retro")
    await fire(world, "meeting.started", meeting_id)
    await card_says(world, card, "in progress")
    world.standin.inject("chat.update", status=429, retry_after=1, times=2)
    for name in ("Bob", "Carol", "Dan"):
        await fire(world, "meeting.participant_joined", meeting_id, name=name)
    await card_says(world, card, "3 in the meeting", timeout=30)
    statuses = [c.status for c in card_updates(world, card)]
    assert statuses.count(429) == 2 and statuses[-1] == 200


async def test_the_same_join_delivered_twice_counts_once(world: OfflineWorld) -> None:
    meeting_id, card = await new_meeting(world, "Planning")
    await fire(world, "meeting.started", meeting_id)
    body = world.sim.webhook_payload("meeting.participant_joined", meeting_id=meeting_id, name="Bob")
    assert (await deliver(world, body))["status"] == "accepted"
    assert (await deliver(world, body))["status"] == "duplicate"  # Zoom's retry: same event
    # The same join in another delivery (another event_ts): the participant's user_id and
    # join time still identify it.
    again = {**body, "event_ts": body["event_ts"] + 7}
    assert (await deliver(world, again))["status"] == "accepted"
    await fire(world, "meeting.participant_joined", meeting_id, name="Carol")
    await card_says(world, card, "2 in the meeting")
    await asyncio.sleep(CARD_SECONDS + 0.3)
    assert "2 in the meeting" in card_text(world, card)


async def test_recording_and_transcript_links_go_into_the_thread_without_secrets(
    world: OfflineWorld, clock: ManualClock
) -> None:
    meeting_id, card = await new_meeting(world, "Demo")
    await fire(world, "meeting.started", meeting_id)
    clock.advance(600)
    await fire(world, "meeting.ended", meeting_id)
    recorded = await fire(world, "recording.completed", meeting_id)
    transcript = await fire(world, "recording.transcript_completed", meeting_id)
    replies = await world.standin.wait_for(
        lambda: (r := world.standin.thread_replies(GENERAL, card.ts)) and len(r) == 2 and r, timeout=30
    )
    share_url = recorded["payload"]["object"]["share_url"]
    recording_text, transcript_text = (m.all_text() for m in replies)
    assert "recording of *Demo* is ready" in recording_text and share_url in recording_text
    assert "transcript of *Demo* is ready" in transcript_text and share_url in transcript_text
    download_urls = [
        f["download_url"]
        for body in (recorded, transcript)
        for f in body["payload"]["object"]["recording_files"]
    ]
    tokens = [recorded["download_token"], transcript["download_token"], *world.sim.issued_secrets()]
    everything = "\n".join(m.all_text() for m in world.standin.messages)
    for secret in [*download_urls, *tokens]:
        assert secret not in everything
    assert "zak=" not in "\n".join(m.all_text() for m in world.standin.messages if not m.is_ephemeral)


async def test_a_public_meetings_summary_is_read_from_zoom_and_posted_in_the_thread(
    world: OfflineWorld,
) -> None:
    meeting_id, card = await new_meeting(world, "Roadmap")
    # A UUID Zoom wants double-encoded in the summary path (it starts with "/" and holds "//").
    await fire(world, "meeting.started", meeting_id, uuid="/Rm+x//q9ZtWm6sKgEhq==")
    await fire(world, "meeting.participant_joined", meeting_id, name="Bob")
    await fire(world, "meeting.ended", meeting_id)
    summary = world.sim.webhook_payload(
        "meeting.summary_completed",
        meeting_id=meeting_id,
        content="## Key takeaways\n- **Ship** the beta <soon>",
    )
    summary["payload"]["object"]["summary_content"] = "webhook copy (not used when Zoom answers)"
    await deliver(world, summary)
    [reply] = await world.standin.wait_for(lambda: world.standin.thread_replies(GENERAL, card.ts), timeout=30)
    text = reply.all_text()
    assert "Summary: Meeting summary for Roadmap" in text
    assert "*Key takeaways*" in text and "• *Ship* the beta &lt;soon&gt;" in text
    assert "webhook copy" not in text
    assert world.sim.stats.get("GET /v2/meetings/{meetingId}/meeting_summary") == 1


async def test_a_private_meetings_summary_goes_to_the_host_first_with_a_share_button(
    world: OfflineWorld,
) -> None:
    world.standin.add_channel("G0SECRET", "secret-project", is_private=True)
    meeting_id, card = await new_meeting(world, "Secret sync", channel="G0SECRET")
    await fire(world, "meeting.started", meeting_id)
    await fire(world, "meeting.ended", meeting_id)
    await fire(world, "meeting.summary_completed", meeting_id)
    alice = world.person("alice").slack_id
    dm = world.standin.dm_channel(alice)
    host_copy = await world.standin.wait_for(
        lambda: next((m for m in world.standin.messages_in(dm) if "Summary:" in m.all_text()), None),
        timeout=30,
    )
    assert "only you see this until you share it" in host_copy.all_text()
    assert world.standin.thread_replies("G0SECRET", card.ts) == []

    # Someone else pressing the button shares nothing.
    bob = world.person("bob").slack_id
    await world.driver.block_action(bob, dm, "share_summary_in_thread", message=host_copy)
    refusal = await world.standin.wait_for(
        lambda: next(
            (m for m in world.standin.messages if "Only the person who posted" in m.all_text()), None
        )
    )
    assert refusal.is_ephemeral
    assert world.standin.thread_replies("G0SECRET", card.ts) == []

    await world.driver.block_action(alice, dm, "share_summary_in_thread", message=host_copy)
    [shared] = await world.standin.wait_for(
        lambda: world.standin.thread_replies("G0SECRET", card.ts), timeout=30
    )
    assert "Summary: Meeting summary for Secret sync" in shared.all_text()
    assert "only you see this" not in shared.all_text()
    assert not any(b.get("type") == "actions" for b in shared.blocks or [])
    replaced = await world.standin.wait_for(
        lambda: next(
            (m for m in world.standin.messages if m.replace_original and "Shared in" in m.all_text()), None
        )
    )
    assert not any(b.get("type") == "actions" for b in replaced.blocks or [])


def test_the_card_texts_never_carry_a_start_url() -> None:
    from bot.slack.views.live_meeting import CardState, live_card

    for status in (None, "started", "ended"):
        card = live_card(
            CardState(81234567890, "Standup", "https://zoom.us/j/81234567890?pwd=x", status, participants=3)
        )
        assert not re.search(r"/s/|zak=", str(card))
