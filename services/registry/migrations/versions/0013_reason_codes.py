"""A version the registry makes by itself (a move between an occupant's parts, a
restarted retention clock, an appraisal, a handover) keeps why as a code and its values
(``reason_code``, ``reason_values``), which the pages say in the reader's language; null
for a person's reason and for the versions made before.

Revision ID: registry_0013_reason_codes
Revises: registry_0012_ended_tokens
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_0013_reason_codes"
down_revision = "registry_0012_ended_tokens"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document_versions") as table:
        table.add_column(sa.Column("reason_code", sa.String(32), nullable=True))
        table.add_column(sa.Column("reason_values", sa.JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("document_versions") as table:
        table.drop_column("reason_values")
        table.drop_column("reason_code")
