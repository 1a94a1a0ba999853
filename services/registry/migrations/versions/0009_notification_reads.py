"""Read state of notifications: each row of ``loan_notifications`` is one recipient's
(``username``), so the time they read it (``read_at``, null while unread) is its read
state; indexed with the recipient so the unread count of every page is one index range.

Revision ID: registry_0009_notification_reads
Revises: registry_0008_review_queue, registry_0003 (lending's chain, which made the table:
this revision joins the two)
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_0009_notification_reads"
down_revision = ("registry_0008_review_queue", "registry_0003")
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("loan_notifications") as table:
        table.add_column(sa.Column("read_at", sa.DateTime(timezone=True), nullable=True))
        table.create_index("ix_loan_notifications_unread", ["username", "read_at"])


def downgrade() -> None:
    with op.batch_alter_table("loan_notifications") as table:
        table.drop_index("ix_loan_notifications_unread")
        table.drop_column("read_at")
