"""Zoom host writes: meeting creates + updates sent per host and UTC day, under Zoom's 100-a-day cap.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "zoom_host_writes",
        sa.Column("host_key", sa.String(64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("used_up_until", sa.DateTime(timezone=False), nullable=True),
        sa.PrimaryKeyConstraint("host_key", "day", name="pk_zoom_host_writes"),
    )


def downgrade() -> None:
    op.drop_table("zoom_host_writes")
