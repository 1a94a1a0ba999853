"""A correction is of a document's record or of a registered occupancy (D12): the
corrections table, the one queue approvers decide from, holds both. One of an occupancy
names it (``occupancy_id``) and no document nor document version (``document_id``,
``base_version`` empty); the values it replaces are its ``before``, as for a document.

Revision ID: registry_0019_occupancy_fixes
Revises: registry_0018_occupant_folded
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_0019_occupancy_fixes"
down_revision = "registry_0018_occupant_folded"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("corrections") as table:
        table.alter_column("document_id", existing_type=sa.String(36), nullable=True)
        table.alter_column("base_version", existing_type=sa.Integer, nullable=True)
        table.add_column(sa.Column("occupancy_id", sa.Integer, nullable=True))
        table.create_foreign_key("fk_corrections_occupancy_id", "occupancies",
                                 ["occupancy_id"], ["occupancy_id"])
        table.create_index("ix_corrections_occupancy_id", ["occupancy_id"])


def downgrade() -> None:
    with op.batch_alter_table("corrections") as table:
        table.drop_index("ix_corrections_occupancy_id")
        table.drop_constraint("fk_corrections_occupancy_id", type_="foreignkey")
        table.drop_column("occupancy_id")
    op.execute("DELETE FROM corrections WHERE document_id IS NULL")
    with op.batch_alter_table("corrections") as table:
        table.alter_column("base_version", existing_type=sa.Integer, nullable=False)
        table.alter_column("document_id", existing_type=sa.String(36), nullable=False)
