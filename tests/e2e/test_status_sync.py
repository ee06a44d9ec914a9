"""Status sync end to end: Slack's user OAuth at the stand-in, the token sealed in the database,
real signed Zoom webhooks setting and restoring the person's Slack status, exactly once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import select, text

from bot.sandbox.slack_standin import ApiCall
from bot.sandbox.world import OfflineWorld
from bot.sandbox.zoom_simulator import ManualClock
from bot.store.models import StatusSync
from bot.zoom.models import parse_time
from tests.e2e.conftest import alice_linked
from tests.e2e.test_live_meetings import deliver, new_meeting
from tests.kit.checked_world import checked_world
from tests.kit.sibling import sibling_bot

ALICE = "U0ALICE"
BOB = "U0BOB"
OURS = {"status_text": "In a Zoom meeting", "status_emoji": ":video_camera:"}


@pytest.fixture
async def world(tmp_path: Path, clock: ManualClock) -> AsyncIterator[OfflineWorld]:
    async with alice_linked(tmp_path, clock) as w:
        yield w


def profile_sets(world: OfflineWorld) -> list[ApiCall]:
    return [c for c in world.standin.calls_to("users.profile.set") if c.ok]


async def reply_to(world: OfflineWorld, user: str, command: str) -> str:
    before = len(world.standin.messages)
    await world.driver.slash(user, "C0GENERAL", command)
    message = await world.standin.wait_for(
        lambda: next((m for m in world.standin.messages[before:] if m.user == user), None), timeout=30
    )
    assert message is not None
    return message.text or ""


async def start(world: OfflineWorld, meeting_id: int) -> dict[str, object]:
    body = world.sim.webhook_payload("meeting.started", meeting_id=meeting_id)
    await deliver(world, body)
    await world.events_acted_on()
    obj = body["payload"]["object"]
    assert isinstance(obj, dict)
    return obj


async def end(world: OfflineWorld, meeting_id: int) -> None:
    await deliver(world, world.sim.webhook_payload("meeting.ended", meeting_id=meeting_id))
    await world.events_acted_on()


async def stored_rows(world: OfflineWorld) -> list[tuple[object, ...]]:
    async with world.bot.db.engine.connect() as conn:
        return [tuple(row) for row in (await conn.execute(text("SELECT * FROM status_sync"))).all()]


async def test_on_stores_the_token_sealed_then_a_meeting_sets_and_its_end_restores(
    world: OfflineWorld, clock: ManualClock
) -> None:
    world.standin.set_own_status(ALICE, "Focusing", ":headphones:")
    page = await world.status_on("alice")
    assert page.status_code == 200 and "Status sync is on" in page.text, page.text

    [token] = world.standin.user_tokens_of(ALICE)
    rows = await stored_rows(world)
    assert len(rows) == 1
    assert all(token not in str(value) for value in rows[0])  # sealed, never plaintext
    async with world.bot.db.session() as session:
        row = (await session.scalars(select(StatusSync))).one()
    assert row.user_token_enc and row.scopes == "users.profile:read users.profile:write"
    # The consent went to Slack with the person's team and the user scopes only.
    assert "is *on*" in (await reply_to(world, ALICE, "status show")).replace("Status sync is on.", "is *on*")

    meeting_id, _ = await new_meeting(world, "Standup")
    meeting = await start(world, meeting_id)
    status = world.standin.status_of(ALICE)
    assert {k: status[k] for k in OURS} == OURS
    # Until the scheduled end (`/zoom new` schedules an hour from now at Zoom).
    scheduled_end = parse_time(str(meeting["start_time"])) + timedelta(minutes=int(str(meeting["duration"])))
    assert status["status_expiration"] == int(scheduled_end.timestamp())
    assert [c.token for c in profile_sets(world)] == [token]  # the person's token, not the bot's

    await end(world, meeting_id)
    assert world.standin.status_of(ALICE) == {
        "status_text": "Focusing",
        "status_emoji": ":headphones:",
        "status_expiration": 0,
    }
    assert len(profile_sets(world)) == 2
    async with world.bot.db.session() as session:
        row = (await session.scalars(select(StatusSync))).one()
    assert row.meeting_key is None and row.lease_owner is None


async def test_set_once_when_the_start_reaches_two_processes_and_arrives_twice(
    world: OfflineWorld, tmp_path: Path
) -> None:
    assert (await world.status_on("alice")).status_code == 200
    meeting_id, _ = await new_meeting(world, "Standup")
    started = world.sim.webhook_payload("meeting.started", meeting_id=meeting_id)
    # The host's own join is the same meeting instance: it must not set the status again.
    host_joined = world.sim.webhook_payload("meeting.participant_joined", meeting_id=meeting_id, name="alice")
    secret = world.settings.ZOOM_WEBHOOK_SECRET_TOKEN
    assert secret is not None
    async with (
        sibling_bot(world, tmp_path / "sibling") as sibling_url,
        httpx.AsyncClient(timeout=10) as client,
    ):
        answers = await asyncio.gather(
            deliver(world, started, client),
            deliver(world, started, client),
            world.sim.deliver_webhook(f"{sibling_url}/zoom/webhooks", secret, host_joined, client=client),
            world.sim.deliver_webhook(f"{sibling_url}/zoom/webhooks", secret, started, client=client),
        )
        assert answers[2].status_code == answers[3].status_code == 200
        await world.events_acted_on()
        # Until the sibling has acted on the join (it set the status, or found it shown).
        log = tmp_path / "sibling" / "sibling.log"
        await world.standin.wait_for(
            lambda: "status set for" in log.read_text() or "already shown" in log.read_text(), timeout=30
        )
    assert len(profile_sets(world)) == 1
    assert {k: world.standin.status_of(ALICE)[k] for k in OURS} == OURS
    statuses = sorted(str(a.get("status")) for a in answers[:2]) + [str(answers[3].json().get("status"))]
    assert statuses.count("accepted") == 1  # the same event, delivered three times, accepted once

    await end(world, meeting_id)
    assert world.standin.status_of(ALICE)["status_text"] == ""
    assert len(profile_sets(world)) == 2


async def test_a_status_changed_during_the_meeting_is_left_alone(world: OfflineWorld) -> None:
    world.standin.set_own_status(ALICE, "Focusing", ":headphones:")
    assert (await world.status_on("alice")).status_code == 200
    meeting_id, _ = await new_meeting(world, "Standup")
    await start(world, meeting_id)
    world.standin.set_own_status(ALICE, "Lunch", ":sandwich:")
    await end(world, meeting_id)
    assert world.standin.status_of(ALICE)["status_text"] == "Lunch"
    assert len(profile_sets(world)) == 1  # read at the end, not written
    assert len(world.standin.calls_to("users.profile.get")) == 2


async def test_a_missed_end_is_put_back_by_the_housekeeping_after_the_expiry(
    world: OfflineWorld, clock: ManualClock
) -> None:
    world.standin.set_own_status(ALICE, "Focusing", ":headphones:")
    assert (await world.status_on("alice")).status_code == 200
    meeting_id, _ = await new_meeting(world, "Standup")
    await start(world, meeting_id)
    await world.bot.worker.catch_up()
    assert world.standin.status_of(ALICE)["status_text"] == OURS["status_text"]  # not due yet
    clock.advance(timedelta(hours=1, minutes=1).total_seconds())  # past the scheduled end
    await world.bot.worker.catch_up()
    assert world.standin.status_of(ALICE)["status_text"] == "Focusing"


async def test_off_revokes_the_token_and_forgets_it(world: OfflineWorld) -> None:
    assert (await world.status_on("alice")).status_code == 200
    [token] = world.standin.user_tokens_of(ALICE)
    reply = await reply_to(world, ALICE, "status off")
    assert "off" in reply
    [revoke] = world.standin.calls_to("auth.revoke")
    assert revoke.token == token and revoke.ok
    assert await stored_rows(world) == []
    assert token in world.standin.user_side.revoked
    assert "off" in await reply_to(world, ALICE, "status show")
    assert token not in "".join(m.text or "" for m in world.standin.messages)


async def test_someone_not_linked_to_zoom_is_told_to_link_first(world: OfflineWorld) -> None:
    reply = await reply_to(world, BOB, "status on")
    assert "Link Zoom first" in reply and "/zoom link" in reply
    assert await stored_rows(world) == []
    usage = await world.driver.slash(ALICE, "C0GENERAL", "status sometimes")  # answered in the ack
    assert "/zoom status on|off|show" in usage.text


async def test_a_consent_finished_by_someone_else_stores_nothing(world: OfflineWorld) -> None:
    page = await world.status_on("alice", as_slack_user=BOB)
    assert page.status_code == 400 and "someone else" in page.text
    [bobs] = world.standin.user_tokens_of(BOB)
    assert bobs in world.standin.user_side.revoked
    assert "off" in await reply_to(world, ALICE, "status show")
    declined = await world.status_on("alice", approve=False)
    assert declined.status_code == 400 and "declined" in declined.text


async def test_multi_workspace(tmp_path: Path) -> None:
    overrides = {
        "SLACK_CLIENT_ID": "111.222",
        "SLACK_CLIENT_SECRET": "install-secret",
        "SLACK_BOT_TOKEN": None,
    }
    async with checked_world(tmp_path, settings_overrides=overrides) as world:
        me = world.standin.identity
        await world.bot.bolt_app.installation_store.async_save(
            Installation(
                app_id=me.app_id,
                enterprise_id=None,
                team_id=me.team_id,
                user_id=ALICE,
                bot_token=me.bot_token,
                bot_id=me.bot_id,
                bot_user_id=me.bot_user_id,
                bot_scopes=["commands", "chat:write", "users:read", "users:read.email", "im:write"],
            )
        )
        assert (await world.link("alice")).status_code == 200
        page = await world.status_on("alice")
        assert page.status_code == 200, page.text
        [consent] = [c for c in world.standin.calls_to("oauth.v2.access") if c.ok]
        assert consent.token is None  # the app's credentials, not a token
        meeting_id, _ = await new_meeting(world, "Standup")
        await start(world, meeting_id)
        assert world.standin.status_of(ALICE)["status_text"] == OURS["status_text"]
        await end(world, meeting_id)
        assert world.standin.status_of(ALICE)["status_text"] == ""


async def test_account_mode_follows_zoom_presence(tmp_path: Path) -> None:
    async with checked_world(tmp_path, account_mode=True) as world:
        page = await world.status_on("alice")  # the Zoom user is found by the Slack e-mail
        assert page.status_code == 200, page.text
        zoom_user = world.sim.user("alice@example.com")
        assert zoom_user is not None
        secret = world.settings.ZOOM_WEBHOOK_SECRET_TOKEN
        assert secret is not None

        async def presence(state: str) -> None:
            # Zoom's user.presence_status_updated (Users webhooks): object.id, email, presence_status.
            body = {
                "event": "user.presence_status_updated",
                "event_ts": int(datetime.now(UTC).timestamp() * 1000),
                "payload": {
                    "account_id": zoom_user.account_id,
                    "object": {
                        "date_time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "email": "alice@example.com",
                        "id": zoom_user.id,
                        "presence_status": state,
                    },
                },
            }
            answer = await world.sim.deliver_webhook(f"{world.bot_url}/zoom/webhooks", secret, body)
            assert answer.status_code == 200
            await world.events_acted_on()

        await presence("In_Meeting")
        assert world.standin.status_of(ALICE)["status_text"] == OURS["status_text"]
        await presence("Presenting")  # still the same meeting: nothing new
        assert len(profile_sets(world)) == 1
        await presence("Available")
        assert world.standin.status_of(ALICE)["status_text"] == ""
        assert len(profile_sets(world)) == 2
