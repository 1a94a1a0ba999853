"""Accounts and the audit chain hardened (issue 14): a token version per user (a password
change or reset, or a change of roles, clearance or department, ends earlier tokens);
the client address of each login attempt, and indexes to prune old attempts; and the
audit chain's start of keyed entries (entries already written keep their plain SHA-256).

Revision ID: registry_accounts_audit_key
Revises: registry_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_accounts_audit_key"
down_revision = "registry_0002"
branch_labels = None
depends_on = None

POSTGRES_FIXED = [
    """
    CREATE FUNCTION audit_chain_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_chain is fixed: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_chain_no_rewrite BEFORE UPDATE OR DELETE ON audit_chain
        FOR EACH ROW EXECUTE FUNCTION audit_chain_fixed()
    """,
]
SQLITE_FIXED = [
    """
    CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain
    BEGIN SELECT RAISE(ABORT, 'audit_chain is fixed: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
    BEGIN SELECT RAISE(ABORT, 'audit_chain is fixed: DELETE refused'); END
    """,
]


def upgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("token_version", sa.Integer, nullable=False,
                                   server_default="0"))
    with op.batch_alter_table("login_attempts") as attempts:
        attempts.add_column(sa.Column("address", sa.String(64), nullable=True))
    op.create_index("ix_login_attempts_at", "login_attempts", ["at"])
    op.create_index("ix_login_attempts_address", "login_attempts", ["address", "at"])
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("keyed_from", sa.BigInteger, nullable=False),
    )
    op.execute("INSERT INTO audit_chain (id, keyed_from) "
               "SELECT 1, audit_seq + 1 FROM journal_head WHERE id = 1")
    statements = (POSTGRES_FIXED if op.get_bind().dialect.name == "postgresql"
                  else SQLITE_FIXED)
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_chain_no_rewrite ON audit_chain")
        op.execute("DROP FUNCTION IF EXISTS audit_chain_fixed()")
    op.drop_table("audit_chain")
    op.drop_index("ix_login_attempts_address", "login_attempts")
    op.drop_index("ix_login_attempts_at", "login_attempts")
    with op.batch_alter_table("login_attempts") as attempts:
        attempts.drop_column("address")
    with op.batch_alter_table("users") as users:
        users.drop_column("token_version")
