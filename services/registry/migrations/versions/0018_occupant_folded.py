"""Each occupant's name folded as search folds text (``services.common.text.fold``:
Traditional to Simplified, full width to half, case), so that a household is found by
part of a current or former occupant's name however it is written
(``GET /registry/households?q=``). Names written before are folded now.

Revision ID: registry_0018_occupant_folded
Revises: registry_0017_former_numbers
"""

import sqlalchemy as sa
from alembic import op

from services.common.text import fold

revision = "registry_0018_occupant_folded"
down_revision = "registry_0017_former_numbers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("occupancies") as table:
        table.add_column(sa.Column("occupant_folded", sa.Text, nullable=False,
                                   server_default=""))
    occupancies = sa.table("occupancies", sa.column("occupancy_id", sa.Integer),
                           sa.column("occupant", sa.String),
                           sa.column("occupant_folded", sa.String))
    rows = op.get_bind().execute(sa.select(occupancies.c.occupancy_id,
                                           occupancies.c.occupant)).all()
    for occupancy_id, occupant in rows:
        op.execute(occupancies.update().where(occupancies.c.occupancy_id == occupancy_id)
                   .values(occupant_folded=fold(occupant)))


def downgrade() -> None:
    with op.batch_alter_table("occupancies") as table:
        table.drop_column("occupant_folded")
