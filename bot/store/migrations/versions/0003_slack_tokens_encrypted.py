"""Slack tokens of multi-workspace installs are stored encrypted: their columns become Text.

slack_sdk declares them String(200), which holds a token but not its ciphertext. Rows
written before this revision hold plaintext tokens; they keep working and are encrypted
the next time the install is saved, or by ``zoombot db rotate-key``
(bot/store/slack_installations.py). The column list is copied, not imported: a migration
must not change when the models do.

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


def _retype(new: sa.types.TypeEngine[str], old: sa.types.TypeEngine[str]) -> None:
    for table, columns in TOKEN_COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(column, type_=new, existing_type=old, existing_nullable=True)


def upgrade() -> None:
    _retype(sa.Text(), sa.String(200))


def downgrade() -> None:
    _retype(sa.String(200), sa.Text())
