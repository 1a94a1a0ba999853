"""The archive numbers a document held before a correction of its filing year, category
or household renumbered it (原档号, D11), oldest first: shown on its page, found by
search, and kept in their series by the numbering check (never given again).

Revision ID: registry_0017_former_numbers
Revises: registry_0016_correction_before
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_0017_former_numbers"
down_revision = "registry_0016_correction_before"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as table:
        table.add_column(sa.Column("former_archive_nos", sa.JSON, nullable=False,
                                   server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("documents") as table:
        table.drop_column("former_archive_nos")
