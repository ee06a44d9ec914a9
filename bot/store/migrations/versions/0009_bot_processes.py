"""The live bot processes, so they can split Zoom's per-account rate limits between them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bot_processes",
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=False), nullable=False),
        sa.PrimaryKeyConstraint("owner", name="pk_bot_processes"),
    )
    op.create_index("ix_bot_processes_seen_at", "bot_processes", ["seen_at"])


def downgrade() -> None:
    op.drop_index("ix_bot_processes_seen_at", table_name="bot_processes")
    op.drop_table("bot_processes")
