"""slack_sdk's installation and OAuth-state stores work on the tables our migrations create."""

from __future__ import annotations

from slack_sdk.oauth.installation_store import Installation

from bot.store.db import Database
from bot.store.slack_installations import installation_store, oauth_state_store


async def test_installation_round_trip(db: Database) -> None:
    store = installation_store(db, client_id="111.222")
    installation = Installation(
        app_id="A1",
        enterprise_id=None,
        team_id="T1",
        team_name="Team One",
        user_id="U1",
        bot_token="xoxb-test-bot-token",
        bot_id="B1",
        bot_user_id="UB1",
        bot_scopes=["commands", "chat:write"],
    )
    await store.async_save(installation)
    found = await store.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None and found.team_name == "Team One" and found.user_id == "U1"
    bot = await store.async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_user_id == "UB1"
    # Another app's client id sees nothing: rows are scoped to the client id.
    assert (
        await installation_store(db, client_id="999").async_find_bot(enterprise_id=None, team_id="T1") is None
    )


async def test_slack_oauth_state_is_single_use(db: Database) -> None:
    states = oauth_state_store(db)
    state = await states.async_issue()
    assert await states.async_consume(state)
    assert not await states.async_consume(state)
