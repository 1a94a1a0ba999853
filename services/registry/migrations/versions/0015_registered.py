"""Whether a household was registered on purpose (开户: ``POST /registry/households``) or
came into being as a side effect of filing a document under a new unit code. A household
that was not registered is shown only to those who may see one of its documents: one first
seen on a secret filing would otherwise tell uncleared staff that a secret document exists.

Households written before are taken as registered, unless the audit log shows they were
made by a filing: its ``household_created`` entry is followed, in the same transaction
(the next entry, by the same person at the same moment), by that filing's ``filed``.

Revision ID: registry_0015_registered
Revises: registry_0014_correction_notices
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "registry_0015_registered"
down_revision = "registry_0014_correction_notices"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("households") as table:
        table.add_column(sa.Column("registered", sa.Boolean, nullable=False,
                                   server_default=sa.true()))
    audit = sa.table("audit_log", sa.column("seq", sa.BigInteger), sa.column("at"),
                     sa.column("username", sa.String), sa.column("action", sa.String),
                     sa.column("detail", sa.Text))
    following = audit.alias("following")
    filed = op.get_bind().execute(
        sa.select(audit.c.detail).select_from(audit.join(following, sa.and_(
            following.c.seq == audit.c.seq + 1, following.c.action == "filed",
            following.c.username == audit.c.username, following.c.at == audit.c.at)))
        .where(audit.c.action == "household_created"))
    implicit = sorted({str(json.loads(detail).get("household")) for (detail,) in filed})
    households = sa.table("households", sa.column("household", sa.String),
                          sa.column("registered", sa.Boolean))
    for start in range(0, len(implicit), 500):
        op.execute(households.update()
                   .where(households.c.household.in_(implicit[start:start + 500]))
                   .values(registered=False))


def downgrade() -> None:
    with op.batch_alter_table("households") as table:
        table.drop_column("registered")
