"""Slack calls: each meeting registered with Slack's Calls API, and the call its Join card shows.

``slack_calls`` keeps the call id Slack gave each meeting (per workspace) so Zoom's webhooks,
in any process, can add and remove its participants and end it. ``meeting_posts.call_id`` is
the call the card carries as a ``call`` block, so every redraw of the card keeps it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIMESTAMP = sa.DateTime(timezone=False)


def upgrade() -> None:
    with op.batch_alter_table("meeting_posts") as batch:
        batch.add_column(sa.Column("call_id", sa.String(32), nullable=True))

    op.create_table(
        "slack_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zoom_meeting_id", sa.BigInteger(), nullable=False),
        sa.Column("slack_team_id", sa.String(32), nullable=False),
        sa.Column("call_id", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("ended_at", UTC_TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_slack_calls"),
        sa.UniqueConstraint("slack_team_id", "call_id", name="uq_slack_calls_slack_team_id_call_id"),
    )
    op.create_index("ix_slack_calls_zoom_meeting_id", "slack_calls", ["zoom_meeting_id"])


def downgrade() -> None:
    op.drop_index("ix_slack_calls_zoom_meeting_id", table_name="slack_calls")
    op.drop_table("slack_calls")
    with op.batch_alter_table("meeting_posts") as batch:
        batch.drop_column("call_id")
