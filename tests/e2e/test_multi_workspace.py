"""Multi-workspace mode: Bolt's install flow on slack_sdk's installation store in our database."""

from __future__ import annotations

from pathlib import Path

import httpx
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import inspect, select

from bot.store.models import slack_bots_table
from tests.kit.checked_world import checked_world

# An app distributed to many workspaces: no single bot token; Bolt's install flow stores each.
MULTI_WORKSPACE = {
    "SLACK_CLIENT_ID": "111.222",
    "SLACK_CLIENT_SECRET": "install-secret",
    "SLACK_BOT_TOKEN": None,
}


async def test_install_page_and_installation_tables(tmp_path: Path) -> None:
    async with checked_world(tmp_path, settings_overrides=MULTI_WORKSPACE) as world:
        async with httpx.AsyncClient() as client:
            page = await client.get(f"{world.bot_url}/slack/install")
        assert page.status_code == 200
        assert "oauth/v2/authorize" in page.text and "client_id=111.222" in page.text
        assert "slack-app-oauth-state" in page.headers.get("set-cookie", "")
        async with world.bot.db.engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        assert {"slack_installations", "slack_bots", "slack_oauth_states"} <= tables


async def test_a_sealed_install_authorizes_commands_in_its_workspace(tmp_path: Path) -> None:
    async with checked_world(tmp_path, settings_overrides=MULTI_WORKSPACE) as world:
        me = world.standin.identity
        store = world.bot.bolt_app.installation_store
        await store.async_save(
            Installation(
                app_id=me.app_id,
                enterprise_id=None,
                team_id=me.team_id,
                user_id="U0ALICE",
                bot_token=me.bot_token,
                bot_id=me.bot_id,
                bot_user_id=me.bot_user_id,
                bot_scopes=["commands", "chat:write"],
            )
        )
        async with world.bot.db.session() as session:
            stored = " ".join(
                str(v) for row in (await session.execute(select(slack_bots_table))).all() for v in row
            )
        assert me.bot_user_id in stored and me.bot_token not in stored

        # Bolt finds the install for the request's team, opens the token, and the command runs.
        before = len(world.standin.messages)
        response = await world.driver.slash("U0ALICE", "C0GENERAL", "help")
        assert response.status_code == 200
        reply = await world.standin.wait_for(
            lambda: world.standin.messages[-1] if len(world.standin.messages) > before else None, timeout=30
        )
        assert reply is not None and "/zoom" in reply.text
