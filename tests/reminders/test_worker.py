"""The APScheduler worker and its wiring: explicit job options, catch-up at start, end to end."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time as wall
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from apscheduler.jobstores.memory import MemoryJobStore

from bot.compose_background import build_background
from bot.reminders.delivery import ReminderDelivery
from bot.reminders.worker import POLL_JOB_ID, ReminderWorker
from bot.sandbox.slack_standin import SlackStandin
from bot.sandbox.zoom_simulator.clock import ManualClock
from bot.services.reminders import ReminderService
from bot.slack.outbox import SlackOut
from bot.store.db import Database
from bot.store.reminders import ReminderStore
from tests.kit.checked_world import checked_world
from tests.reminders.helpers import CHANNELS, add_reminder, reminder_ids_posted, statuses


async def test_jobs_are_configured_explicitly_and_carry_no_arguments(
    db: Database, slack_out: SlackOut, clock: ManualClock
) -> None:
    delivery = ReminderDelivery(ReminderStore(db), slack_out, owner="p1", clock=clock.now)
    worker = ReminderWorker(delivery, poll_seconds=30)
    await worker.start()
    try:
        assert worker.scheduler is not None
        [job] = worker.scheduler.get_jobs()
        assert job.id == POLL_JOB_ID
        assert (job.max_instances, job.coalesce, job.misfire_grace_time) == (1, True, None)
        assert job.args == () and job.kwargs == {}  # nothing to pickle, nothing secret
        assert isinstance(worker.scheduler._lookup_jobstore("default"), MemoryJobStore)
    finally:
        await worker.stop()


async def test_a_starting_worker_delivers_what_fell_due_while_it_was_down(
    db: Database, slack_out: SlackOut, standin: SlackStandin, clock: ManualClock
) -> None:
    row = await add_reminder(ReminderStore(db), starts=clock.now() + timedelta(minutes=10))
    worker = ReminderWorker(
        ReminderDelivery(ReminderStore(db), slack_out, owner="p1", clock=clock.now), poll_seconds=60
    )
    await worker.start()  # the first poll runs now, not after 60 s
    try:
        await standin.wait_for(lambda: reminder_ids_posted(standin) == [row.id], timeout=30)
    finally:
        await worker.stop()
    assert (await statuses(db))[row.id] == "sent"


async def test_stop_returns_unposted_claims_at_once(
    db: Database, slack_out: SlackOut, standin: SlackStandin, clock: ManualClock
) -> None:
    for _ in range(4):
        await add_reminder(ReminderStore(db), starts=clock.now() + timedelta(minutes=10), channel=CHANNELS[0])
    delivery = ReminderDelivery(ReminderStore(db), slack_out, owner="p1", clock=clock.now)
    worker = ReminderWorker(delivery, poll_seconds=60, stop_grace=0.1)
    await worker.start()
    await standin.wait_for(lambda: len(reminder_ids_posted(standin)) == 1, timeout=30)
    for _ in range(100):  # the first post's "sent" commit follows Slack's answer
        if "sent" in (await statuses(db)).values():
            break
        await asyncio.sleep(0.02)
    await worker.stop()  # the other three wait for this channel's pacing: handed back, not left leased
    assert sorted((await statuses(db)).values()) == ["pending", "pending", "pending", "sent"]


async def test_install_wires_commands_worker_and_webhook_route_end_to_end(tmp_path: Path) -> None:
    clock = ManualClock(datetime(2025, 6, 2, 13, 0, tzinfo=UTC))
    async with checked_world(tmp_path, clock=clock) as w:
        assert isinstance(w.bot.slack.reminders, ReminderService) and w.bot.zoom_webhooks is not None
        assert (await w.link("alice")).status_code == 200
        alice, general = w.people["alice"].slack_id, "C0GENERAL"

        async def slash(text: str) -> str:
            before = len(w.standin.messages)
            assert (await w.driver.slash(alice, general, text)).status_code == 200
            fresh = await w.standin.wait_for(
                lambda: [
                    m for m in w.standin.messages[before:] if not (m.text or "").startswith(":hourglass")
                ],
                timeout=8,
            )
            return "\n".join(m.all_text() for m in fresh)

        await slash('schedule "Design review" 2025-06-02 10:30')  # 14:30 UTC in New York's summer time
        [meeting] = w.sim.meetings_of("alice@example.com")
        assert "Reminder" in await slash(f"remind {meeting.id} 10m")
        assert "Design review" in await slash("reminders")

        parts, clients = build_background(w.bot.core, poll_seconds=0.1)
        try:
            await parts.worker.start()
            clock.set(datetime(2025, 6, 2, 14, 20, 5, tzinfo=UTC))
            post = await w.standin.wait_for(
                lambda: next((m for m in w.standin.messages_in(general) if "starts" in m.all_text()), None),
                timeout=5,
            )
            assert "*Design review* starts" in post.all_text() and "zak=" not in str(post.blocks)
        finally:
            await parts.worker.stop()
            if clients is not None:
                await clients.aclose()

        # The webhook route answers Zoom's URL validation through real HTTP.
        body = json.dumps({"event": "endpoint.url_validation", "payload": {"plainToken": "tok"}}).encode()
        stamp = str(int(wall.time()))
        secret = w.settings.ZOOM_WEBHOOK_SECRET_TOKEN or ""
        signature = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
        async with httpx.AsyncClient() as client:
            answer = await client.post(
                f"{w.bot_url}/zoom/webhooks",
                content=body,
                headers={"x-zm-signature": f"v0={signature}", "x-zm-request-timestamp": stamp},
            )
        assert answer.status_code == 200
        assert (
            answer.json()["encryptedToken"] == hmac.new(secret.encode(), b"tok", hashlib.sha256).hexdigest()
        )
        await asyncio.sleep(0)
