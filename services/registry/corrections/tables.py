"""The table of corrections (D6, D10, D12); the migrations ``registry_0002``,
``registry_0016_correction_before`` and ``registry_0019_occupancy_fixes`` are its
source of truth. A correction is of a document (``document_id``, ``base_version``) or of
a registered occupancy (``occupancy_id``, D12), never both."""

from __future__ import annotations

import sqlalchemy as sa

from services.registry.columns import note, stamp, status, uuid_key
from services.registry.schema import metadata

corrections = sa.Table(
    "corrections", metadata,
    uuid_key("correction_id"),
    sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.document_id"),
              nullable=True, index=True),
    sa.Column("base_version", sa.Integer, nullable=True),
    sa.Column("changes", sa.JSON, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    *stamp("requested"),
    status(16, index=True),
    *stamp("decided", nullable=True),
    note(),
    sa.Column("version", sa.Integer, nullable=True),
    sa.Column("before", sa.JSON, nullable=True),
    sa.Column("occupancy_id", sa.Integer, sa.ForeignKey("occupancies.occupancy_id"),
              nullable=True, index=True),
)
