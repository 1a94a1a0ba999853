"""Ingest: pages read by OCR, counted by every process that reads them (``/metrics``).

Revision ID: ingest_0004_ocr_tally
"""

import sqlalchemy as sa
from alembic import op

revision = "ingest_0004_ocr_tally"
down_revision = "ingest_0003_batches"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tally = op.create_table(
        "ingest_ocr_tally",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pages", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(tally, [{"id": 1, "pages": 0}])


def downgrade() -> None:
    op.drop_table("ingest_ocr_tally")
