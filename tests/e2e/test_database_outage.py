"""A database outage is told as one: its own hint, its own page, a warning (not a bug) in the log.

The PostgreSQL server sits behind a TCP gate (tests/kit/db_gate.py); closing it refuses
the bot's connections and cuts the open ones, as when the server is down.
"""

from __future__ import annotations

import html
import logging
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.sandbox.world import OfflineWorld, link_button_url
from bot.slack.hints import hint_for
from bot.store.db import Database
from bot.store.outage import is_database_outage
from tests.e2e.test_commands import reply_to, schedule, texts
from tests.kit.checked_world import checked_world
from tests.kit.db_gate import DatabaseGate, database_gate

OUTAGE = "zoombot's database is not answering"


async def consent_redirect(world: OfflineWorld, name: str) -> str:
    """`/zoom link` as ``name`` and consent at Zoom; the callback URL the browser would open next."""
    person = world.person(name)
    (reply,) = await reply_to(world, person.slack_id, "link")
    url = link_button_url(reply.blocks)
    assert url is not None
    async with httpx.AsyncClient(timeout=10) as browser:
        consent = await browser.get(f"{url}&{urlencode({'login_hint': person.email})}")
    assert consent.status_code in (302, 303), consent.text[:300]
    return str(consent.headers["location"])


@pytest.fixture
async def gate(postgres_url: str) -> AsyncIterator[DatabaseGate]:
    async with database_gate(postgres_url) as opened:
        yield opened


@pytest.mark.postgres
async def test_commands_and_the_link_page_during_an_outage(
    postgres_url: str, gate: DatabaseGate, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with checked_world(tmp_path, database_url=gate.url_for(postgres_url)) as world:
        assert (await world.link("alice")).status_code == 200
        callback = await consent_redirect(world, "bob")
        alice = world.person("alice")
        # A meeting for the webhook below, made by carol: alice's token stays unread before the
        # outage (a token read once is kept in memory, and the command would then need no database).
        assert (await world.link("carol")).status_code == 200
        carol = world.person("carol")
        await reply_to(world, carol.slack_id, "new Before", count=2)
        [before] = world.sim.meetings_of(carol.email)

        await gate.close()
        caplog.clear()
        with caplog.at_level(logging.INFO):
            body = texts(await reply_to(world, alice.slack_id, "new Outage", timeout=30))
            async with httpx.AsyncClient(timeout=30) as browser:
                page = await browser.get(callback)
            secret = world.settings.ZOOM_WEBHOOK_SECRET_TOKEN
            assert secret is not None
            event = world.sim.webhook_payload("meeting.started", meeting_id=before.id)
            webhook = await world.sim.deliver_webhook(
                f"{world.bot_url}/zoom/webhooks", secret, event, timestamp=int(time.time())
            )
        assert OUTAGE in body and "nothing was changed" in body, body
        assert "ERR-" not in body and "reach Zoom" not in body  # not a bug, and not Zoom's doing
        assert world.sim.meetings_of(alice.email) == []
        assert page.status_code == 503
        assert page.headers["content-type"].startswith("text/html")
        assert OUTAGE in html.unescape(page.text) and "nothing was linked" in page.text
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR and "/zoom" in r.getMessage()]
        assert any("database is not answering" in r.getMessage() for r in caplog.records)
        assert webhook.status_code == 503  # not accepted: Zoom delivers it again later
        bugs = world.bot.metrics.commands.labels(subcommand="NewMeeting", outcome="bug")
        assert bugs._value.get() == 0

        await gate.open()  # the same port: the bot comes back by itself
        body = texts(await reply_to(world, alice.slack_id, "new Back", count=2, timeout=30))
        assert OUTAGE not in body
        assert [m.topic for m in world.sim.meetings_of(alice.email)] == ["Back"]


async def test_real_driver_errors_are_outages_and_others_are_not(tmp_path: Path) -> None:
    """What each backend really raises when it is not there, and what it raises for a bug."""
    nowhere = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'zoombot.db'}")
    refused = Database.from_url("postgresql+asyncpg://postgres@127.0.0.1:1/none")
    working = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'zoombot.db'}")
    errors: list[BaseException] = []
    for db, sql in ((nowhere, "SELECT 1"), (refused, "SELECT 1"), (working, "SELECT * FROM no_such_table")):
        try:
            async with db.session() as session:
                await session.execute(text(sql))
        except Exception as error:
            errors.append(error)
        finally:
            await db.dispose()
    missing_file, connection_refused, bug = errors
    assert is_database_outage(missing_file) and is_database_outage(connection_refused)
    assert not is_database_outage(bug)
    assert not is_database_outage(ConnectionRefusedError("Slack's API, not our database"))
    assert hint_for(connection_refused, mode="user").title == OUTAGE
    assert hint_for(bug, mode="user").title == "Something went wrong"


async def test_a_sqlite_file_locked_past_the_busy_timeout_is_an_outage(linked_world: OfflineWorld) -> None:
    """SQLite's outage: another process holds the write lock past the busy timeout (5 s)."""
    w = linked_world
    alice = w.person("alice")
    meeting = await schedule(w, alice.slack_id, alice.email, '"Planning" tomorrow 3pm')
    path = make_url(w.settings.DATABASE_URL).database
    assert path is not None
    holder = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # the writer's lock, held by "another process"
        body = texts(await reply_to(w, alice.slack_id, f"remind {meeting.id} 15m", timeout=60))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert OUTAGE in body and "ERR-" not in body, body
    assert await w.bot.slack.reminders.list_for(w.standin.team_id, alice.slack_id) == []
    body = texts(await reply_to(w, alice.slack_id, f"remind {meeting.id} 15m", timeout=30))
    assert OUTAGE not in body
    assert len(await w.bot.slack.reminders.list_for(w.standin.team_id, alice.slack_id)) == 1
