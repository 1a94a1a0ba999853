"""Tables of transfers out (移出): a transfer and the documents it sent; the migration
``registry_0006_handovers`` is their source of truth."""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import UtcDateTime
from services.registry.schema import metadata

transfers = sa.Table(
    "transfers", metadata,
    sa.Column("transfer_id", sa.String(36), primary_key=True),
    sa.Column("recipient", sa.String(200), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("transferred_by", sa.String(80), nullable=False),
    sa.Column("transferred_at", UtcDateTime, nullable=False, index=True),
)

transfer_items = sa.Table(
    "transfer_items", metadata,
    sa.Column("transfer_id", sa.String(36), sa.ForeignKey("transfers.transfer_id"),
              primary_key=True),
    # A document leaves the archive once.
    sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.document_id"),
              primary_key=True, unique=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("category", sa.String(32), nullable=False),
)
