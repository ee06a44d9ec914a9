"""A whole request flow with DEBUG on every logger leaves no secret in the log."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator

import pytest

from bot.logs import configure_logging
from bot.sandbox.world import SIGNING_SECRET, ZOOM_CLIENT_SECRET, OfflineWorld
from tests.e2e.test_commands import ALICE, reply_to

LOGGERS = [
    "",
    "bot",
    "slack_bolt",
    "slack_sdk",
    "httpx",
    "httpcore",
    "sqlalchemy.engine",
    "sqlalchemy.pool",
    "aiosqlite",
    "asyncpg",
    "apscheduler",
    "uvicorn",
    "uvicorn.error",
    "alembic",
]


@pytest.fixture
def debug_log(world: OfflineWorld) -> Iterator[io.StringIO]:
    saved = {
        name: (logging.getLogger(name).level, list(logging.getLogger(name).handlers)) for name in LOGGERS
    }
    stream = io.StringIO()
    settings = world.settings
    configure_logging(
        "DEBUG", "text", [SIGNING_SECRET, ZOOM_CLIENT_SECRET, *settings.TOKEN_ENCRYPTION_KEY], stream=stream
    )
    for name in LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield stream
    for name, (level, handlers) in saved.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.handlers = handlers


async def test_no_secret_reaches_the_log(world: OfflineWorld, debug_log: io.StringIO) -> None:
    await world.link("alice")
    await reply_to(world, ALICE, 'new "Leak check"', count=2)
    await reply_to(world, ALICE, 'schedule "Later" tomorrow 10am')
    await reply_to(world, ALICE, "list")
    world.sim.expire_access_tokens("alice@example.com")
    await reply_to(world, ALICE, "me")  # forces a refresh
    await reply_to(world, ALICE, "unlink")
    log = debug_log.getvalue()
    assert "POST /oauth/token" in log or "oauth/token" in log  # the log did capture the flow
    canaries = set(world.sim.issued_secrets()) | {SIGNING_SECRET, ZOOM_CLIENT_SECRET, world.standin.bot_token}
    canaries |= set(world.settings.TOKEN_ENCRYPTION_KEY)
    # every response_url the stand-in handed out (they are bearer capabilities)
    canaries |= set(
        re.findall(r"/response/([A-Za-z0-9_-]{8,})", str([m.extra for m in world.standin.messages]))
    )
    assert world.driver.last_response_url and world.driver.last_response_url not in log
    leaked = sorted(c for c in canaries if c and c in log)
    assert not leaked, f"{len(leaked)} secrets leaked into the log"
