"""Status sync: a person's own Slack user token (sealed) and the status shown while in a Zoom meeting.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIMESTAMP = sa.DateTime(timezone=False)


def upgrade() -> None:
    op.create_table(
        "status_sync",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slack_team_id", sa.String(32), nullable=False),
        sa.Column("slack_user_id", sa.String(32), nullable=False),
        sa.Column("zoom_user_id", sa.String(64), nullable=False),
        sa.Column("zoom_email", sa.String(320), nullable=False),
        sa.Column("user_token_enc", sa.Text(), nullable=True),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("state_hash", sa.String(64), nullable=True),
        sa.Column("state_expires_at", UTC_TIMESTAMP, nullable=True),
        sa.Column("meeting_key", sa.String(160), nullable=True),
        sa.Column("status_set", sa.Boolean(), nullable=False),
        sa.Column("status_until", UTC_TIMESTAMP, nullable=True),
        sa.Column("ending", sa.Boolean(), nullable=False),
        sa.Column("saved_text", sa.String(200), nullable=True),
        sa.Column("saved_emoji", sa.String(100), nullable=True),
        sa.Column("saved_expiration", sa.BigInteger(), nullable=True),
        sa.Column("lease_owner", sa.String(128), nullable=True),
        sa.Column("lease_until", UTC_TIMESTAMP, nullable=True),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("updated_at", UTC_TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_status_sync"),
        sa.UniqueConstraint(
            "slack_team_id", "slack_user_id", name="uq_status_sync_slack_team_id_slack_user_id"
        ),
        sa.UniqueConstraint("state_hash", name="uq_status_sync_state_hash"),
    )
    op.create_index("ix_status_sync_zoom_user_id", "status_sync", ["zoom_user_id"])
    op.create_index("ix_status_sync_meeting_key", "status_sync", ["meeting_key"])


def downgrade() -> None:
    op.drop_index("ix_status_sync_meeting_key", table_name="status_sync")
    op.drop_index("ix_status_sync_zoom_user_id", table_name="status_sync")
    op.drop_table("status_sync")
