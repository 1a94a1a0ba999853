"""Witness signatures bound to the register's items (R6): each signature keeps the digest
it signed and an HMAC of register, witness, time and digest. Signatures made before this
revision have neither, so they no longer verify: their witnesses sign again.

Revision ID: registry_0005_witness_digests
Revises: registry_0004
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_0005_witness_digests"
down_revision = "registry_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("destruction_witnesses") as table:
        table.add_column(sa.Column("digest", sa.String(64), nullable=True))
        table.add_column(sa.Column("signature", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("destruction_witnesses") as table:
        table.drop_column("signature")
        table.drop_column("digest")
