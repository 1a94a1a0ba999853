"""Ingest: upload batches (the digitising page's, kept so closing the tab loses nothing)
and each job's reading progress and pages needing review.

Revision ID: ingest_0003_batches
"""

import sqlalchemy as sa
from alembic import op

revision = "ingest_0003_batches"
down_revision = "ingest_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ingest_batches",
        sa.Column("batch_id", sa.String(36), primary_key=True),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ingest_batches_creator", "ingest_batches", ["created_by", "created_at"])
    op.create_table(
        "ingest_batch_files",
        sa.Column("batch_id", sa.String(36), sa.ForeignKey("ingest_batches.batch_id"),
                  primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("job_id", sa.String(36), nullable=True),
        sa.Column("duplicate", sa.Boolean, nullable=False),
        sa.Column("error_code", sa.String(64), nullable=True),
        sa.Column("error", sa.Text, nullable=True),
    )
    with op.batch_alter_table("ingest_jobs") as table:
        table.add_column(sa.Column("pages_read", sa.Integer, nullable=True))
        table.add_column(sa.Column("pages_total", sa.Integer, nullable=True))
        table.add_column(sa.Column("review_pages", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ingest_jobs") as table:
        table.drop_column("review_pages")
        table.drop_column("pages_total")
        table.drop_column("pages_read")
    op.drop_table("ingest_batch_files")
    op.drop_index("ix_ingest_batches_creator", "ingest_batches")
    op.drop_table("ingest_batches")
