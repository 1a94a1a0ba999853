"""Tables of destruction registers (R6): registers, their witnesses and items; the
migrations ``registry_0004`` and ``registry_0005_witness_digests`` are their source of
truth."""

from __future__ import annotations

import sqlalchemy as sa

from services.registry.columns import (
    actor,
    document_snapshot,
    moment,
    reference,
    sealed_signature,
    stamp,
    status,
    uuid_key,
)
from services.registry.schema import metadata

destructions = sa.Table(
    "destructions", metadata,
    uuid_key("destruction_id"),
    reference("retention_sweeps.sweep_id", index=True),
    status(20, index=True),
    *stamp("created"),
    actor("executed_by", nullable=True),
    moment("execution_started_at", nullable=True),
    moment("executed_at", nullable=True),
    *stamp("cancelled", nullable=True),
)

destruction_witnesses = sa.Table(
    "destruction_witnesses", metadata,
    reference("destructions.destruction_id", primary_key=True),
    sa.Column("username", sa.String(80), primary_key=True),
    # R6: what the witness signed, and the HMAC binding witness, time and digest (none on
    # registers witnessed before ``registry_0005_witness_digests``).
    *sealed_signature(required=False),
)

destruction_items = sa.Table(
    "destruction_items", metadata,
    reference("destructions.destruction_id", primary_key=True),
    reference("documents.document_id", primary_key=True),
    *document_snapshot(),
    sa.Column("retention_class", sa.String(16), nullable=False),
    sa.Column("disposal_due", sa.Date, nullable=True),
    sa.Column("pages", sa.Integer, nullable=False),
    sa.Column("security", sa.String(16), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    moment("destroyed_at", nullable=True),
    sa.Column("withheld_reason", sa.String(16), nullable=True),
    # R6: a document is in at most one live register, so it is destroyed at most once.
    sa.Index("ux_destruction_items_live_document", "document_id", unique=True,
             sqlite_where=sa.text("state IN ('pending', 'destroyed')"),
             postgresql_where=sa.text("state IN ('pending', 'destroyed')")),
)
