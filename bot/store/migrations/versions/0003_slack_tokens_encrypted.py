"""Slack tokens of multi-workspace installs are stored encrypted: their columns become Text.

slack_sdk declares them String(200), which holds a token but not its ciphertext. Rows
written before this revision hold plaintext tokens; they keep working and are encrypted
the next time Slack's install or token rotation saves them (bot/store/slack_installations.py).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKEN_COLUMNS = {
    "slack_bots": ("bot_token", "bot_refresh_token"),
    "slack_installations": ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token"),
}


def upgrade() -> None:
    for table, columns in TOKEN_COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(
                    column, type_=sa.Text(), existing_type=sa.String(200), existing_nullable=True
                )


def downgrade() -> None:
    for table, columns in TOKEN_COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(
                    column, type_=sa.String(200), existing_type=sa.Text(), existing_nullable=True
                )
