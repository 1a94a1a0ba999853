"""Tables of retention: sweeps and their items, appraisals, legal holds, destruction
registers with their witnesses and items. They mirror migrations ``registry_0004``
and ``registry_0005_witness_digests``."""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import UtcDateTime
from services.registry.schema import metadata

retention_sweeps = sa.Table(
    "retention_sweeps", metadata,
    sa.Column("sweep_id", sa.String(36), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("categories", sa.JSON, nullable=True),
    sa.Column("created_by", sa.String(80), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("decided_by", sa.String(80), nullable=True),
    sa.Column("decided_at", UtcDateTime, nullable=True),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("destroy_after", sa.Date, nullable=True),
)

sweep_items = sa.Table(
    "sweep_items", metadata,
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
    sa.Column("at", UtcDateTime, nullable=False),
    sa.ForeignKeyConstraint(["sweep_id", "document_id"],
                            ["sweep_items.sweep_id", "sweep_items.document_id"]),
)

legal_holds = sa.Table(
    "legal_holds", metadata,
    sa.Column("hold_id", sa.String(36), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("household", sa.String(10), nullable=True),
    sa.Column("category", sa.String(32), nullable=True),
    sa.Column("placed_by", sa.String(80), nullable=False),
    sa.Column("placed_at", UtcDateTime, nullable=False),
    sa.Column("released_by", sa.String(80), nullable=True),
    sa.Column("released_at", UtcDateTime, nullable=True),
    sa.Column("release_note", sa.Text, nullable=True),
)

legal_hold_documents = sa.Table(
    "legal_hold_documents", metadata,
    sa.Column("hold_id", sa.String(36), sa.ForeignKey("legal_holds.hold_id"),
              primary_key=True),
    sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.document_id"),
              primary_key=True, index=True),
)

destructions = sa.Table(
    "destructions", metadata,
    sa.Column("destruction_id", sa.String(36), primary_key=True),
    sa.Column("sweep_id", sa.String(36), sa.ForeignKey("retention_sweeps.sweep_id"),
              nullable=False, index=True),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("created_by", sa.String(80), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("executed_by", sa.String(80), nullable=True),
    sa.Column("execution_started_at", UtcDateTime, nullable=True),
    sa.Column("executed_at", UtcDateTime, nullable=True),
    sa.Column("cancelled_by", sa.String(80), nullable=True),
    sa.Column("cancelled_at", UtcDateTime, nullable=True),
)

destruction_witnesses = sa.Table(
    "destruction_witnesses", metadata,
    sa.Column("destruction_id", sa.String(36), sa.ForeignKey("destructions.destruction_id"),
              primary_key=True),
    sa.Column("username", sa.String(80), primary_key=True),
    sa.Column("signed_at", UtcDateTime, nullable=False),
    # R6: what the witness signed, and the HMAC binding witness, time and digest.
    sa.Column("digest", sa.String(64), nullable=True),
    sa.Column("signature", sa.String(64), nullable=True),
)

destruction_items = sa.Table(
    "destruction_items", metadata,
    sa.Column("destruction_id", sa.String(36), sa.ForeignKey("destructions.destruction_id"),
              primary_key=True),
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
    sa.Column("destroyed_at", UtcDateTime, nullable=True),
    sa.Column("withheld_reason", sa.String(16), nullable=True),
    # R6: a document is in at most one live register, so it is destroyed at most once.
    sa.Index("ux_destruction_items_live_document", "document_id", unique=True,
             sqlite_where=sa.text("state IN ('pending', 'destroyed')"),
             postgresql_where=sa.text("state IN ('pending', 'destroyed')")),
)
