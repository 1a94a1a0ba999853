"""Tables of retention sweeps (R2–R5): sweeps, their items, appraisals; the migration
``registry_0004`` (and ``registry_0020``, an index) are their source of truth."""

from __future__ import annotations

import sqlalchemy as sa

from services.registry.columns import moment, note, reference, stamp, status, uuid_key
from services.registry.schema import metadata

retention_sweeps = sa.Table(
    "retention_sweeps", metadata,
    uuid_key("sweep_id"),
    status(16),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("categories", sa.JSON, nullable=True),
    *stamp("created"),
    *stamp("decided", nullable=True),
    note(),
    sa.Column("destroy_after", sa.Date, nullable=True),
)

sweep_items = sa.Table(
    "sweep_items", metadata,
    reference("retention_sweeps.sweep_id", primary_key=True),
    reference("documents.document_id", primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("archive_no", sa.String(80), nullable=False),
    sa.Column("category", sa.String(32), nullable=False),
    sa.Column("disposal_due", sa.Date, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("keep_until", sa.Date, nullable=True),
    sa.Column("keep_class", sa.String(16), nullable=True),
    sa.Column("new_disposal_due", sa.Date, nullable=True),
    # A document is in at most one open sweep: two sweeps started at once cannot both
    # take it (the loser's transaction fails and is retried by the caller).
    sa.Index("ux_sweep_items_open_document", "document_id", unique=True,
             sqlite_where=sa.text("state IN ('appraisal', 'waiting')"),
             postgresql_where=sa.text("state IN ('appraisal', 'waiting')")),
)

appraisals = sa.Table(
    "appraisals", metadata,
    sa.Column("sweep_id", sa.String(36), primary_key=True),
    sa.Column("document_id", sa.String(36), primary_key=True),
    sa.Column("appraiser", sa.String(80), primary_key=True),
    sa.Column("roles", sa.JSON, nullable=False),
    sa.Column("department", sa.String(64), nullable=True),
    sa.Column("decision", sa.String(16), nullable=False),
    sa.Column("keep_until", sa.Date, nullable=True),
    sa.Column("keep_class", sa.String(16), nullable=True),
    sa.Column("opinion", sa.Text, nullable=False),
    moment("at"),
    sa.ForeignKeyConstraint(["sweep_id", "document_id"],
                            ["sweep_items.sweep_id", "sweep_items.document_id"]),
    # A sweep reads its documents' appraisals in earlier sweeps (registry_0020).
    sa.Index("ix_appraisals_document_id", "document_id"),
)
