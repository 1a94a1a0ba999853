"""Handovers (移交, O1) with both sides' signatures, and transfers out (移出).

Revision ID: registry_0006_handovers
Revises: registry_0005_witness_digests
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_0006_handovers"
down_revision = "registry_0005_witness_digests"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "handovers",
        sa.Column("handover_id", sa.String(36), primary_key=True),
        sa.Column("status", sa.String(24), nullable=False, index=True),
        sa.Column("service_centre", sa.String(200), nullable=False),
        sa.Column("handed_over_by", sa.String(80), nullable=False),
        sa.Column("received_by", sa.String(80), nullable=False),
        sa.Column("location", sa.JSON, nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("completed_at", TIMESTAMP, nullable=True, index=True),
    )
    op.create_table(
        "handover_items",
        sa.Column("handover_id", sa.String(36), sa.ForeignKey("handovers.handover_id"),
                  primary_key=True),
        sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.document_id"),
                  primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("archive_no", sa.String(80), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("household", sa.String(10), nullable=True),
        sa.Column("filed_at", sa.Date, nullable=False),
        sa.Column("pages", sa.Integer, nullable=False),
    )
    op.create_table(
        "handover_signatures",
        sa.Column("handover_id", sa.String(36), sa.ForeignKey("handovers.handover_id"),
                  primary_key=True),
        sa.Column("username", sa.String(80), primary_key=True),
        sa.Column("side", sa.String(16), nullable=False),
        sa.Column("signed_at", TIMESTAMP, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(64), nullable=False),
    )
    op.create_table(
        "transfers",
        sa.Column("transfer_id", sa.String(36), primary_key=True),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("transferred_by", sa.String(80), nullable=False),
        sa.Column("transferred_at", TIMESTAMP, nullable=False, index=True),
    )
    op.create_table(
        "transfer_items",
        sa.Column("transfer_id", sa.String(36), sa.ForeignKey("transfers.transfer_id"),
                  primary_key=True),
        sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.document_id"),
                  primary_key=True, unique=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    for table in ("transfer_items", "transfers", "handover_signatures", "handover_items",
                  "handovers"):
        op.drop_table(table)
