"""The table of corrections (D6, D10); the migration ``registry_0002`` is its source of
truth."""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import UtcDateTime
from services.registry.schema import metadata

corrections = sa.Table(
    "corrections", metadata,
    sa.Column("correction_id", sa.String(36), primary_key=True),
    sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.document_id"),
              nullable=False, index=True),
    sa.Column("base_version", sa.Integer, nullable=False),
    sa.Column("changes", sa.JSON, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("requested_by", sa.String(80), nullable=False),
    sa.Column("requested_at", UtcDateTime, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("decided_by", sa.String(80), nullable=True),
    sa.Column("decided_at", UtcDateTime, nullable=True),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("version", sa.Integer, nullable=True),
)
