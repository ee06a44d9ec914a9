"""Zoom webhooks: signature on raw bytes, URL validation, stale timestamps, dedupe, and each effect."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import func, select, text

from bot.sandbox.slack_standin import SlackStandin
from bot.sandbox.zoom_simulator import ZoomSimulator
from bot.sandbox.zoom_simulator.server import serve_simulator
from bot.sandbox.zoom_simulator.webhooks import sign_webhook
from bot.services.digests import DigestService
from bot.services.meeting_posts import MeetingPosts
from bot.services.reminders import ReminderService
from bot.services.zoom_events import ZoomEventEffects
from bot.slack.live.cards import LiveCards
from bot.slack.live.threads import MeetingThreads
from bot.slack.outbox import SlackOut
from bot.store.db import Database
from bot.store.digests import DigestStore
from bot.store.events import AuditTrail, ProcessedEventStore
from bot.store.links import LinkStore
from bot.store.meeting_live import LiveMeetingStore
from bot.store.models import AuditEvent, DigestSubscription, Reminder
from bot.store.reminders import ReminderStore
from bot.store.vault import TokenVault
from bot.zoom.client import UserZoom
from bot.zoom.errors import NotLinkedError
from bot.zoom.http import ZoomHttp
from bot.zoom.oauth import ZoomOAuth
from bot.zoom.tokens import UserTokenSource
from bot.zoom.webhooks import ZoomWebhooks, encrypted_token, signature_for
from tests.kit.paused_reads import PausedReads
from tests.kit.table_gone import table_gone
from tests.kit.zoom_contract import validate_webhook
from tests.kit.zoom_link import Login, bearer

SECRET = "zoombot-test-secret"
TEAM, USER, CHANNEL = "T0001", "U0ALICE", "C0GENERAL"
ZOOM_USER = "zoomuser-Abc123"
NOW = datetime(2025, 6, 2, 14, 0, tzinfo=UTC)
MEETING_ID = 81234567890


# -- known vectors (computed once with HMAC-SHA256; they pin the exact message format) ------------


def test_signature_matches_known_vectors() -> None:
    body = b'{"event":"meeting.deleted","payload":{"object":{"id":1}}}'
    assert signature_for(SECRET, "1700000000", body) == (
        b"v0=80a1972a9e9fcecaf92967a043444100fd2008141a4af3346fc009a3d0091bcd"
    )
    assert encrypted_token(SECRET, "qgg8vlvZRS6UYooatFL8Aw") == (
        "3176bd35752f57e971a90ee486f1f488d13cacb85a4201e3318d6dab878ec24a"
    )
    # And it agrees with the simulator's independent signer.
    assert sign_webhook(SECRET, body, 1700000000)["x-zm-signature"].encode() == signature_for(
        SECRET, "1700000000", body
    )


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
async def standin() -> AsyncIterator[SlackStandin]:
    slack = SlackStandin("test-signing-secret", team_id=TEAM)
    slack.add_user(USER, "alice", "alice@example.com")
    slack.add_channel(CHANNEL, "general")
    async with slack.serve():
        yield slack


@pytest.fixture
async def slack_out(standin: SlackStandin) -> AsyncIterator[SlackOut]:
    async with aiohttp.ClientSession() as session:
        client = AsyncWebClient(token=standin.bot_token, base_url=standin.api_url, session=session)

        async def client_for(team_id: str) -> Any:
            return client

        yield SlackOut(client_for, timeout=2.0)


class Parts:
    """One bot process's webhook handling (a second ``Parts`` on the same database is another process)."""

    def __init__(
        self,
        db: Database,
        vault: TokenVault,
        slack: SlackOut,
        wall: list[float],
        *,
        links: LinkStore | None = None,
    ) -> None:
        self.db = db
        self.links = links or LinkStore(db, vault)
        self.reminders = ReminderService(ReminderStore(db))
        self.digests = DigestService(DigestStore(db), clock=lambda: NOW)
        self.posts = MeetingPosts(db)
        live = LiveMeetingStore(db)

        async def no_summary_reader(team_id: str, user_id: str, uuid: str) -> Any:
            raise LookupError("these tests read summaries from the webhook")

        effects = ZoomEventEffects(
            reminders=self.reminders,
            digests=self.digests,
            links=self.links,
            posts=self.posts.store,
            live=live,
            cards=LiveCards(self.posts.store, live, slack, owner=f"process-{id(self)}", min_interval=0.2),
            threads=MeetingThreads(self.posts.store, slack, read_summary=no_summary_reader),
            audit=AuditTrail(db),
            clock=lambda: NOW,
        )
        self.webhooks = ZoomWebhooks(
            SECRET,
            events=ProcessedEventStore(db),
            effects=effects,
            clock=lambda: NOW,
            wall_clock=lambda: wall[0],
            apply_backoff_s=0.2,
        )


@pytest.fixture
def wall() -> list[float]:
    return [time.time()]


@pytest.fixture
def parts(db: Database, vault: TokenVault, slack_out: SlackOut, wall: list[float]) -> Parts:
    return Parts(db, vault, slack_out, wall)


def signed(event: dict[str, Any], *, at: float, secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(event, separators=(",", ":")).encode()
    return body, {**sign_webhook(secret, body, int(at)), "Content-Type": "application/json"}


# -- verification ---------------------------------------------------------------------------------


async def test_url_validation_is_answered_only_when_signed(parts: Parts, wall: list[float]) -> None:
    event = {
        "event": "endpoint.url_validation",
        "payload": {"plainToken": "qgg8vlvZRS6UYooatFL8Aw"},
        "event_ts": 1,
    }
    body, headers = signed(event, at=wall[0])
    assert await parts.webhooks.handle(body, headers) == (
        200,
        {
            "plainToken": "qgg8vlvZRS6UYooatFL8Aw",
            "encryptedToken": encrypted_token(SECRET, "qgg8vlvZRS6UYooatFL8Aw"),
        },
    )
    status, answer = await parts.webhooks.handle(body, {"Content-Type": "application/json"})
    assert status == 401 and "encryptedToken" not in answer


async def test_re_serialised_json_with_the_same_content_is_refused(parts: Parts, wall: list[float]) -> None:
    event = {"event": "endpoint.url_validation", "payload": {"plainToken": "abc"}, "event_ts": 1}
    body, headers = signed(event, at=wall[0])
    reformatted = json.dumps(json.loads(body), indent=1).encode()  # same JSON, other bytes
    assert json.loads(reformatted) == json.loads(body)
    assert (await parts.webhooks.handle(reformatted, headers))[0] == 401
    assert (await parts.webhooks.handle(body, headers))[0] == 200


@pytest.mark.parametrize(
    "tamper",
    [
        lambda h: {**h, "x-zm-signature": "v0=" + "0" * 64},
        lambda h: {**h, "x-zm-signature": "v0=ünïcode"},
        lambda h: {**h, "x-zm-request-timestamp": "not-a-number"},
        lambda h: {k: v for k, v in h.items() if k != "x-zm-request-timestamp"},
    ],
    ids=["wrong", "non-ascii", "bad-timestamp", "no-timestamp"],
)
async def test_tampered_requests_get_401_never_500(parts: Parts, wall: list[float], tamper: Any) -> None:
    body, headers = signed({"event": "meeting.deleted", "payload": {"object": {"id": 1}}}, at=wall[0])
    assert (await parts.webhooks.handle(body, tamper(headers)))[0] == 401


async def test_a_correctly_signed_but_stale_delivery_is_refused_and_logged(
    parts: Parts, wall: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    event = {"event": "endpoint.url_validation", "payload": {"plainToken": "abc"}, "event_ts": 1}
    body, headers = signed(event, at=wall[0] - 301)
    with caplog.at_level(logging.WARNING, logger="bot.zoom.webhooks"):
        assert (await parts.webhooks.handle(body, headers))[0] == 401
    assert "correctly signed but 301 s away" in caplog.text
    body, headers = signed(event, at=wall[0] - 299)
    assert (await parts.webhooks.handle(body, headers))[0] == 200


# -- effects --------------------------------------------------------------------------------------

ENDED = {
    "event": "meeting.ended",
    "event_ts": 1717336800000,
    "payload": {
        "object": {
            "id": str(MEETING_ID),
            "uuid": "u1==",
            "topic": "Standup",
            "end_time": "2025-06-02T14:30:00Z",
        }
    },
}


async def posted_card(parts: Parts, slack_out: SlackOut, text: str = "Standup — Join") -> str:
    """A meeting card in the channel that the bot keeps in step with the meeting; its ts."""
    from bot.slack.views._blocks import message, section

    ts = await slack_out.post(TEAM, CHANNEL, message("card", [section(text)]))
    await parts.posts.remember(TEAM, MEETING_ID)(CHANNEL, ts)
    return ts


async def test_duplicate_deliveries_have_one_effect_and_each_answer_is_fast(
    parts: Parts, standin: SlackStandin, slack_out: SlackOut, wall: list[float]
) -> None:
    ts = await posted_card(parts, slack_out)
    for _ in range(3):
        body, headers = signed(ENDED, at=wall[0])  # each retry is signed anew, as Zoom does
        started = time.perf_counter()
        status, answer = await parts.webhooks.handle(body, {**headers, "x-zm-trackingid": f"trk-{_}"})
        assert status == 200 and time.perf_counter() - started < 1.0
    await parts.webhooks.drain()
    assert len(standin.calls_to("chat.update")) == 1
    live = standin.live_message(CHANNEL, ts)
    assert live is not None and "ended" in live.all_text() and "Join" not in live.all_text()


async def logged(caplog: pytest.LogCaptureFixture, words: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not any(words in record.getMessage() for record in caplog.records):
        assert time.monotonic() < deadline, f"never logged: {words}"
        await asyncio.sleep(0.01)


async def test_work_that_fails_on_the_database_is_tried_again_after_the_200(
    parts: Parts,
    standin: SlackStandin,
    slack_out: SlackOut,
    wall: list[float],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Zoom delivers an event again only when it did not get a 200: after the 200, a database
    # hiccup must not lose the event.
    caplog.set_level(logging.WARNING, logger="bot.zoom.webhooks")
    ts = await posted_card(parts, slack_out)
    async with table_gone(parts.db, "meeting_live") as restore:
        body, headers = signed(ENDED, at=wall[0])
        assert (await parts.webhooks.handle(body, headers))[0] == 200
        await logged(caplog, "the database failed")
        await restore()
        await parts.webhooks.drain()
    live = standin.live_message(CHANNEL, ts)
    assert live is not None and "ended" in live.all_text()
    assert not any("could not be handled" in record.getMessage() for record in caplog.records)


async def test_work_that_keeps_failing_is_processed_when_zoom_delivers_it_again(
    parts: Parts,
    standin: SlackStandin,
    slack_out: SlackOut,
    wall: list[float],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.zoom.webhooks")
    ts = await posted_card(parts, slack_out)
    async with table_gone(parts.db, "meeting_live"):
        body, headers = signed(ENDED, at=wall[0])
        headers["x-zm-trackingid"] = "trk-1"
        assert (await parts.webhooks.handle(body, headers))[0] == 200
        await parts.webhooks.drain()
    assert sum("the database failed" in record.getMessage() for record in caplog.records) == 3
    assert any("could not be handled" in record.getMessage() for record in caplog.records)
    live = standin.live_message(CHANNEL, ts)
    assert live is not None and "ended" not in live.all_text()
    body, headers = signed(ENDED, at=wall[0])  # Zoom's retry (or a replay): same event, same tracking id
    headers["x-zm-trackingid"] = "trk-1"
    assert await parts.webhooks.handle(body, headers) == (200, {"status": "accepted"})
    await parts.webhooks.drain()
    live = standin.live_message(CHANNEL, ts)
    assert live is not None and "ended" in live.all_text()


async def test_meeting_updated_and_deleted_move_and_cancel_reminders(
    parts: Parts, db: Database, wall: list[float]
) -> None:
    from tests.reminders.helpers import add_reminder

    store = ReminderStore(db)
    moved = await add_reminder(store, starts=NOW + timedelta(hours=1), meeting_id=MEETING_ID)
    dropped = await add_reminder(store, starts=NOW + timedelta(hours=1), meeting_id=MEETING_ID + 1)
    new_start = NOW + timedelta(hours=3)
    updated = {
        "event": "meeting.updated",
        "event_ts": 1,
        "payload": {
            "object": {
                "id": MEETING_ID,
                "uuid": "u1",
                "start_time": new_start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            },
            "old_object": {"id": MEETING_ID, "uuid": "u1", "start_time": "2025-06-02T15:00:00Z"},
        },
    }
    deleted = {
        "event": "meeting.deleted",
        "event_ts": 2,
        "payload": {"object": {"id": MEETING_ID + 1, "uuid": "u2"}},
    }
    for event in (updated, deleted):
        assert (await parts.webhooks.handle(*signed(event, at=wall[0])))[0] == 200
    await parts.webhooks.drain()
    assert (await store.get(moved.id)).due_at == new_start - timedelta(minutes=10)  # type: ignore[union-attr]
    assert (await store.get(dropped.id)).status == "cancelled"  # type: ignore[union-attr]


async def test_recording_completed_posts_the_link_in_the_meetings_thread(
    parts: Parts,
    standin: SlackStandin,
    slack_out: SlackOut,
    wall: list[float],
    caplog: pytest.LogCaptureFixture,
) -> None:
    ts = await posted_card(parts, slack_out, "Standup")
    event = {
        "event": "recording.completed",
        "event_ts": 3,
        "download_token": "SECRET-DOWNLOAD-TOKEN",
        "payload": {
            "object": {
                "id": MEETING_ID,
                "uuid": "u3",
                "topic": "Standup",
                "share_url": "https://zoom.example/rec/share/abc?x=1&y=2",
            }
        },
    }
    with caplog.at_level(logging.DEBUG):
        assert (await parts.webhooks.handle(*signed(event, at=wall[0])))[0] == 200
        await parts.webhooks.drain()
    [post] = [m for m in standin.messages_in(CHANNEL) if m.thread_ts == ts]
    assert "<https://zoom.example/rec/share/abc?x=1&amp;y=2|watch it here>" in post.all_text()
    assert "SECRET-DOWNLOAD-TOKEN" not in caplog.text


async def test_deauthorization_removes_tokens_and_data_keeps_only_an_internal_audit_row(
    parts: Parts, db: Database, wall: list[float]
) -> None:
    from tests.reminders.helpers import add_reminder

    link = await parts.links.save_new_link(
        TEAM,
        USER,
        zoom_user_id=ZOOM_USER,
        zoom_email="alice@example.com",
        zoom_account_id="acct-XyZ",
        scopes=["meeting:read"],
        access_token="ACCESS-CANARY",
        refresh_token="REFRESH-CANARY",
        access_expires_at=NOW + timedelta(hours=1),
    )
    await add_reminder(
        ReminderStore(db), starts=NOW + timedelta(hours=1), user_id=USER, meeting_id=MEETING_ID
    )
    await parts.digests.enable(TEAM, USER, at=datetime(2025, 1, 1, 8, 30).time(), tz_name="Europe/Berlin")
    await parts.posts.remember(TEAM, MEETING_ID)(CHANNEL, "1717336800.000100")
    event = {
        "event": "app_deauthorized",
        "event_ts": 1717336800000,
        "payload": {
            "user_id": ZOOM_USER,
            "account_id": "acct-XyZ",
            "client_id": "cid",
            "user_data_retention": "false",
        },
    }
    assert (await parts.webhooks.handle(*signed(event, at=wall[0])))[0] == 200
    await parts.webhooks.drain()
    assert await parts.links.get(TEAM, USER) is None
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Reminder)) == 0
        assert await session.scalar(select(func.count()).select_from(DigestSubscription)) == 0
        audit = (await session.scalars(select(AuditEvent))).all()
        leftovers = (await session.execute(text("SELECT * FROM meeting_posts"))).all()
    assert leftovers == []
    assert [(a.internal_subject, a.action) for a in audit] == [
        (f"zoom_link:{link.id}", "zoom_app_deauthorized")
    ]
    assert ZOOM_USER not in repr([(a.internal_subject, a.action) for a in audit])
    # A retry (same event) is answered and changes nothing; so is a new delivery for a user already gone.
    assert await parts.webhooks.handle(*signed(event, at=wall[0])) == (200, {"status": "duplicate"})
    again = {**event, "event_ts": 1717336900000}
    assert (await parts.webhooks.handle(*signed(again, at=wall[0])))[0] == 200
    await parts.webhooks.drain()
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(AuditEvent)) == 1


# -- the live card across restarts and processes ---------------------------------------------


def _instance(event: str, at: int, **participant: str) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "id": str(MEETING_ID),
        "uuid": "inst-1==",
        "host_id": ZOOM_USER,
        "topic": "Standup",
        "type": 2,
        "start_time": "2025-06-02T14:00:00Z",
        "duration": 30,
    }
    if participant:
        obj["participant"] = participant
    return {"event": event, "event_ts": at, "payload": {"account_id": "acct-XyZ", "object": obj}}


def _joined(user_id: str, at: int) -> dict[str, Any]:
    return _instance(
        "meeting.participant_joined",
        at,
        user_id=user_id,
        user_name=f"Person {user_id}",
        email=f"{user_id}@example.com",
        join_time="2025-06-02T14:01:00Z",
    )


async def test_the_live_card_survives_a_restart_and_processes_share_its_count(
    db: Database,
    db_url: str,
    vault: TokenVault,
    slack_out: SlackOut,
    standin: SlackStandin,
    wall: list[float],
) -> None:
    from bot.slack.views._blocks import message, section

    first = Parts(db, vault, slack_out, wall)
    ts = await slack_out.post(TEAM, CHANNEL, message("card", [section("Standup — Join")]))
    await first.posts.remember(TEAM, MEETING_ID, user_id=USER, topic="Standup")(CHANNEL, ts)
    events = [_instance("meeting.started", 1), _joined("16001", 2), _joined("16002", 3), _joined("16003", 4)]
    for event in events:
        validate_webhook(event["event"], event)
        assert (await first.webhooks.handle(*signed(event, at=wall[0])))[0] == 200
    await first.webhooks.drain()
    assert "in progress · 3 in the meeting" in standin.live_message(CHANNEL, ts).all_text()  # type: ignore[union-attr]

    # Another process (or this one restarted) on the same database: the count is the stored one,
    # and a join it already counted, delivered to it afresh, is not counted again.
    other_db = Database.from_url(db_url)
    try:
        second = Parts(other_db, vault, slack_out, wall)
        repeat = {**_joined("16002", 99)}
        left = _instance(
            "meeting.participant_left",
            5,
            user_id="16001",
            user_name="Person 16001",
            email="16001@example.com",
            leave_time="2025-06-02T14:20:00Z",
        )
        validate_webhook("meeting.participant_left", left)
        for event in (repeat, left):
            assert (await second.webhooks.handle(*signed(event, at=wall[0])))[0] == 200
        await second.webhooks.drain()
        assert "in progress · 2 in the meeting" in standin.live_message(CHANNEL, ts).all_text()  # type: ignore[union-attr]

        # A process that stored a change and died before updating the card: the next start catches up.
        live = LiveMeetingStore(other_db)
        assert await live.joined(MEETING_ID, "inst-1==", "16004", at=NOW, topic="Standup")
        updates_before = len(standin.calls_to("chat.update"))
        cards = LiveCards(MeetingPosts(other_db).store, live, slack_out, owner="restarted", min_interval=0.2)
        assert await cards.catch_up() == 1
        await cards.drain()
        assert len(standin.calls_to("chat.update")) == updates_before + 1
        assert "in progress · 3 in the meeting" in standin.live_message(CHANNEL, ts).all_text()  # type: ignore[union-attr]
        assert await cards.catch_up() == 0  # nothing left behind
    finally:
        await other_db.dispose()


async def test_participants_of_meetings_without_a_card_are_not_stored(
    parts: Parts, db: Database, wall: list[float]
) -> None:
    for event in (_instance("meeting.started", 1), _joined("16001", 2)):
        assert (await parts.webhooks.handle(*signed(event, at=wall[0])))[0] == 200
    await parts.webhooks.drain()
    async with db.session() as session:
        assert (await session.execute(text("SELECT COUNT(*) FROM meeting_participants"))).scalar() == 0
        assert (await session.execute(text("SELECT COUNT(*) FROM meeting_live"))).scalar() == 0


def test_joins_in_the_same_millisecond_are_different_deliveries() -> None:
    from bot.zoom.webhooks import delivery_key

    one, two = _joined("16001", 1717336800000), _joined("16002", 1717336800000)
    keys = {delivery_key(e["event"], e, None, json.dumps(e).encode()) for e in (one, two)}
    assert len(keys) == 2
    assert delivery_key(one["event"], one, "trk-1", b"") == delivery_key(one["event"], one, "trk-2", b"x")


async def test_a_command_that_read_the_link_just_before_deauthorization_never_uses_it_again(
    db: Database,
    vault: TokenVault,
    slack_out: SlackOut,
    wall: list[float],
    sim: ZoomSimulator,
    sim_login: Login,
) -> None:
    """Zoom may still accept the token for a while after its app_deauthorized; we must not."""
    links = PausedReads(db, vault)
    parts = Parts(db, vault, slack_out, wall, links=links)
    async with serve_simulator(sim) as zoom_url:
        http = ZoomHttp(zoom_url + "/v2", zoom_url)
        try:
            app = sim.apps["sim-client"]
            oauth = ZoomOAuth(http, app.client_id, app.client_secret, app.redirect_uri)
            tokens = await sim_login("alice@example.com")
            alice = sim.user("alice@example.com")
            await links.save_new_link(
                TEAM,
                USER,
                zoom_user_id=alice.id,
                zoom_email=alice.email,
                zoom_account_id=alice.account_id,
                scopes=tokens["scope"].split(),
                access_token=tokens["access_token"],
                refresh_token=tokens["refresh_token"],
                access_expires_at=sim.clock.now() + timedelta(seconds=tokens["expires_in"]),
            )

            def me() -> Any:
                return UserZoom(
                    http, UserTokenSource(links, oauth, TEAM, USER, clock=sim.clock.now)
                ).get_user()

            links.pause_next_read()
            slow = asyncio.create_task(me())
            await links.read_done.wait()  # `/zoom me` holds the row it read ...
            event = {
                "event": "app_deauthorized",
                "event_ts": 1717336800000,
                "payload": {
                    "user_id": alice.id,
                    "account_id": alice.account_id,
                    "client_id": app.client_id,
                    "user_data_retention": "false",
                    "signature": "unused",
                    "deauthorization_time": "2026-03-02T15:00:00Z",
                },
            }
            validate_webhook("app_deauthorized", event)
            assert (await parts.webhooks.handle(*signed(event, at=wall[0])))[0] == 200
            await parts.webhooks.drain()  # ... while the signed webhook deletes the link
            assert await links.get(TEAM, USER) is None
            links.resume.set()
            with pytest.raises(NotLinkedError):
                await slow

            # Zoom has not revoked the grant yet, so the token would still work ...
            assert (
                await http.client.get(f"{zoom_url}/v2/users/me", headers=bearer(tokens["access_token"]))
            ).status_code == 200
            calls = sim.stats["GET /v2/users/{userId}"]
            for _ in range(3):  # ... but no later command of this process sends it
                with pytest.raises(NotLinkedError):
                    await me()
            assert sim.stats["GET /v2/users/{userId}"] == calls
        finally:
            await http.aclose()
