"""Incident resolution (B5): who closed a loss or damage report, when, and what was done;
all null while the incident is open.

Revision ID: registry_0010_incident_resolved
Revises: registry_0009_notification_reads
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_0010_incident_resolved"
down_revision = "registry_0009_notification_reads"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("loan_incidents") as table:
        table.add_column(sa.Column("resolved_by", sa.String(64), nullable=True))
        table.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("resolution", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("loan_incidents") as table:
        table.drop_column("resolution")
        table.drop_column("resolved_at")
        table.drop_column("resolved_by")
