"""Correctly signed requests whose body is not shaped as Slack sends it: 400, one log line, no effect.

Each body below used to reach Bolt and end in an HTTP 500 from inside it (a KeyError on
``action_id``, ``.get`` on a string, …). The signature is right every time: what is tested
is the shape check after it.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from bot.sandbox.world import OfflineWorld
from bot.store.models import ProcessedEvent

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def form(payload: str) -> tuple[bytes, str]:
    return urlencode({"payload": payload}).encode(), FORM


def click(actions: Any, **changes: Any) -> tuple[bytes, str]:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": "U0ALICE", "username": "alice", "team_id": "T0001"},
        "team": {"id": "T0001", "domain": "example"},
        "api_app_id": "A0ZOOMBOT",
        "trigger_id": "1.2.3",
        "channel": {"id": "C0GENERAL", "name": "general"},
        "actions": actions,
    }
    payload.update(changes)
    return form(json.dumps(payload))


def submit(private_metadata: Any) -> tuple[bytes, str]:
    view = {
        "id": "V0FORM",
        "type": "modal",
        "callback_id": "schedule_meeting",
        "private_metadata": private_metadata,
        "state": {"values": {}},
    }
    payload = {
        "type": "view_submission",
        "user": {"id": "U0ALICE", "team_id": "T0001"},
        "team": {"id": "T0001"},
    }
    return form(json.dumps({**payload, "view": view}))


CANCEL = {"type": "button", "action_id": "cancel_confirm", "value": "85746065432", "block_id": "b"}

MALFORMED = {
    "nested JSON (an array of arrays)": (b'[[[{"type": "event_callback"}]]]', JSON),
    "JSON nested past any parser's depth": (b"[" * 100_000 + b"]" * 100_000, JSON),
    "an event that is a string": (
        json.dumps({"type": "event_callback", "event": "app_home_opened"}).encode(),
        JSON,
    ),
    "a form body labelled JSON": (b"command=%2Fzoom&text=new&user_id=U0ALICE&team_id=T0001", JSON),
    "payload is a list": form("[1, 2]"),
    "payload is a string": form('"block_actions"'),
    "payload is null": form("null"),
    "payload is not JSON": form("{type: block_actions"),
    "actions empty": click([]),
    "actions a string": click("cancel_confirm"),
    "an action without action_id": click([{k: v for k, v in CANCEL.items() if k != "action_id"}]),
    "user is a string": click([CANCEL], user="U0ALICE"),
    "private_metadata a list": submit("[1]"),
    "private_metadata not JSON": submit("{channel"),
    "private_metadata not a string": submit({"channel_id": "C0GENERAL"}),
    "a view that is a string": form(
        json.dumps({"type": "view_submission", "user": {"id": "U0ALICE"}, "view": "V"})
    ),
}


async def processed_rows(world: OfflineWorld) -> int:
    async with world.bot.db.session() as session:
        return int((await session.execute(select(func.count()).select_from(ProcessedEvent))).scalar_one())


async def test_each_malformed_payload_gets_400_one_line_and_changes_nothing(
    linked_world: OfflineWorld, caplog: pytest.LogCaptureFixture
) -> None:
    world = linked_world
    messages, calls, rows = len(world.standin.messages), len(world.standin.calls), await processed_rows(world)
    for name, (body, content_type) in MALFORMED.items():
        caplog.clear()
        with caplog.at_level(logging.DEBUG):
            response = await world.driver.send(body, content_type)
        assert response.status_code == 400, (name, response.status_code, response.text)
        refusals = [r for r in caplog.records if "refused a signed Slack request" in r.getMessage()]
        assert len(refusals) == 1, name
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], name
        line = refusals[0].getMessage()
        assert "U0ALICE" not in line and "C0GENERAL" not in line, line  # the reason, never the body
    assert len(world.standin.messages) == messages and len(world.standin.calls) == calls
    assert world.sim.meetings_of("alice@example.com") == []
    assert await processed_rows(world) == rows  # not even the replay memory kept them


async def test_well_shaped_requests_still_pass(linked_world: OfflineWorld) -> None:
    """The check refuses shapes, not requests: Slack's own forms still reach the listeners."""
    world = linked_world
    assert (await world.driver.send(b"ssl_check=1&token=x", FORM)).status_code == 200
    assert (await world.driver.slash("U0ALICE", "C0GENERAL", "help")).status_code == 200
    body, content_type = submit(json.dumps({"channel_id": "C0GENERAL"}))
    response = await world.driver.send(body, content_type)
    assert response.status_code == 200, response.text  # the form's own errors come back in the ack
