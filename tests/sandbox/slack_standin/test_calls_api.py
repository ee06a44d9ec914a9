"""The stand-in's Calls API is as strict as Slack's: slack_sdk's real client over loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox.slack_standin import SlackStandin

JOIN = "https://zoom.us/j/81234567890"


@pytest.fixture
async def client() -> AsyncIterator[tuple[SlackStandin, AsyncWebClient]]:
    standin = SlackStandin("signing-secret", clock=lambda: 1_700_000_000.0)
    standin.add_user("U1", "ada", "ada@example.com")
    standin.add_channel("C1", "general")
    async with standin.serve():
        yield standin, AsyncWebClient(token=standin.bot_token, base_url=standin.api_url)


async def refused(call: object) -> str:
    with pytest.raises(SlackApiError) as raised:
        await call  # type: ignore[misc]
    return str(raised.value.response["error"])


async def test_a_call_is_added_joined_left_and_ended(client: tuple[SlackStandin, AsyncWebClient]) -> None:
    standin, slack = client
    added = await slack.calls_add(external_unique_id="u-1", join_url=JOIN, title="Standup", created_by="U1")
    call_id = added["call"]["id"]
    assert call_id.startswith("R") and added["call"]["title"] == "Standup"
    guest = {"external_id": "16000001", "display_name": "Dana"}
    await slack.calls_participants_add(id=call_id, users=[{"slack_id": "U1"}, guest])
    await slack.calls_participants_remove(id=call_id, users=[guest])
    info = await slack.calls_info(id=call_id)
    assert info["call"]["users"] == [{"slack_id": "U1"}] and "date_end" not in info["call"]
    await slack.calls_end(id=call_id, duration=600)
    record = standin.slack_call(call_id)
    assert record is not None and record.ended and record.duration == 600
    assert (await slack.calls_info(id=call_id))["call"]["date_end"] == record.date_start + 600
    posted = await slack.chat_postMessage(
        channel="C1", text="x", blocks=[{"type": "call", "call_id": call_id}]
    )
    assert posted["ok"]


async def test_wrong_fields_and_wrong_calls_are_refused(client: tuple[SlackStandin, AsyncWebClient]) -> None:
    standin, slack = client
    assert await refused(slack.calls_add(external_unique_id="u-1", join_url=JOIN)) == "invalid_created_by"
    assert await refused(slack.calls_add(external_unique_id="u-1", join_url=JOIN, created_by="U404")) == (
        "invalid_created_by"
    )
    assert await refused(slack.api_call("calls.add", params={"join_url": JOIN, "created_by": "U1"})) == (
        "invalid_arguments"
    )
    call_id = (await slack.calls_add(external_unique_id="u-2", join_url=JOIN, created_by="U1"))["call"]["id"]
    assert (
        await refused(slack.calls_participants_add(id="R404", users=[{"slack_id": "U1"}]))
        == "invalid_call_id"
    )
    assert await refused(slack.calls_participants_add(id=call_id, users=[{"user": "U1"}])) == "invalid_users"
    assert await refused(slack.calls_participants_add(id=call_id, users=[{"slack_id": "U404"}])) == (
        "user_not_found"
    )
    assert (
        await refused(slack.calls_participants_remove(id=call_id, users=[{"slack_id": "U1"}])) == "bad_users"
    )
    await slack.calls_end(id=call_id)
    assert (
        await refused(slack.calls_participants_add(id=call_id, users=[{"slack_id": "U1"}])) == "inactive_call"
    )
    assert await refused(slack.calls_end(id=call_id)) == "inactive_call"
    block = [{"type": "call", "call_id": "R404"}]
    assert await refused(slack.chat_postMessage(channel="C1", text="x", blocks=block)) == "invalid_blocks"
    standin.grant_scopes(["chat:write"])
    assert await refused(slack.calls_add(external_unique_id="u-3", join_url=JOIN, created_by="U1")) == (
        "missing_scope"
    )


async def test_users_lookup_by_email(client: tuple[SlackStandin, AsyncWebClient]) -> None:
    _, slack = client
    assert (await slack.users_lookupByEmail(email="ADA@example.com"))["user"]["id"] == "U1"
    assert await refused(slack.users_lookupByEmail(email="nobody@example.com")) == "users_not_found"
