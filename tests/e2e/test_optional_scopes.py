"""The Slack scopes only some features need are optional (``bot_optional`` in the manifest):
a workspace that leaves one out gets everything else, and the feature says why it is off.

The Slack stand-in answers as Slack does for a scope not granted (``missing_scope`` from the
method, no ``link_shared`` event without ``links:read``, ``not_in_channel`` for a public
channel without ``chat:write.public``).
"""

from __future__ import annotations

import asyncio

from bot.sandbox.slack_standin import Message
from bot.sandbox.world import ZOOM_CLIENT_ID, OfflineWorld
from tests.e2e.test_commands import ALICE, GENERAL, reply_to, schedule, texts
from tests.e2e.test_link_previews import paste, preview_of, unfurl_calls
from tests.e2e.test_live_meetings import deliver, fire, new_meeting

REQUIRED = [
    "commands",
    "chat:write",
    "users:read",
    "users:read.email",
    "im:write",
    "calls:write",
    "calls:read",
]
OPTIONAL = ["chat:write.public", "links:read", "links:write", "channels:read"]


def without(scope: str) -> list[str]:
    return REQUIRED + [s for s in OPTIONAL if s != scope]


async def test_without_links_write_the_poster_is_told_once_and_commands_still_work(
    linked_world: OfflineWorld,
) -> None:
    w = linked_world
    w.standin.grant_scopes(without("links:write"))
    meeting = await schedule(w, ALICE, "alice@example.com", '"Design review" tomorrow 3pm')
    first = await paste(w, ALICE, meeting.join_url)

    def notes() -> list[Message]:
        return [m for m in w.standin.messages if m.kind == "ephemeral"]

    await w.standin.wait_for(notes, timeout=30)
    await paste(w, ALICE, f"again {meeting.join_url}")  # Slack refuses this unfurl too
    await asyncio.sleep(1.0)  # the second note would follow the refused unfurl at once
    assert preview_of(w, first) == {} and unfurl_calls(w) == []
    [note] = notes()  # once a day
    assert note.user == ALICE  # only to the poster
    assert "`links:write`" in note.all_text() and "reinstall" in note.all_text()
    assert "Design review" in str(await reply_to(w, ALICE, "list"))  # the rest is unaffected


async def test_without_links_read_nothing_is_asked_of_the_bot(linked_world: OfflineWorld) -> None:
    w = linked_world
    w.standin.grant_scopes(without("links:read"))
    meeting = await schedule(w, ALICE, "alice@example.com", '"Standup" tomorrow 9am')
    calls = len(w.standin.calls)
    _, answer = await w.driver.post_message(ALICE, GENERAL, meeting.join_url)
    assert answer is None  # Slack sends no link_shared event at all
    await asyncio.sleep(0.5)
    assert w.standin.calls[calls:] == []


async def test_without_channels_read_a_summary_goes_to_the_host_first(linked_world: OfflineWorld) -> None:
    """Unable to tell a public channel from a private one, the bot takes the cautious side."""
    w = linked_world
    w.standin.grant_scopes(without("channels:read"))
    meeting_id, card = await new_meeting(w, "Roadmap")
    await fire(w, "meeting.started", meeting_id)
    await fire(w, "meeting.ended", meeting_id)
    await fire(w, "meeting.summary_completed", meeting_id)
    dm = w.standin.dm_channel(ALICE)
    host_copy = await w.standin.wait_for(
        lambda: next((m for m in w.standin.messages_in(dm) if "Summary:" in m.all_text()), None), timeout=30
    )
    assert "only you see this until you share it" in host_copy.all_text()
    assert w.standin.thread_replies(GENERAL, card.ts) == []
    asked = w.standin.calls_to("conversations.info")
    assert asked and not any(c.ok for c in asked)  # Slack refused: missing_scope


# Zoom's two optional scopes: an app created without them links and works, minus that feature.


def drop_zoom_scope(world: OfflineWorld, scope: str) -> None:
    app = world.sim.apps[ZOOM_CLIENT_ID]
    app.scopes.remove(scope)


async def test_without_the_recordings_scope_recordings_answer_with_a_hint(world: OfflineWorld) -> None:
    drop_zoom_scope(world, "cloud_recording:read:list_user_recordings")
    assert (await world.link("alice")).status_code == 200
    body = texts(await reply_to(world, ALICE, "recordings"))
    assert "`cloud_recording:read:list_user_recordings`" in body and "/zoom link" in body
    assert "4711" in body  # Zoom's own code, from the simulator enforcing the token's scopes
    assert "Standup" in texts(await reply_to(world, ALICE, "new Standup"))  # the rest works


async def test_without_the_summary_scope_the_webhooks_copy_is_posted(world: OfflineWorld) -> None:
    drop_zoom_scope(world, "meeting:read:summary")
    assert (await world.link("alice")).status_code == 200
    meeting_id, card = await new_meeting(world, "Roadmap")
    await fire(world, "meeting.started", meeting_id)
    await fire(world, "meeting.ended", meeting_id)
    summary = world.sim.webhook_payload("meeting.summary_completed", meeting_id=meeting_id)
    summary["payload"]["object"]["summary_content"] = "The webhook's own copy"
    await deliver(world, summary)
    [reply] = await world.standin.wait_for(lambda: world.standin.thread_replies(GENERAL, card.ts), timeout=30)
    assert "The webhook's own copy" in reply.all_text()
    # The bot asked Zoom (its token lacks the scope, so Zoom refused) and fell back.
    assert world.sim.stats.get("GET /v2/meetings/{meetingId}/meeting_summary") == 1
