"""Ingest: fixity runs (reliability.md promise 6).

Revision ID: ingest_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "ingest_0002"
down_revision = "ingest_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ingest_fixity_runs",
        sa.Column("run_id", sa.String(36), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("started_by", sa.String(128), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("documents_total", sa.Integer, nullable=False),
        sa.Column("documents_checked", sa.Integer, nullable=False),
        sa.Column("bytes_hashed", sa.BigInteger, nullable=False),
        sa.Column("findings", sa.JSON, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("running_slot", sa.Integer, nullable=True),
    )
    # One running check at a time: the slot is 1 while running, NULL after.
    op.create_index("ux_ingest_fixity_runs_running", "ingest_fixity_runs", ["running_slot"],
                    unique=True)
    op.create_index("ix_ingest_fixity_runs_started", "ingest_fixity_runs", ["started_at"])


def downgrade() -> None:
    op.drop_table("ingest_fixity_runs")
