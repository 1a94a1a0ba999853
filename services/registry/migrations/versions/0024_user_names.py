"""A person's name (姓名) on their account, beside the username they sign in with: the
papers people sign (transfer lists, destruction registers, inventory checklists) and the
accounts page name them by it. Accounts made before have none until an admin gives it.

Revision ID: registry_0024_user_names
Revises: registry_0023_inventory_levels
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_0024_user_names"
down_revision = "registry_0023_inventory_levels"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.add_column(sa.Column("full_name", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as table:
        table.drop_column("full_name")
