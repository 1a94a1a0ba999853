"""Retention: sweeps and their items, appraisals, legal holds, destruction registers
(销毁清册) with witnesses and items.

Revision ID: registry_0004
Revises: registry_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_0004"
down_revision = "registry_0002"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)
OPEN_ITEMS = "state IN ('appraisal', 'waiting')"
LIVE_ITEMS = "state IN ('pending', 'destroyed')"


def upgrade() -> None:
    _sweeps()
    _holds()
    _destructions()


def _sweeps() -> None:
    op.create_table(
        "retention_sweeps",
        sa.Column("sweep_id", sa.String(36), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("categories", sa.JSON, nullable=True),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("decided_by", sa.String(80), nullable=True),
        sa.Column("decided_at", TIMESTAMP, nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("destroy_after", sa.Date, nullable=True),
    )
    op.create_table(
        "sweep_items",
        sa.Column("sweep_id", sa.String(36), sa.ForeignKey("retention_sweeps.sweep_id"),
                  primary_key=True),
        sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.document_id"),
                  primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("archive_no", sa.String(80), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("disposal_due", sa.Date, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("keep_until", sa.Date, nullable=True),
        sa.Column("keep_class", sa.String(16), nullable=True),
        sa.Column("new_disposal_due", sa.Date, nullable=True),
    )
    op.create_index("ux_sweep_items_open_document", "sweep_items", ["document_id"],
                    unique=True, sqlite_where=sa.text(OPEN_ITEMS),
                    postgresql_where=sa.text(OPEN_ITEMS))
    op.create_table(
        "appraisals",
        sa.Column("sweep_id", sa.String(36), primary_key=True),
        sa.Column("document_id", sa.String(36), primary_key=True),
        sa.Column("appraiser", sa.String(80), primary_key=True),
        sa.Column("roles", sa.JSON, nullable=False),
        sa.Column("department", sa.String(64), nullable=True),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("keep_until", sa.Date, nullable=True),
        sa.Column("keep_class", sa.String(16), nullable=True),
        sa.Column("opinion", sa.Text, nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["sweep_id", "document_id"],
                                ["sweep_items.sweep_id", "sweep_items.document_id"]),
    )


def _holds() -> None:
    op.create_table(
        "legal_holds",
        sa.Column("hold_id", sa.String(36), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("household", sa.String(10), nullable=True),
        sa.Column("category", sa.String(32), nullable=True),
        sa.Column("placed_by", sa.String(80), nullable=False),
        sa.Column("placed_at", TIMESTAMP, nullable=False),
        sa.Column("released_by", sa.String(80), nullable=True),
        sa.Column("released_at", TIMESTAMP, nullable=True),
        sa.Column("release_note", sa.Text, nullable=True),
    )
    op.create_index("ix_legal_holds_status", "legal_holds", ["status"])
    op.create_table(
        "legal_hold_documents",
        sa.Column("hold_id", sa.String(36), sa.ForeignKey("legal_holds.hold_id"),
                  primary_key=True),
        sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.document_id"),
                  primary_key=True),
    )
    op.create_index("ix_legal_hold_documents_document_id", "legal_hold_documents",
                    ["document_id"])


def _destructions() -> None:
    op.create_table(
        "destructions",
        sa.Column("destruction_id", sa.String(36), primary_key=True),
        sa.Column("sweep_id", sa.String(36), sa.ForeignKey("retention_sweeps.sweep_id"),
                  nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("executed_by", sa.String(80), nullable=True),
        sa.Column("execution_started_at", TIMESTAMP, nullable=True),
        sa.Column("executed_at", TIMESTAMP, nullable=True),
        sa.Column("cancelled_by", sa.String(80), nullable=True),
        sa.Column("cancelled_at", TIMESTAMP, nullable=True),
    )
    op.create_index("ix_destructions_sweep_id", "destructions", ["sweep_id"])
    op.create_index("ix_destructions_status", "destructions", ["status"])
    op.create_table(
        "destruction_witnesses",
        sa.Column("destruction_id", sa.String(36),
                  sa.ForeignKey("destructions.destruction_id"), primary_key=True),
        sa.Column("username", sa.String(80), primary_key=True),
        sa.Column("signed_at", TIMESTAMP, nullable=False),
    )
    op.create_table(
        "destruction_items",
        sa.Column("destruction_id", sa.String(36),
                  sa.ForeignKey("destructions.destruction_id"), primary_key=True),
        sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.document_id"),
                  primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("archive_no", sa.String(80), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("household", sa.String(10), nullable=True),
        sa.Column("filed_at", sa.Date, nullable=False),
        sa.Column("retention_class", sa.String(16), nullable=False),
        sa.Column("disposal_due", sa.Date, nullable=True),
        sa.Column("pages", sa.Integer, nullable=False),
        sa.Column("security", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("destroyed_at", TIMESTAMP, nullable=True),
        sa.Column("withheld_reason", sa.String(16), nullable=True),
    )
    op.create_index("ux_destruction_items_live_document", "destruction_items",
                    ["document_id"], unique=True, sqlite_where=sa.text(LIVE_ITEMS),
                    postgresql_where=sa.text(LIVE_ITEMS))


def downgrade() -> None:
    for table in ("destruction_items", "destruction_witnesses", "destructions",
                  "legal_hold_documents", "legal_holds", "appraisals", "sweep_items",
                  "retention_sweeps"):
        op.drop_table(table)
