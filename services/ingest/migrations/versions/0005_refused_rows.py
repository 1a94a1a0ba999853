"""Ingest: a batch's refused manifest row keeps its line and the value written there, for
the digitising page to say which row and what in it is wrong.

Revision ID: ingest_0005_refused_rows
"""

import sqlalchemy as sa
from alembic import op

revision = "ingest_0005_refused_rows"
down_revision = "ingest_0004_ocr_tally"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ingest_batch_files") as table:
        table.add_column(sa.Column("manifest_line", sa.Integer, nullable=True))
        table.add_column(sa.Column("manifest_value", sa.String(255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ingest_batch_files") as table:
        table.drop_column("manifest_value")
        table.drop_column("manifest_line")
