"""A request closed before anything was lent (撤回): withdrawn by its borrower or the
archivist who registered it, or closed when the borrower left (B9); ``rejected`` as a
refusal is, told apart by ``withdrawn``.

Revision ID: registry_0011_loan_withdrawal
Revises: registry_0010_incident_resolved
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_0011_loan_withdrawal"
down_revision = "registry_0010_incident_resolved"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("loans") as table:
        table.add_column(sa.Column("withdrawn", sa.Boolean, nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("loans") as table:
        table.drop_column("withdrawn")
