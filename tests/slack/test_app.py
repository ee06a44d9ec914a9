"""Building the Bolt app: settings come from code, and a normal start logs no warnings."""

from __future__ import annotations

import logging

import pytest

from bot.settings import Settings
from bot.slack.app import build_bolt_app
from bot.store.db import Database
from bot.store.vault import TokenVault, generate_key


async def test_a_normal_start_logs_no_bolt_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # As in production: the bot token is in the environment, where Bolt looks for it by itself.
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-env")
    settings = Settings(
        SLACK_SIGNING_SECRET="secret",
        SLACK_BOT_TOKEN="xoxb-from-env",
        TOKEN_ENCRYPTION_KEY=generate_key(),
        DATABASE_URL="sqlite+aiosqlite:///:memory:",
    )
    db = Database.from_url(settings.DATABASE_URL)
    try:
        with caplog.at_level(logging.WARNING):
            app = build_bolt_app(settings, db=db, vault=TokenVault([generate_key()]))
    finally:
        await db.dispose()
    assert app.client.token == "xoxb-from-env"
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
