"""The households whose documents the registry places by filing date once, at its next
start (``HouseholdsService.place_after_upgrade``): every household holding documents.

Releases before this one placed a document in an occupant's part only when it was filed:
documents filed before their occupants history was entered stayed in the part open then
(all of a household's, often, when an old cabinet was digitised first), and a move-out
restarted the clocks of every document in the closing part, those filed after it too.
Placing them is a new version of each document that moves, with a feed event and an
audit entry (D6, O4), which only the registry can write (the audit log is a hash chain
under a key the database does not hold): this step marks, the registry places.

Revision ID: registry_0022_to_place
Revises: registry_0021_handover_cancelled
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_0022_to_place"
down_revision = "registry_0021_handover_cancelled"
branch_labels = None
depends_on = None


def upgrade() -> None:
    to_place = op.create_table(
        "households_to_place",
        sa.Column("household", sa.String(10), sa.ForeignKey("households.household"),
                  primary_key=True),
    )
    documents = sa.table("documents", sa.column("household", sa.String))
    op.execute(to_place.insert().from_select(
        ["household"], sa.select(documents.c.household).distinct()
        .where(documents.c.household.is_not(None))))


def downgrade() -> None:
    op.drop_table("households_to_place")
