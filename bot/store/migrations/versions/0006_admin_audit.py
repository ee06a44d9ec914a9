"""The admin audit trail: each Zoom user create/deactivate/activate and recording trash/recover.

One row per action taken from Slack: who (team and user), what, on which Zoom user or
meeting, and whether it went through (``ok``), was refused (with Zoom's code or zoombot's
own rule) or failed. `/zoom audit` reads the newest rows of a workspace.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIMESTAMP = sa.DateTime(timezone=False)


def upgrade() -> None:
    op.create_table(
        "admin_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTC_TIMESTAMP, nullable=False),
        sa.Column("slack_team_id", sa.String(32), nullable=False),
        sa.Column("slack_user_id", sa.String(32), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        sa.Column("detail", sa.String(300), nullable=True),
        sa.Column("result", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_admin_audit"),
        sa.CheckConstraint("result IN ('ok', 'refused', 'failed')", name="ck_admin_audit_result"),
    )
    op.create_index("ix_admin_audit_slack_team_id_at", "admin_audit", ["slack_team_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_admin_audit_slack_team_id_at", table_name="admin_audit")
    op.drop_table("admin_audit")
