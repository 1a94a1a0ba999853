"""Tables of legal holds (R7); the migration ``registry_0004`` is their source of truth."""

from __future__ import annotations

import sqlalchemy as sa

from services.registry.columns import note, reference, stamp, status, uuid_key
from services.registry.schema import metadata

legal_holds = sa.Table(
    "legal_holds", metadata,
    uuid_key("hold_id"),
    status(16, index=True),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("household", sa.String(10), nullable=True),
    sa.Column("category", sa.String(32), nullable=True),
    *stamp("placed"),
    *stamp("released", nullable=True),
    note("release_note"),
)

legal_hold_documents = sa.Table(
    "legal_hold_documents", metadata,
    reference("legal_holds.hold_id", primary_key=True),
    reference("documents.document_id", primary_key=True, index=True),
)
