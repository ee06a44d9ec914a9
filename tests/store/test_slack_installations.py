"""slack_sdk's installation and OAuth-state stores on the tables our migrations create,
with every Slack token sealed by the vault at rest."""

from __future__ import annotations

import pytest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from sqlalchemy import select, update

from bot.store.db import Database
from bot.store.models import slack_bots_table, slack_installations_table
from bot.store.rotate import rotate_keys
from bot.store.slack_installations import installation_store, oauth_state_store
from bot.store.vault import TokenVault, VaultError, generate_key

BOT_TOKEN = "xoxb-canary-bot-token-3f9a"
USER_TOKEN = "xoxp-canary-user-token-77c1"
REFRESH = "xoxe-1-canary-refresh-token-0b2e"


def installation(team_id: str = "T1", bot_token: str = BOT_TOKEN) -> Installation:
    return Installation(
        app_id="A1",
        enterprise_id=None,
        team_id=team_id,
        team_name="Team One",
        user_id="U1",
        bot_token=bot_token,
        bot_refresh_token=REFRESH,
        bot_id="B1",
        bot_user_id="UB1",
        bot_scopes=["commands", "chat:write"],
        user_token=USER_TOKEN,
    )


async def stored_rows(db: Database) -> list[str]:
    """Every stored value of both tables, as text."""
    async with db.session() as session:
        rows = [
            *(await session.execute(select(slack_installations_table))).all(),
            *(await session.execute(select(slack_bots_table))).all(),
        ]
    return [str(value) for row in rows for value in row]


async def test_installation_round_trip_keeps_tokens_sealed_at_rest(db: Database) -> None:
    store = installation_store(db, "111.222", TokenVault([generate_key()]))
    await store.async_save(installation())

    found = await store.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None and found.team_name == "Team One" and found.user_id == "U1"
    assert (found.bot_token, found.bot_refresh_token, found.user_token) == (BOT_TOKEN, REFRESH, USER_TOKEN)
    by_user = await store.async_find_installation(enterprise_id=None, team_id="T1", user_id="U1")
    assert by_user is not None and (by_user.bot_token, by_user.user_token) == (BOT_TOKEN, USER_TOKEN)
    bot = await store.async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_user_id == "UB1" and bot.bot_token == BOT_TOKEN
    assert bot.bot_refresh_token == REFRESH

    stored = " ".join(await stored_rows(db))
    assert "UB1" in stored  # the rows are there ...
    for secret in (BOT_TOKEN, USER_TOKEN, REFRESH, "canary"):
        assert secret not in stored  # ... and no token in them
    # Another app's client id sees nothing: rows are scoped to the client id.
    other = installation_store(db, "999", TokenVault([generate_key()]))
    assert await other.async_find_bot(enterprise_id=None, team_id="T1") is None


async def test_a_token_copied_to_another_workspace_is_refused(db: Database) -> None:
    store = installation_store(db, "111.222", TokenVault([generate_key()]))
    await store.async_save(installation("T1"))
    await store.async_save(installation("T2", bot_token="xoxb-second-workspace"))
    async with db.session() as session:
        t1_token = (
            await session.execute(
                select(slack_bots_table.c.bot_token).where(slack_bots_table.c.team_id == "T1")
            )
        ).scalar_one()
        await session.execute(
            update(slack_bots_table).where(slack_bots_table.c.team_id == "T2").values(bot_token=t1_token)
        )
    with pytest.raises(VaultError, match="different owner"):
        await store.async_find_bot(enterprise_id=None, team_id="T2")


async def test_tokens_stored_in_plaintext_before_still_work_and_are_sealed_when_saved(db: Database) -> None:
    plain = AsyncSQLAlchemyInstallationStore(
        client_id="111.222",
        engine=db.engine,
        bots_table_name=slack_bots_table.name,
        installations_table_name=slack_installations_table.name,
    )
    await plain.async_save(installation())  # as a version before sealing wrote it
    assert BOT_TOKEN in " ".join(await stored_rows(db))

    store = installation_store(db, "111.222", TokenVault([generate_key()]))
    bot = await store.async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_token == BOT_TOKEN
    found = await store.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None and found.user_token == USER_TOKEN

    await store.async_save(found)  # what Bolt does after a token rotation or a reinstall
    assert BOT_TOKEN not in " ".join(await stored_rows(db))
    again = await store.async_find_bot(enterprise_id=None, team_id="T1")
    assert again is not None and again.bot_token == BOT_TOKEN


async def test_key_rotation_re_encrypts_slack_tokens_and_seals_plaintext_ones(db: Database) -> None:
    old_key, new_key = generate_key(), generate_key()
    await installation_store(db, "111.222", TokenVault([old_key])).async_save(installation("T1"))
    plain = AsyncSQLAlchemyInstallationStore(
        client_id="111.222",
        engine=db.engine,
        bots_table_name=slack_bots_table.name,
        installations_table_name=slack_installations_table.name,
    )
    await plain.async_save(installation("T2", bot_token="xoxb-still-plaintext"))

    changed = await rotate_keys(db, TokenVault([new_key, old_key]))
    # T1: bot token + refresh in each table and the user token, re-encrypted; T2: the same, sealed.
    assert changed == 10
    assert "xoxb-still-plaintext" not in " ".join(await stored_rows(db))
    assert await rotate_keys(db, TokenVault([new_key])) == 0  # nothing left to do

    only_new = installation_store(db, "111.222", TokenVault([new_key]))
    for team, token in (("T1", BOT_TOKEN), ("T2", "xoxb-still-plaintext")):
        bot = await only_new.async_find_bot(enterprise_id=None, team_id=team)
        assert bot is not None and bot.bot_token == token
        found = await only_new.async_find_installation(enterprise_id=None, team_id=team, user_id="U1")
        assert found is not None and found.user_token == USER_TOKEN and found.bot_token == token


async def test_slack_oauth_state_is_single_use(db: Database) -> None:
    states = oauth_state_store(db)
    state = await states.async_issue()
    assert await states.async_consume(state)
    assert not await states.async_consume(state)
