"""The stand-in's link unfurling: link_shared for a person's message, and chat.unfurl's rules."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox.slack_standin import SlackStandin
from bot.sandbox.slack_standin.unfurl_methods import links_in

JOIN = "https://acme.zoom.us/j/81234567890?pwd=abc"
PREVIEW = {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Standup*"}}]}


@pytest.fixture
async def standin() -> AsyncIterator[SlackStandin]:
    standin = SlackStandin("signing-secret")
    standin.add_user("U1", "ada", "ada@example.com")
    standin.add_channel("C1", "general")
    standin.add_channel("G1", "secret", is_private=True, bot_is_member=False)
    async with standin.serve():
        yield standin


@pytest.fixture
def client(standin: SlackStandin) -> AsyncWebClient:
    return AsyncWebClient(token=standin.bot_token, base_url=standin.api_url)


async def error_of(call: object) -> str:
    with pytest.raises(SlackApiError) as caught:
        await call  # type: ignore[misc]
    return str(caught.value.response["error"])


def test_links_on_the_unfurl_domains_and_their_subdomains_only() -> None:
    text = f"<{JOIN}> and https://zoom.us/j/123456789 and https://notzoom.us/j/1 and https://example.com"
    assert links_in(text, ("zoom.us",)) == [
        {"domain": "zoom.us", "url": JOIN},
        {"domain": "zoom.us", "url": "https://zoom.us/j/123456789"},
    ]


def test_a_persons_message_with_a_zoom_link_makes_a_link_shared_event(standin: SlackStandin) -> None:
    message, event = standin.post_as_person("U1", "C1", f"join: {JOIN}")
    assert message.author == "U1" and standin.live_message("C1", message.ts) == message
    assert event is not None
    assert event["type"] == "link_shared" and event["user"] == "U1" and event["channel"] == "C1"
    assert event["message_ts"] == message.ts and event["source"] == "conversations_history"
    assert event["links"] == [{"domain": "zoom.us", "url": JOIN}] and event["unfurl_id"]
    _, nothing = standin.post_as_person("U1", "C1", "no links here")
    assert nothing is None
    _, unseen = standin.post_as_person("U1", "G1", JOIN)  # the bot isn't in that channel
    assert unseen is None


async def test_unfurl_by_channel_and_ts_stores_the_preview(
    standin: SlackStandin, client: AsyncWebClient
) -> None:
    message, _ = standin.post_as_person("U1", "C1", JOIN)
    await client.chat_unfurl(channel="C1", ts=message.ts, unfurls={JOIN: PREVIEW})
    live = standin.live_message("C1", message.ts)
    assert live is not None and live.unfurls == {JOIN: PREVIEW}
    assert standin.messages[-1].kind == "unfurl"
    again = {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Moved*"}}]}
    await client.chat_unfurl(channel="C1", ts=message.ts, unfurls={JOIN: again})
    live = standin.live_message("C1", message.ts)
    assert live is not None and live.unfurls == {JOIN: again}  # replaced, not added


async def test_unfurl_by_unfurl_id_and_source(standin: SlackStandin, client: AsyncWebClient) -> None:
    message, event = standin.post_as_person("U1", "C1", JOIN)
    assert event is not None
    await client.chat_unfurl(
        unfurl_id=event["unfurl_id"], source="conversations_history", unfurls={JOIN: PREVIEW}
    )
    live = standin.live_message("C1", message.ts)
    assert live is not None and JOIN in live.unfurls


async def test_unfurl_refusals_match_slack(standin: SlackStandin, client: AsyncWebClient) -> None:
    message, event = standin.post_as_person("U1", "C1", JOIN)
    assert event is not None
    ts = message.ts
    assert await error_of(client.chat_unfurl(ts=ts, unfurls={JOIN: PREVIEW})) == "missing_channel"
    assert await error_of(client.chat_unfurl(channel="C1", unfurls={JOIN: PREVIEW})) == "missing_ts"
    assert await error_of(client.chat_unfurl(channel="C1", ts=ts)) == "missing_unfurls"
    assert (
        await error_of(client.chat_unfurl(channel="C9", ts=ts, unfurls={JOIN: PREVIEW}))
        == "cannot_find_channel"
    )
    assert (
        await error_of(client.chat_unfurl(channel="C1", ts="1.2", unfurls={JOIN: PREVIEW}))
        == "cannot_find_message"
    )
    other = "https://zoom.us/j/99999999999"
    assert await error_of(client.chat_unfurl(channel="C1", ts=ts, unfurls={other: PREVIEW})) == (
        "cannot_unfurl_message"
    )
    assert (
        await error_of(client.chat_unfurl(channel="C1", ts=ts, unfurls={JOIN: {}}))
        == "cannot_parse_attachment"
    )
    bad = {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]}
    assert await error_of(client.chat_unfurl(channel="C1", ts=ts, unfurls={JOIN: bad})) == "invalid_blocks"
    no_source = client.chat_unfurl(unfurl_id=event["unfurl_id"], unfurls={JOIN: PREVIEW})
    assert await error_of(no_source) == "invalid_arguments"
    unknown = client.chat_unfurl(unfurl_id="nope", source="composer", unfurls={JOIN: PREVIEW})
    assert await error_of(unknown) == "cannot_find_message"
    live = standin.live_message("C1", ts)
    assert live is not None and live.unfurls == {}  # nothing was stored by a refused call


async def test_only_links_shared_with_the_app_can_be_unfurled(
    standin: SlackStandin, client: AsyncWebClient
) -> None:
    elsewhere = "https://example.com/j/81234567890"
    message, event = standin.post_as_person("U1", "C1", f"{JOIN} {elsewhere}")
    assert event is not None and [link["url"] for link in event["links"]] == [JOIN]
    call = client.chat_unfurl(channel="C1", ts=message.ts, unfurls={elsewhere: PREVIEW})
    assert await error_of(call) == "cannot_unfurl_url"
    posted = await client.chat_postMessage(channel="C1", text=JOIN)  # the bot's own message
    call = client.chat_unfurl(channel="C1", ts=posted["ts"], unfurls={JOIN: PREVIEW})
    assert await error_of(call) == "cannot_find_message"
