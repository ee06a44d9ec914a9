"""The Slack stand-in's Web API, driven by slack_sdk's real AsyncWebClient over loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.sandbox.slack_standin import RateLimit, SlackStandin

WINTER = datetime(2026, 1, 15, 12, 0, tzinfo=UTC).timestamp()
SUMMER = datetime(2026, 7, 15, 12, 0, tzinfo=UTC).timestamp()


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(WINTER)


@pytest.fixture
async def standin(clock: FakeClock) -> AsyncIterator[SlackStandin]:
    standin = SlackStandin("signing-secret", clock=clock)
    standin.add_user("U1", "ada", "ada@example.com", tz="America/New_York", is_admin=True)
    standin.add_user("U2", "bob", "bob@example.com", tz=None)
    standin.add_channel("C1", "general")
    standin.add_channel("C2", "random")
    standin.add_channel("G1", "secret", is_private=True, bot_is_member=False)
    async with standin.serve():
        yield standin


@pytest.fixture
def client(standin: SlackStandin) -> AsyncWebClient:
    return AsyncWebClient(token=standin.bot_token, base_url=standin.api_url)


async def error_of(call: object) -> SlackApiError:
    with pytest.raises(SlackApiError) as caught:
        await call  # type: ignore[misc]
    return caught.value


def section(text: str) -> dict[str, object]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


async def test_auth_test_answers_with_the_bot_identity(standin: SlackStandin, client: AsyncWebClient) -> None:
    answer = await client.auth_test()
    assert answer["team_id"] == "T0001"
    assert answer["user_id"] == standin.identity.bot_user_id
    assert answer["bot_id"] == standin.identity.bot_id
    assert standin.calls[-1].method == "auth.test"
    assert standin.calls[-1].token == standin.bot_token


async def test_calls_without_or_with_a_wrong_token_are_refused(standin: SlackStandin) -> None:
    async with httpx.AsyncClient() as http:
        missing = (await http.post(standin.api_url + "auth.test")).json()
        wrong = (
            await http.post(standin.api_url + "auth.test", headers={"Authorization": "Bearer xoxb-not-ours"})
        ).json()
        form_token = (
            await http.post(standin.api_url + "auth.test", data={"token": standin.bot_token})
        ).json()
    assert missing == {"ok": False, "error": "not_authed"}
    assert wrong == {"ok": False, "error": "invalid_auth"}
    assert form_token["ok"] is True
    assert [c.error for c in standin.calls] == ["not_authed", "invalid_auth", None]


async def test_unknown_method_is_named(client: AsyncWebClient) -> None:
    error = await error_of(client.api_call("chat.meMessage", json={"channel": "C1", "text": "hi"}))
    assert error.response["error"] == "unknown_method"


async def test_post_message_is_recorded_with_blocks_and_thread(
    standin: SlackStandin, client: AsyncWebClient
) -> None:
    blocks = [section("*Standup* starts now")]
    answer = await client.chat_postMessage(channel="C1", text="Standup", blocks=blocks, thread_ts="1.000001")
    message = standin.messages[-1]
    assert (message.kind, message.channel, message.ts) == ("post", "C1", answer["ts"])
    assert message.blocks == blocks and message.text == "Standup" and message.thread_ts == "1.000001"
    assert not message.is_ephemeral
    assert standin.calls[-1].args["blocks"] == blocks
    assert "Standup* starts now" in message.all_text()


async def test_threads_are_one_level_deep_and_chat_update_is_rate_limited(
    standin: SlackStandin, client: AsyncWebClient
) -> None:
    card = await client.chat_postMessage(channel="C1", text="card")
    reply = await client.chat_postMessage(channel="C1", text="reply", thread_ts=card["ts"])
    nested = await client.chat_postMessage(channel="C1", text="reply to the reply", thread_ts=reply["ts"])
    assert [m.ts for m in standin.thread_replies("C1", card["ts"])] == [reply["ts"], nested["ts"]]
    standin.limit_updates()
    assert (await client.chat_update(channel="C1", ts=card["ts"], text="one"))["ok"]
    refused = await error_of(client.chat_update(channel="C1", ts=card["ts"], text="two"))
    assert refused.response.status_code == 429 and refused.response["error"] == "ratelimited"
    assert int(refused.response.headers["Retry-After"]) >= 1
    assert (await client.chat_update(channel="C1", ts=reply["ts"], text="another message"))["ok"]
    assert standin.live_message("C1", card["ts"]).text == "one"  # type: ignore[union-attr]


async def test_post_message_refusals_match_slack(client: AsyncWebClient) -> None:
    assert (await error_of(client.chat_postMessage(channel="C404", text="x"))).response["error"] == (
        "channel_not_found"
    )
    assert (await error_of(client.chat_postMessage(channel="G1", text="x"))).response[
        "error"
    ] == "not_in_channel"
    with pytest.warns(UserWarning, match="text"):  # slack_sdk nags too; Slack refuses
        assert (await error_of(client.chat_postMessage(channel="C1"))).response["error"] == "no_text"


async def test_posting_to_a_user_id_lands_in_their_dm(standin: SlackStandin, client: AsyncWebClient) -> None:
    answer = await client.chat_postMessage(channel="U1", text="your digest")
    opened = await client.conversations_open(users="U1")
    assert answer["channel"].startswith("D")
    assert opened["channel"]["id"] == answer["channel"] == standin.dm_channel("U1")
    assert opened["already_open"] is True
    info = await client.conversations_info(channel=answer["channel"])
    assert info["channel"]["is_im"] is True and info["channel"]["user"] == "U1"


async def test_ephemeral_cannot_be_updated_but_a_post_can(
    standin: SlackStandin, client: AsyncWebClient
) -> None:
    ephemeral = await client.chat_postEphemeral(channel="C1", user="U1", text="only you")
    assert standin.ephemerals_for("U1")[-1].text == "only you"
    error = await error_of(client.chat_update(channel="C1", ts=ephemeral["message_ts"], text="edited"))
    assert error.response["error"] == "message_not_found"

    posted = await client.chat_postMessage(channel="C1", text="v1")
    await client.chat_update(channel="C1", ts=posted["ts"], text="v2")
    assert standin.messages[-1].kind == "update"
    live = standin.live_message("C1", posted["ts"])
    assert live is not None and live.text == "v2"
    await client.chat_delete(channel="C1", ts=posted["ts"])
    assert standin.live_message("C1", posted["ts"]) is None
    again = await error_of(client.chat_delete(channel="C1", ts=posted["ts"]))
    assert again.response["error"] == "message_not_found"


async def test_post_ephemeral_needs_a_known_user(client: AsyncWebClient) -> None:
    error = await error_of(client.chat_postEphemeral(channel="C1", user="U404", text="x"))
    assert error.response["error"] == "user_not_found"


@pytest.mark.parametrize(
    ("blocks", "pointer"),
    [
        ([section(f"row {i}") for i in range(51)], "/blocks"),
        ([section("x" * 3001)], "/blocks/0/text/text"),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "/blocks/0/text/text"),
        ([{**section("a"), "block_id": "same"}, {**section("b"), "block_id": "same"}], "/blocks/1/block_id"),
    ],
    ids=["51-blocks", "section-3001", "header-151", "duplicate-block-id"],
)
async def test_block_kit_limits_are_enforced(
    standin: SlackStandin, client: AsyncWebClient, blocks: list[dict[str, object]], pointer: str
) -> None:
    error = await error_of(client.chat_postMessage(channel="C1", text="fallback", blocks=blocks))
    assert error.response["error"] == "invalid_blocks"
    assert any(f"[json-pointer:{pointer}]" in e for e in error.response["errors"])
    assert standin.messages == []


async def test_block_kit_limits_accept_the_maximum(client: AsyncWebClient) -> None:
    blocks = [section("x" * 3000)] + [section(f"row {i}") for i in range(49)]
    blocks.append({"type": "header", "text": {"type": "plain_text", "text": "h" * 150}})
    error = await error_of(client.chat_postMessage(channel="C1", text="fallback", blocks=blocks))
    assert "must be less than 51 items [json-pointer:/blocks]" in error.response["errors"]
    answer = await client.chat_postMessage(channel="C1", text="fallback", blocks=blocks[:50])
    assert answer["ok"]


async def test_users_info_gives_zone_email_and_admin_flag(
    standin: SlackStandin, client: AsyncWebClient, clock: FakeClock
) -> None:
    user = (await client.users_info(user="U1"))["user"]
    assert user["tz"] == "America/New_York"
    assert (user["tz_label"], user["tz_offset"]) == ("EST", -5 * 3600)
    assert user["profile"]["email"] == "ada@example.com"
    assert user["profile"]["real_name"] == "ada"
    assert user["is_admin"] is True
    clock.now = SUMMER
    assert (await client.users_info(user="U1"))["user"]["tz_offset"] == -4 * 3600
    no_zone = (await client.users_info(user="U2"))["user"]
    assert no_zone["tz"] is None and no_zone["tz_offset"] == 0
    assert (await error_of(client.users_info(user="U404"))).response["error"] == "user_not_found"


async def test_schedule_message_rules_and_delivery(
    standin: SlackStandin, client: AsyncWebClient, clock: FakeClock
) -> None:
    now = int(clock())
    assert (await error_of(client.chat_scheduleMessage(channel="C1", post_at=now - 1, text="x"))).response[
        "error"
    ] == "time_in_past"
    too_far = now + 121 * 24 * 3600
    assert (await error_of(client.chat_scheduleMessage(channel="C1", post_at=too_far, text="x"))).response[
        "error"
    ] == "time_too_far"
    kept = await client.chat_scheduleMessage(channel="C1", post_at=now + 600, text="in ten minutes")
    dropped = await client.chat_scheduleMessage(channel="C1", post_at=now + 300, text="cancelled")
    await client.chat_deleteScheduledMessage(
        channel="C1", scheduled_message_id=dropped["scheduled_message_id"]
    )
    gone = await error_of(
        client.chat_deleteScheduledMessage(channel="C1", scheduled_message_id=dropped["scheduled_message_id"])
    )
    assert gone.response["error"] == "invalid_scheduled_message_id"
    assert list(standin.scheduled) == [kept["scheduled_message_id"]]

    clock.advance(599)
    assert standin.deliver_due_scheduled() == []
    clock.advance(1)
    [delivered] = standin.deliver_due_scheduled()
    assert (delivered.channel, delivered.text) == ("C1", "in ten minutes")
    assert standin.scheduled == {}


async def test_modal_needs_a_fresh_single_use_trigger(
    standin: SlackStandin, client: AsyncWebClient, clock: FakeClock
) -> None:
    modal = {
        "type": "modal",
        "callback_id": "schedule",
        "title": {"type": "plain_text", "text": "Schedule"},
        "blocks": [],
    }
    trigger = standin.issue_trigger_id("U1")
    opened = (await client.views_open(trigger_id=trigger, view=modal))["view"]
    assert opened["id"].startswith("V") and opened["callback_id"] == "schedule"
    assert standin.views[-1].method == "views.open" and standin.views[-1].user == "U1"
    reused = await error_of(client.views_open(trigger_id=trigger, view=modal))
    assert reused.response["error"] == "exchanged_trigger_id"
    late = standin.issue_trigger_id("U1")
    clock.advance(3.5)
    assert (await error_of(client.views_open(trigger_id=late, view=modal))).response["error"] == (
        "expired_trigger_id"
    )
    assert (await error_of(client.views_open(trigger_id="made-up", view=modal))).response["error"] == (
        "invalid_trigger_id"
    )

    updated = (await client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal))["view"]
    assert updated["id"] == opened["id"]
    conflict = await error_of(client.views_update(view_id=opened["id"], hash="stale", view=modal))
    assert conflict.response["error"] == "hash_conflict"


async def test_view_block_limit_is_100(standin: SlackStandin, client: AsyncWebClient) -> None:
    home = {"type": "home", "blocks": [section(f"row {i}") for i in range(100)]}
    published = (await client.views_publish(user_id="U1", view=home))["view"]
    assert standin.views[-1].method == "views.publish" and standin.views[-1].id == published["id"]
    too_many = {"type": "home", "blocks": [section(f"row {i}") for i in range(101)]}
    error = await error_of(client.views_publish(user_id="U1", view=too_many))
    assert error.response["error"] == "invalid_blocks"
    republished = (await client.views_publish(user_id="U1", view=home))["view"]
    assert republished["id"] == published["id"]


async def test_post_rate_limit_is_per_channel_and_answers_retry_after(
    standin: SlackStandin, client: AsyncWebClient, clock: FakeClock
) -> None:
    standin.limit_posts(RateLimit(per_second=1.0, burst=2))
    await client.chat_postMessage(channel="C1", text="1")
    await client.chat_postMessage(channel="C1", text="2")
    error = await error_of(client.chat_postMessage(channel="C1", text="3"))
    assert error.response.status_code == 429
    assert error.response["error"] == "ratelimited"
    assert error.response.headers["Retry-After"] in ("1", ["1"])
    await client.chat_postMessage(channel="C2", text="other channel is fine")
    clock.advance(1.0)
    await client.chat_postMessage(channel="C1", text="3 again")
    assert [m.text for m in standin.messages_in("C1")] == ["1", "2", "3 again"]
    standin.limit_posts(None)
    for i in range(5):
        await client.chat_postMessage(channel="C1", text=f"burst {i}")


async def test_injected_faults_apply_the_given_number_of_times(
    standin: SlackStandin, client: AsyncWebClient
) -> None:
    standin.inject("users.info", status=500, times=2)
    standin.inject("chat.postMessage", status=429, retry_after=7)
    for _ in range(2):
        error = await error_of(client.users_info(user="U1"))
        assert (error.response.status_code, error.response["error"]) == (500, "internal_error")
    assert (await client.users_info(user="U1"))["ok"]
    limited = await error_of(client.chat_postMessage(channel="C1", text="x"))
    assert limited.response["error"] == "ratelimited"
    assert limited.response.headers["Retry-After"] in ("7", ["7"])
    standin.inject("chat.postMessage", error="account_inactive", times=None)
    for _ in range(3):
        assert (await error_of(client.chat_postMessage(channel="C1", text="x"))).response["error"] == (
            "account_inactive"
        )
    standin.clear_faults()
    assert (await client.chat_postMessage(channel="C1", text="x"))["ok"]


async def test_response_url_sink_follows_slack_rules(standin: SlackStandin, clock: FakeClock) -> None:
    async with httpx.AsyncClient() as http:
        url = standin.issue_response_url("C1", "U1")
        assert url.startswith(standin.base_url + "/response/")
        first = await http.post(url, json={"text": "only you see this"})
        assert first.status_code == 200
        await http.post(url, json={"text": "everyone sees this", "response_type": "in_channel"})
        for i in range(3):
            assert (await http.post(url, json={"text": f"use {i + 3}"})).status_code == 200
        sixth = await http.post(url, json={"text": "one too many"})
        assert (sixth.status_code, sixth.json()["error"]) == (404, "used_url")

        old = standin.issue_response_url("C1", "U1")
        clock.advance(30 * 60 + 1)
        expired = await http.post(old, json={"text": "late"})
        assert (expired.status_code, expired.json()["error"]) == (404, "expired_url")

        fresh = standin.issue_response_url("C1", "U1")
        invalid = await http.post(fresh, json={"text": "x", "blocks": [section("y" * 3001)]})
        assert (invalid.status_code, invalid.json()["error"]) == (400, "invalid_blocks")
        unknown = await http.post(standin.base_url + "/response/not-issued", json={"text": "x"})
        assert unknown.status_code == 404

    private, public = standin.messages[0], standin.messages[1]
    assert (private.kind, private.response_type, private.user, private.is_ephemeral) == (
        "response",
        "ephemeral",
        "U1",
        True,
    )
    assert (public.response_type, public.user, public.is_ephemeral) == ("in_channel", None, False)
    assert len(standin.messages) == 5


async def test_replace_original_through_a_response_url_changes_the_message(
    standin: SlackStandin, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="C1", text="Join standup")
    url = standin.issue_response_url("C1", "U1", original_ts=posted["ts"])
    async with httpx.AsyncClient() as http:
        await http.post(url, json={"text": "Meeting cancelled", "replace_original": True})
    response = standin.messages[-1]
    assert response.replace_original and response.original_ts == posted["ts"]
    live = standin.live_message("C1", posted["ts"])
    assert live is not None and live.text == "Meeting cancelled"
    async with httpx.AsyncClient() as http:
        await http.post(url, json={"delete_original": True})
    assert standin.live_message("C1", posted["ts"]) is None


async def test_response_url_faults_can_be_injected(standin: SlackStandin) -> None:
    standin.inject("response_url", status=500)
    url = standin.issue_response_url("C1", "U1")
    async with httpx.AsyncClient() as http:
        assert (await http.post(url, json={"text": "x"})).status_code == 500
        assert (await http.post(url, json={"text": "x"})).status_code == 200


async def test_wait_for_returns_the_value_or_times_out(standin: SlackStandin) -> None:
    assert await standin.wait_for(lambda: ["found"], timeout=0.1) == ["found"]
    with pytest.raises(TimeoutError):
        await standin.wait_for(lambda: standin.messages_in("C1"), timeout=0.05)
