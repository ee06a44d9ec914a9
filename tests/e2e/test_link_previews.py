"""Pasted Zoom links are previewed (signed link_shared → chat.unfurl), `/zoom join` posts Join buttons."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from bot.sandbox.slack_standin import Message
from bot.sandbox.world import OfflineWorld
from tests.e2e.conftest import assert_all_payloads_valid
from tests.e2e.test_commands import ALICE, BOB, GENERAL, reply_to, schedule, texts
from tests.kit.checked_world import checked_world
from tests.slack.blockkit import assert_valid_blocks

CAROL = "U0CAROL"
SAYING = ("chat.unfurl", "chat.postEphemeral")
MEETING_READS = "GET /v2/meetings/{meetingId}"


async def paste(
    world: OfflineWorld, user: str, text: str, *, channel: str = GENERAL, answered: bool = True
) -> Message:
    """``user`` posts ``text``; returns the message once the bot has had its say about it
    (``answered``: a chat.unfurl or an ephemeral is expected; else a quiet second passes)."""
    before = len(world.standin.calls)
    message, answer = await world.driver.post_message(user, channel, text)
    assert answer is not None and answer.status_code == 200, answer

    def said() -> bool:
        return any(c.method in SAYING for c in world.standin.calls[before:])

    if answered:
        await world.standin.wait_for(said, timeout=30)
    else:
        await asyncio.sleep(1.0)  # the bot acks first and works after: give it time to (not) answer
        assert not said()
    return message


def unfurl_calls(world: OfflineWorld) -> list[dict[str, Any]]:
    return [c.args for c in world.standin.calls_to("chat.unfurl") if c.ok]


def preview_of(world: OfflineWorld, message: Message) -> dict[str, dict[str, Any]]:
    live = world.standin.live_message(message.channel, message.ts)
    assert live is not None
    return live.unfurls


def dumped(value: object) -> str:
    return json.dumps(value)


async def test_a_linked_poster_gets_a_preview_of_their_own_meeting(linked_world: OfflineWorld) -> None:
    w = linked_world
    meeting = await schedule(w, ALICE, "alice@example.com", '"Design review" tomorrow 3pm for 45m')
    pasted = f"let's meet: {meeting.join_url}"
    message = await paste(w, ALICE, pasted)
    preview = preview_of(w, message)
    assert list(preview) == [meeting.join_url]  # keyed by the URL exactly as pasted
    blocks = preview[meeting.join_url]["blocks"]
    assert_valid_blocks(blocks)
    shown = dumped(blocks)
    assert "Design review" in shown and "Host: Alice Example" in shown
    assert "<!date^" in shown  # each reader sees the start in their own zone
    [join] = [b["accessory"] for b in blocks if b.get("accessory")]
    assert join["url"] == meeting.join_url and join["text"]["text"] == "Join"
    [call] = unfurl_calls(w)
    assert call["channel"] == GENERAL and call["ts"] == message.ts


async def test_the_preview_never_carries_the_start_url_or_a_passcode_not_pasted(
    linked_world: OfflineWorld,
) -> None:
    w = linked_world
    meeting = await schedule(w, ALICE, "alice@example.com", '"Board sync" tomorrow 9am')
    bare = meeting.join_url.split("?", 1)[0]  # pasted without its ?pwd=
    message = await paste(w, ALICE, bare)
    preview = dumped(preview_of(w, message))
    assert bare in preview
    assert "pwd=" not in preview and meeting.password not in preview
    for secret in w.sim.issued_secrets():  # start URLs' zak, tokens: none reach the channel
        assert secret not in preview
    assert "/s/" not in preview and "zak=" not in preview


async def test_a_meeting_the_poster_cannot_read_is_not_previewed(linked_world: OfflineWorld) -> None:
    w = linked_world
    await w.link("carol")  # carol has no scheduling privilege for alice: her Zoom can't see it
    alices = await schedule(w, ALICE, "alice@example.com", '"Alice private" tomorrow 10am')
    reads, seen = w.sim.stats.get(MEETING_READS, 0), len(w.standin.messages)
    message = await paste(w, CAROL, f"see {alices.join_url}", answered=False)
    assert w.sim.stats.get(MEETING_READS, 0) == reads + 1  # Zoom was asked, as carol, and said no
    assert preview_of(w, message) == {}
    assert unfurl_calls(w) == []
    assert w.standin.messages[seen:] == [message]  # carol's post, and nothing from the bot


async def test_an_assistant_who_can_read_the_hosts_meeting_gets_its_preview(
    linked_world: OfflineWorld,
) -> None:
    w = linked_world
    await w.link("bob")  # bob holds scheduling privilege for alice, so Zoom lets him read it
    alices = await schedule(w, ALICE, "alice@example.com", '"Alice and Bob" tomorrow 10am')
    message = await paste(w, BOB, alices.join_url)
    shown = dumped(preview_of(w, message))
    # His token may not read alice's user: the host is named by the e-mail the meeting carries.
    assert "Alice and Bob" in shown and "Host: alice@example.com" in shown and "zak=" not in shown


async def test_an_unlinked_poster_is_asked_once_and_the_channel_sees_nothing(
    linked_world: OfflineWorld,
) -> None:
    w = linked_world
    meeting = await schedule(w, ALICE, "alice@example.com", '"Standup" tomorrow 9am')
    first = await paste(w, CAROL, meeting.join_url)
    await paste(w, CAROL, f"again {meeting.join_url}", answered=False)
    assert preview_of(w, first) == {} and unfurl_calls(w) == []
    prompts = [m for m in w.standin.messages if m.kind == "ephemeral"]
    assert len(prompts) == 1 and prompts[0].user == CAROL  # once, and only to the poster
    assert "/zoom link" in prompts[0].all_text() and "Standup" not in prompts[0].all_text()


async def test_a_retried_delivery_has_no_second_effect(linked_world: OfflineWorld) -> None:
    w = linked_world
    meeting = await schedule(w, ALICE, "alice@example.com", '"Retro" tomorrow 4pm')
    message, event = w.standin.post_as_person(ALICE, GENERAL, meeting.join_url)
    assert event is not None
    reads = w.sim.stats.get(MEETING_READS, 0)
    first = await w.driver.event(event)
    event_id = w.driver.last_event_id
    await w.standin.wait_for(lambda: unfurl_calls(w), timeout=30)
    retried = await w.driver.event(event, event_id=event_id, retry_num=1)
    assert first.status_code == retried.status_code == 200
    await asyncio.sleep(0.5)
    assert len(unfurl_calls(w)) == 1
    assert w.sim.stats.get(MEETING_READS, 0) == reads + 1
    assert "Retro" in dumped(preview_of(w, message))


async def test_links_elsewhere_and_non_join_links_are_left_alone(linked_world: OfflineWorld) -> None:
    w = linked_world
    _, no_event = await w.driver.post_message(ALICE, GENERAL, "docs at https://example.com/j/81234567890")
    assert no_event is None  # not an unfurl domain: Slack sends nothing
    reads = w.sim.stats.get(MEETING_READS, 0)
    text = "https://zoom.us/rec/share/abc and https://zoom.us/j/12345"
    message = await paste(w, ALICE, text, answered=False)
    assert preview_of(w, message) == {} and w.sim.stats.get(MEETING_READS, 0) == reads


async def test_account_mode_previews_any_meeting_of_the_account(account_world: OfflineWorld) -> None:
    w = account_world
    meeting = await schedule(w, ALICE, "alice@example.com", '"All hands" tomorrow 5pm')
    message = await paste(w, BOB, meeting.join_url)  # bob is a user of the account
    blocks = preview_of(w, message)[meeting.join_url]["blocks"]
    shown = dumped(blocks)
    assert "All hands" in shown and "Host: Alice Example" in shown and "zak=" not in shown


async def test_account_mode_previews_nothing_for_someone_outside_the_account(
    account_world: OfflineWorld,
) -> None:
    w = account_world
    w.standin.add_user("U0DAVE", "dave", "dave@elsewhere.example", tz="UTC")
    meeting = await schedule(w, ALICE, "alice@example.com", '"Internal" tomorrow 5pm')
    reads = w.sim.stats.get(MEETING_READS, 0)
    message = await paste(w, "U0DAVE", meeting.join_url, answered=False)
    assert preview_of(w, message) == {} and unfurl_calls(w) == []
    assert w.sim.stats.get(MEETING_READS, 0) == reads  # not a user of the account: never asked


async def test_join_posts_the_meeting_in_the_channel(linked_world: OfflineWorld) -> None:
    w = linked_world
    meeting = await schedule(w, ALICE, "alice@example.com", '"Planning" tomorrow 11am')
    [post] = await reply_to(w, ALICE, f"join {meeting.id}")
    assert post.kind == "post" and post.channel == GENERAL
    body = texts([post])
    assert "Planning" in body and meeting.join_url in body and "<!date^" in body
    assert "zak=" not in body


async def test_join_someone_elses_meeting_gets_the_not_found_hint(linked_world: OfflineWorld) -> None:
    w = linked_world
    await w.link("carol")
    carols = await schedule(w, CAROL, "carol@example.com", '"Carol only" tomorrow 11am')
    replies = await reply_to(w, ALICE, f"join {carols.id}")  # alice may not read carol's meetings
    assert all(m.kind == "response" for m in replies)
    assert "What to do" in texts(replies) and "Carol only" not in texts(replies)


async def test_join_me_posts_the_personal_room(linked_world: OfflineWorld) -> None:
    w = linked_world
    zoom_user = w.sim.user("alice@example.com")
    [post] = await reply_to(w, ALICE, "join me")
    assert post.kind == "post"
    body = texts([post])
    assert f"https://zoom.us/j/{zoom_user.pmi}" in body and "personal meeting room" in body


async def test_join_me_without_a_pmi_says_so(tmp_path: Path) -> None:
    async with checked_world(tmp_path) as w:
        w.sim.user("alice@example.com").pmi_enabled = False
        assert (await w.link("alice")).status_code == 200
        replies = await reply_to(w, ALICE, "join me")
        assert all(m.kind == "response" for m in replies)
        assert "Personal Meeting ID" in texts(replies) and "/zoom new" in texts(replies)
        assert_all_payloads_valid(w)


async def test_join_me_in_account_mode_uses_the_callers_zoom_user(account_world: OfflineWorld) -> None:
    w = account_world
    [post] = await reply_to(w, BOB, "join me")
    assert f"https://zoom.us/j/{w.sim.user('bob@example.com').pmi}" in texts([post])


async def test_join_unlinked_and_bad_ids_get_hints(world: OfflineWorld) -> None:
    assert "/zoom link" in texts(await reply_to(world, ALICE, "join 812 3456 7890"))
    usage = await world.driver.slash(ALICE, GENERAL, "join soon")
    assert "/zoom join" in usage.text and "Example" in usage.text
