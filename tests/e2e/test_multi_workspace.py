"""Multi-workspace mode: Bolt's install flow on slack_sdk's installation store in our database."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import inspect

from bot.sandbox.world import offline_world


async def test_install_page_and_installation_tables(tmp_path: Path) -> None:
    overrides = {
        "SLACK_CLIENT_ID": "111.222",
        "SLACK_CLIENT_SECRET": "install-secret",
        "SLACK_BOT_TOKEN": None,
    }
    async with offline_world(tmp_path, settings_overrides=overrides) as world:
        async with httpx.AsyncClient() as client:
            page = await client.get(f"{world.bot_url}/slack/install")
        assert page.status_code == 200
        assert "oauth/v2/authorize" in page.text and "client_id=111.222" in page.text
        assert "slack-app-oauth-state" in page.headers.get("set-cookie", "")
        async with world.runtime.db.engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        assert {"slack_installations", "slack_bots", "slack_oauth_states"} <= tables
