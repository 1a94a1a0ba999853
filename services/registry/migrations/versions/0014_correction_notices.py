"""Notifications about corrections (更正, D6, D10): the proposer is told when their
correction is approved or rejected, as a borrower is told of their loan. A notice is about
a loan (``loan_id``) or about a correction (``correction_id``), so both are nullable.

Revision ID: registry_0014_correction_notices
Revises: registry_0013_reason_codes
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_0014_correction_notices"
down_revision = "registry_0013_reason_codes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("loan_notifications") as table:
        table.alter_column("loan_id", existing_type=sa.String(36), nullable=True)
        table.add_column(sa.Column("correction_id", sa.String(36), nullable=True))
        table.create_foreign_key("fk_loan_notifications_correction_id", "corrections",
                                 ["correction_id"], ["correction_id"])


def downgrade() -> None:
    with op.batch_alter_table("loan_notifications") as table:
        table.drop_constraint("fk_loan_notifications_correction_id", type_="foreignkey")
        table.drop_column("correction_id")
        table.alter_column("loan_id", existing_type=sa.String(36), nullable=False)
