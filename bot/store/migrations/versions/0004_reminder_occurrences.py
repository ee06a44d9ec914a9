"""Reminders that follow a recurring meeting: the occurrence a row is for, and the ones after it.

A reminder on a recurring (type 8) meeting is one row per occurrence. When a row is
posted (or missed) the next row is written in the same transaction that records the
post, from ``later_occurrences`` (JSON ``[[occurrence_id, start_utc], …]``), so
exactly one process re-arms it. Both columns are empty for one-off meetings.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reminders") as batch:
        batch.add_column(sa.Column("occurrence_id", sa.String(20), nullable=True))
        batch.add_column(sa.Column("later_occurrences", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reminders") as batch:
        batch.drop_column("later_occurrences")
        batch.drop_column("occurrence_id")
