"""event_jobs: each event's optimiser job in the database, for every worker

Revision ID: 0005_event_jobs
Revises: 0004_browser_sessions
Create Date: 2026-12-05 19:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import tradepivot.db.types

revision: str = "0005_event_jobs"
down_revision: str | None = "0004_browser_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_jobs",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=32), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", tradepivot.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", tradepivot.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "status IN ('running', 'done', 'failed')", name=op.f("ck_event_jobs_status")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_jobs_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_jobs")),
    )


def downgrade() -> None:
    op.drop_table("event_jobs")
