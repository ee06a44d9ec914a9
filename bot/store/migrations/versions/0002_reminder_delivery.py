"""Reminder delivery: the Join URL posted with a reminder, and a lookup by meeting.

The join URL is stored when the reminder is created so posting needs no Zoom call (and
no user token) at delivery time; it is not a host credential (the start URL never is
stored). The index serves "meeting moved / cancelled / ended" lookups.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-15
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("reminders", sa.Column("join_url", sa.String(1024), nullable=True))
    op.create_index("ix_reminders_zoom_meeting_id", "reminders", ["zoom_meeting_id"])


def downgrade() -> None:
    op.drop_index("ix_reminders_zoom_meeting_id", table_name="reminders")
    op.drop_column("reminders", "join_url")
