"""slack_sdk's async SQLAlchemy stores for multi-workspace installs, on our engine.

The tables they use are declared on our metadata (``bot.store.models``) and created by
our migrations; never call the stores' ``create_tables()``.

Bot and user tokens are sealed by the token vault before slack_sdk writes them and opened
after it reads them, bound to their workspace (and user, for user tokens), like Zoom tokens.
A token stored in plaintext before that (every Slack token starts with ``xox``) is still
read as it is; it is sealed the next time the install or Slack's token rotation saves it,
or by ``zoombot db rotate-key`` (``seal_plaintext_tokens``).
"""

from __future__ import annotations

import copy
from typing import Any, TypeVar

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import select, update

from bot.store.db import Database, rowcount
from bot.store.models import (
    SLACK_BOTS_TABLE,
    SLACK_INSTALLATIONS_TABLE,
    SLACK_OAUTH_STATES_TABLE,
    slack_bots_table,
    slack_installations_table,
)
from bot.store.vault import TokenVault

SLACK_OAUTH_STATE_TTL_SECONDS = 600
PLAINTEXT_PREFIX = "xox"  # every Slack token; a vault ciphertext never starts so

_Entity = TypeVar("_Entity", Bot, Installation)

_BOT_FIELDS = {"bot_token": "slack bot token", "bot_refresh_token": "slack bot refresh token"}
_USER_FIELDS = {"user_token": "slack user token", "user_refresh_token": "slack user refresh token"}


def token_fields(
    enterprise_id: str | None, team_id: str | None, user_id: str | None, *, user_tokens: bool
) -> list[tuple[str, str, str]]:
    """(attribute or column, vault purpose, vault owner) of each Slack token of a bot
    (``user_tokens=False``) or an installation: bot tokens belong to the workspace, user
    tokens to the workspace and user."""
    workspace = f"slack:{enterprise_id or '-'}:{team_id or '-'}"
    fields = [(name, purpose, workspace) for name, purpose in _BOT_FIELDS.items()]
    if user_tokens:
        fields += [(name, purpose, f"{workspace}:{user_id}") for name, purpose in _USER_FIELDS.items()]
    return fields


class SealedInstallationStore(AsyncSQLAlchemyInstallationStore):
    """slack_sdk's store, with every token field encrypted at rest."""

    def __init__(self, vault: TokenVault, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._vault = vault

    async def async_save(self, installation: Installation) -> None:
        # slack_sdk saves the bot row from this same (already sealed) object next.
        await super().async_save(self._sealed(installation))

    async def async_save_bot(self, bot: Bot) -> None:
        await super().async_save_bot(self._sealed(bot))

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        found = await super().async_find_bot(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install
        )
        return self._opened(found) if found is not None else None

    # slack_sdk's find_installation looks up the latest bot through async_find_bot (opened
    # here) and copies its token over the row's; _opened leaves such plaintext alone.
    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found = await super().async_find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        return self._opened(found) if found is not None else None

    def _fields(self, entity: Bot | Installation) -> list[tuple[str, str, str]]:
        if isinstance(entity, Installation):
            return token_fields(entity.enterprise_id, entity.team_id, entity.user_id, user_tokens=True)
        return token_fields(entity.enterprise_id, entity.team_id, None, user_tokens=False)

    def _sealed(self, entity: _Entity) -> _Entity:
        sealed = copy.copy(entity)
        for name, purpose, owner in self._fields(entity):
            value = getattr(entity, name, None)
            if isinstance(value, str) and value.startswith(PLAINTEXT_PREFIX):
                setattr(sealed, name, self._vault.encrypt(owner, purpose, value))
        return sealed

    def _opened(self, entity: _Entity) -> _Entity:
        for name, purpose, owner in self._fields(entity):
            value = getattr(entity, name, None)
            if isinstance(value, str) and not value.startswith(PLAINTEXT_PREFIX):
                setattr(entity, name, self._vault.decrypt(owner, purpose, value))
        return entity


async def seal_plaintext_tokens(db: Database, vault: TokenVault) -> int:
    """Encrypt the Slack tokens an earlier version stored in plaintext; returns how many.

    Each value is swapped with a compare-and-set on the plaintext, so a token saved by a
    running bot in the meantime is left alone (it is sealed already)."""
    sealed = 0
    for table, user_tokens in ((slack_bots_table, False), (slack_installations_table, True)):
        async with db.session() as session:
            rows = (await session.execute(select(table))).mappings().all()
            for row in rows:
                user_id = row["user_id"] if user_tokens else None
                for name, purpose, owner in token_fields(
                    row["enterprise_id"], row["team_id"], user_id, user_tokens=user_tokens
                ):
                    value = row[name]
                    if not (isinstance(value, str) and value.startswith(PLAINTEXT_PREFIX)):
                        continue
                    unchanged = (table.c.id == row["id"]) & (table.c[name] == value)
                    result = await session.execute(
                        update(table).where(unchanged).values({name: vault.encrypt(owner, purpose, value)})
                    )
                    sealed += rowcount(result)
    return sealed


def installation_store(db: Database, client_id: str, vault: TokenVault) -> SealedInstallationStore:
    return SealedInstallationStore(
        vault,
        client_id=client_id,
        engine=db.engine,
        bots_table_name=SLACK_BOTS_TABLE,
        installations_table_name=SLACK_INSTALLATIONS_TABLE,
    )


def oauth_state_store(
    db: Database, expiration_seconds: int = SLACK_OAUTH_STATE_TTL_SECONDS
) -> AsyncSQLAlchemyOAuthStateStore:
    return AsyncSQLAlchemyOAuthStateStore(
        expiration_seconds=expiration_seconds,
        engine=db.engine,
        table_name=SLACK_OAUTH_STATES_TABLE,
    )
