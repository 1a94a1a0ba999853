"""Periodic checks (O3): inventories (帐物相符) with one item per box, and condition
checks against the seven protections (七防).

Revision ID: registry_0007_inventory
Revises: registry_0006_handovers
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_0007_inventory"
down_revision = "registry_0006_handovers"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)
PLACE = ("building", "room", "cabinet", "box")


def upgrade() -> None:
    op.create_table(
        "inventories",
        sa.Column("inventory_id", sa.String(36), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("building", sa.String(64), nullable=True),
        sa.Column("unplaced", sa.Integer, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("started_by", sa.String(80), nullable=False),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("completed_by", sa.String(80), nullable=True),
        sa.Column("completed_at", TIMESTAMP, nullable=True),
    )
    op.create_index("ix_inventories_completed_at", "inventories", ["completed_at"])
    op.create_table(
        "inventory_items",
        sa.Column("inventory_id", sa.String(36), sa.ForeignKey("inventories.inventory_id"),
                  primary_key=True),
        sa.Column("item", sa.Integer, primary_key=True, autoincrement=False),
        *(sa.Column(name, sa.String(64), nullable=False) for name in PLACE),
        sa.Column("households", sa.JSON, nullable=False),
        sa.Column("documents", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("checked_by", sa.String(80), nullable=True),
        sa.Column("checked_at", TIMESTAMP, nullable=True),
        sa.Column("resolution", sa.Text, nullable=True),
        sa.Column("resolved_by", sa.String(80), nullable=True),
        sa.Column("resolved_at", TIMESTAMP, nullable=True),
    )
    op.create_index("ix_inventory_items_state", "inventory_items", ["state", "resolved_at"])
    op.create_table(
        "condition_checks",
        sa.Column("check_id", sa.String(36), primary_key=True),
        *(sa.Column(name, sa.String(64), nullable=False) for name in PLACE),
        sa.Column("checked_on", sa.Date, nullable=False),
        sa.Column("protections", sa.JSON, nullable=False),
        sa.Column("problems", sa.Integer, nullable=False),
        sa.Column("repaired", sa.Text, nullable=True),
        sa.Column("copied", sa.Text, nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("checked_by", sa.String(80), nullable=False),
        sa.Column("recorded_at", TIMESTAMP, nullable=False),
    )
    op.create_index("ix_condition_checks_checked_on", "condition_checks", ["checked_on"])


def downgrade() -> None:
    op.drop_table("condition_checks")
    op.drop_table("inventory_items")
    op.drop_table("inventories")
