"""Tables of legal holds (R7); the migration ``registry_0004`` is their source of truth."""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import UtcDateTime
from services.registry.schema import metadata

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
