"""Zoom text PostgreSQL would refuse (NUL, lone surrogates) is cleaned on its way into the
database, so the event carrying it is not lost — on SQLite and PostgreSQL alike."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.sandbox.world import OfflineWorld
from bot.store.db import Database
from bot.store.models import AuditEvent, MeetingLive
from tests.e2e.conftest import assert_all_payloads_valid
from tests.e2e.test_live_meetings import card_says, fire, new_meeting
from tests.kit.checked_world import checked_world
from tests.kit.zoom_contract import validate_webhook

HOSTILE_TOPIC = "Stand\x00up \ud83d review"  # a NUL and half of a surrogate pair


@pytest.fixture
async def world(db_url: str, tmp_path: Path) -> AsyncIterator[OfflineWorld]:
    async with checked_world(
        tmp_path, database_url=db_url, reminder_options={"card_update_seconds": 1.0}
    ) as w:
        assert (await w.link("alice")).status_code == 200
        yield w
        assert_all_payloads_valid(w)


async def test_a_meeting_ended_with_a_nul_in_its_topic_still_ends_the_card(world: OfflineWorld) -> None:
    meeting_id, card = await new_meeting(world, "Standup")
    await fire(world, "meeting.started", meeting_id)
    await card_says(world, card, "in progress")
    body = world.sim.webhook_payload("meeting.ended", meeting_id=meeting_id)
    body["payload"]["object"]["topic"] = HOSTILE_TOPIC
    validate_webhook("meeting.ended", body)
    secret = world.settings.ZOOM_WEBHOOK_SECRET_TOKEN
    assert secret is not None
    response = await world.sim.deliver_webhook(
        f"{world.bot_url}/zoom/webhooks", secret, body, timestamp=int(time.time())
    )
    assert response.status_code == 200, response.text
    await card_says(world, card, "ended")
    async with world.bot.db.session() as session:
        stored = (await session.execute(select(MeetingLive.topic))).scalar_one()
    assert stored == "Standup \ufffd review"


async def test_every_statement_cleans_its_text(db: Database) -> None:
    """The cleaning sits at the cursor: ORM inserts, Core updates and lookups all get it."""
    from bot.store.models import utcnow

    async with db.session() as session:
        session.add(AuditEvent(internal_subject="s\x00ubject", action="a\udc00ction", at=utcnow()))
    async with db.session() as session:
        row = (await session.execute(select(AuditEvent))).scalar_one()
        assert (row.internal_subject, row.action) == ("subject", "a\ufffdction")
        # The same cleaning on a lookup: the dirty spelling finds the clean row.
        found = await session.execute(
            select(AuditEvent.id).where(AuditEvent.internal_subject == "sub\x00ject")
        )
        assert found.scalar_one() == row.id
