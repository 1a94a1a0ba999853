"""Ingest: a batch file refused for its type keeps what it seems to be (a Word file, a
WebP image, plain text), so the digitising page says what to do with it.

Revision ID: ingest_0008_refused_kind
"""

import sqlalchemy as sa
from alembic import op

revision = "ingest_0008_refused_kind"
down_revision = "ingest_0007_fixity_previews"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ingest_batch_files") as table:
        table.add_column(sa.Column("seems", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ingest_batch_files") as table:
        table.drop_column("seems")
