"""Attendance after the meeting: the jobs that post it in the cards' threads, and each channel's switch.

``attendance_jobs`` holds one row per ended meeting instance (its UUID unique), tried again
until Zoom has the participant list; processes claim a row under a lease, as reminders do.
``channel_attendance`` remembers the channels where `/zoom attendance off` was run (no row: on).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIMESTAMP = sa.DateTime(timezone=False)


def upgrade() -> None:
    op.create_table(
        "attendance_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zoom_meeting_id", sa.BigInteger(), nullable=False),
        sa.Column("meeting_uuid", sa.String(128), nullable=False),
        sa.Column("host_id", sa.String(64), nullable=True),
        sa.Column("topic", sa.String(300), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("due_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("give_up_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(128), nullable=True),
        sa.Column("lease_until", UTC_TIMESTAMP, nullable=True),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("updated_at", UTC_TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_attendance_jobs"),
        sa.UniqueConstraint("meeting_uuid", name="uq_attendance_jobs_meeting_uuid"),
        sa.CheckConstraint(
            "status IN ('pending', 'running', 'posted', 'gave_up', 'failed')",
            name="ck_attendance_jobs_status",
        ),
    )
    op.create_index("ix_attendance_jobs_status_due_at", "attendance_jobs", ["status", "due_at"])

    op.create_table(
        "channel_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slack_team_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("changed_by", sa.String(32), nullable=False),
        sa.Column("changed_at", UTC_TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_channel_attendance"),
        sa.UniqueConstraint(
            "slack_team_id", "channel_id", name="uq_channel_attendance_slack_team_id_channel_id"
        ),
    )


def downgrade() -> None:
    op.drop_table("channel_attendance")
    op.drop_index("ix_attendance_jobs_status_due_at", table_name="attendance_jobs")
    op.drop_table("attendance_jobs")
