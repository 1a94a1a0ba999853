"""Ingest: a fixity run counts the documents that have no page previews at all (filed
before previews were made), which are not findings: ``archive derive --missing`` makes
them.

Revision ID: ingest_0007_fixity_previews
"""

import sqlalchemy as sa
from alembic import op

revision = "ingest_0007_fixity_previews"
down_revision = "ingest_0006_batch_file_fields"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ingest_fixity_runs") as table:
        table.add_column(sa.Column("documents_without_previews", sa.Integer, nullable=False,
                                   server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("ingest_fixity_runs") as table:
        table.drop_column("documents_without_previews")
