"""Ingest: a batch file refused because its bytes are filed otherwise names the fields
(``filed_differently``), so the digitising page says which.

Revision ID: ingest_0006_batch_file_fields
"""

import sqlalchemy as sa
from alembic import op

revision = "ingest_0006_batch_file_fields"
down_revision = "ingest_0005_refused_rows"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ingest_batch_files") as table:
        table.add_column(sa.Column("fields", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ingest_batch_files") as table:
        table.drop_column("fields")
