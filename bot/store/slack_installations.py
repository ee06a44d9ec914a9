"""slack_sdk's async SQLAlchemy stores for multi-workspace installs, on our engine.

The tables they use are declared on our metadata (``bot.store.models``) and created by
our migrations; never call the stores' ``create_tables()``.
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore

from bot.store.db import Database
from bot.store.models import SLACK_BOTS_TABLE, SLACK_INSTALLATIONS_TABLE, SLACK_OAUTH_STATES_TABLE

SLACK_OAUTH_STATE_TTL_SECONDS = 600


def installation_store(db: Database, client_id: str) -> AsyncSQLAlchemyInstallationStore:
    return AsyncSQLAlchemyInstallationStore(
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
