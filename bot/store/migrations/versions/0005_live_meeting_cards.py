"""Live meeting cards: what a Join card shows, its update bookkeeping, and the meeting's live state.

``meeting_posts`` learns who posted the card and what it shows (topic, Join URL — never the
host's start URL), plus the columns that coalesce its ``chat.update`` calls across processes.
``meeting_live`` holds what Zoom's webhooks last said about each meeting's current instance,
``meeting_participants`` each participant's stay (deduplicated by participant and join time),
so the count survives restarts and is shared by every process.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIMESTAMP = sa.DateTime(timezone=False)


def upgrade() -> None:
    with op.batch_alter_table("meeting_posts") as batch:
        batch.add_column(sa.Column("slack_user_id", sa.String(32), nullable=True))
        batch.add_column(sa.Column("topic", sa.String(300), nullable=True))
        batch.add_column(sa.Column("join_url", sa.String(1024), nullable=True))
        batch.add_column(sa.Column("shown_version", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("next_update_at", UTC_TIMESTAMP, nullable=True))
        batch.add_column(sa.Column("update_lease_owner", sa.String(128), nullable=True))
        batch.add_column(sa.Column("update_lease_until", UTC_TIMESTAMP, nullable=True))

    op.create_table(
        "meeting_live",
        sa.Column("zoom_meeting_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("meeting_uuid", sa.String(128), nullable=False),
        sa.Column("topic", sa.String(300), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", UTC_TIMESTAMP, nullable=True),
        sa.Column("ended_at", UTC_TIMESTAMP, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTC_TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("zoom_meeting_id", name="pk_meeting_live"),
        sa.CheckConstraint("status IN ('started', 'ended')", name="ck_meeting_live_status"),
    )

    op.create_table(
        "meeting_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zoom_meeting_id", sa.BigInteger(), nullable=False),
        sa.Column("meeting_uuid", sa.String(128), nullable=False),
        sa.Column("participant_key", sa.String(128), nullable=False),
        sa.Column("joined_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("left_at", UTC_TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_meeting_participants"),
        sa.UniqueConstraint(
            "meeting_uuid",
            "participant_key",
            "joined_at",
            name="uq_meeting_participants_meeting_uuid_participant_key_joined_at",
        ),
    )
    op.create_index("ix_meeting_participants_zoom_meeting_id", "meeting_participants", ["zoom_meeting_id"])


def downgrade() -> None:
    op.drop_index("ix_meeting_participants_zoom_meeting_id", table_name="meeting_participants")
    op.drop_table("meeting_participants")
    op.drop_table("meeting_live")
    with op.batch_alter_table("meeting_posts") as batch:
        for column in (
            "update_lease_until",
            "update_lease_owner",
            "next_update_at",
            "shown_version",
            "join_url",
            "topic",
            "slack_user_id",
        ):
            batch.drop_column(column)
