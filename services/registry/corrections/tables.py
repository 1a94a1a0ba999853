"""The table of corrections (D6, D10); the migrations ``registry_0002`` and
``registry_0016_correction_before`` are its source of truth."""

from __future__ import annotations

import sqlalchemy as sa

from services.registry.columns import note, reference, stamp, status, uuid_key
from services.registry.schema import metadata

corrections = sa.Table(
    "corrections", metadata,
    uuid_key("correction_id"),
    reference("documents.document_id", index=True),
    sa.Column("base_version", sa.Integer, nullable=False),
    sa.Column("changes", sa.JSON, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    *stamp("requested"),
    status(16, index=True),
    *stamp("decided", nullable=True),
    note(),
    sa.Column("version", sa.Integer, nullable=True),
    sa.Column("before", sa.JSON, nullable=True),
)
