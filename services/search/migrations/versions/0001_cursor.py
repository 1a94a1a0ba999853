"""Search: the change-feed cursor, how far into the registry's feed the index has come.

Revision ID: search_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "search_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    cursors = op.create_table(
        "feed_cursors",
        sa.Column("feed", sa.String(32), primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute(cursors.insert().values(feed="registry", seq=0,
                                       updated_at=sa.func.current_timestamp()))
