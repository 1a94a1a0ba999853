"""A handover not yet signed by both sides may be cancelled by an archivist, with a reason
(e.g. its signer left): who cancelled it, when and why.

Revision ID: registry_0021_handover_cancelled
Revises: registry_0020_earlier_appraisals
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_0021_handover_cancelled"
down_revision = "registry_0020_earlier_appraisals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handovers") as table:
        table.add_column(sa.Column("cancelled_by", sa.String(80), nullable=True))
        table.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("cancel_reason", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("handovers") as table:
        table.drop_column("cancel_reason")
        table.drop_column("cancelled_at")
        table.drop_column("cancelled_by")
