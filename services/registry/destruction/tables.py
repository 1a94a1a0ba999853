"""Tables of destruction registers (R6): registers, their witnesses and items; the
migrations ``registry_0004`` and ``registry_0005_witness_digests`` are their source of
truth."""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import UtcDateTime
from services.registry.schema import metadata

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
