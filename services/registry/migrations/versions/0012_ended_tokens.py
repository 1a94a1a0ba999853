"""Tokens ended by signing out (退出): each row one token's id (``jti``), kept until the
token would have run out (``expires_at``), when it may be pruned.

Revision ID: registry_0012_ended_tokens
Revises: registry_0011_loan_withdrawal
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_0012_ended_tokens"
down_revision = "registry_0011_loan_withdrawal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ended_tokens",
        sa.Column("token_id", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ended_tokens_expires_at", "ended_tokens", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_ended_tokens_expires_at", table_name="ended_tokens")
    op.drop_table("ended_tokens")
