"""What an inventory holds by security level, and whose view it is: an inventory lists
only what its starter may know of (their ``clearance``), and each reader is shown the
boxes, households and documents their own clearance covers (D1).

Inventories started before listed every active document whatever its level: they are
kept as the view of someone cleared for ``secret``, all they hold at that level, so no
one less cleared is shown a box, a household or a count from them.

Revision ID: registry_0023_inventory_levels
Revises: registry_0022_to_place
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_0023_inventory_levels"
down_revision = "registry_0022_to_place"
branch_labels = None
depends_on = None

EVERY_LEVEL = "secret"


def upgrade() -> None:
    with op.batch_alter_table("inventories") as table:
        table.add_column(sa.Column("clearance", sa.String(16), nullable=False,
                                   server_default=EVERY_LEVEL))
        table.add_column(sa.Column("unplaced_held", sa.JSON, nullable=True))
    with op.batch_alter_table("inventory_items") as table:
        table.add_column(sa.Column("held", sa.JSON, nullable=True))
    inventories = sa.table("inventories", sa.column("inventory_id", sa.String),
                           sa.column("unplaced", sa.Integer),
                           sa.column("unplaced_held", sa.JSON))
    items = sa.table("inventory_items", sa.column("inventory_id", sa.String),
                     sa.column("item", sa.Integer), sa.column("households", sa.JSON),
                     sa.column("documents", sa.Integer), sa.column("held", sa.JSON))
    bind = op.get_bind()
    for inventory_id, unplaced in bind.execute(
            sa.select(inventories.c.inventory_id, inventories.c.unplaced)).all():
        bind.execute(inventories.update().where(inventories.c.inventory_id == inventory_id)
                     .values(unplaced_held={EVERY_LEVEL: unplaced}))
    for inventory_id, item, households, documents in bind.execute(sa.select(
            items.c.inventory_id, items.c.item, items.c.households, items.c.documents)).all():
        bind.execute(items.update().where(items.c.inventory_id == inventory_id,
                                          items.c.item == item)
                     .values(held={EVERY_LEVEL: {"documents": documents,
                                                 "households": households}}))
    with op.batch_alter_table("inventories") as table:
        table.alter_column("unplaced_held", existing_type=sa.JSON, nullable=False)
    with op.batch_alter_table("inventory_items") as table:
        table.alter_column("held", existing_type=sa.JSON, nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("inventory_items") as table:
        table.drop_column("held")
    with op.batch_alter_table("inventories") as table:
        table.drop_column("unplaced_held")
        table.drop_column("clearance")
