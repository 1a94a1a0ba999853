"""Tables of transfers out (移出): a transfer and the documents it sent; the migration
``registry_0006_handovers`` is their source of truth."""

from __future__ import annotations

import sqlalchemy as sa

from services.registry.columns import actor, moment, reference, uuid_key
from services.registry.schema import metadata

transfers = sa.Table(
    "transfers", metadata,
    uuid_key("transfer_id"),
    sa.Column("recipient", sa.String(200), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    actor("transferred_by"),
    moment("transferred_at", index=True),
)

transfer_items = sa.Table(
    "transfer_items", metadata,
    reference("transfers.transfer_id", primary_key=True),
    # A document leaves the archive once.
    reference("documents.document_id", primary_key=True, unique=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("category", sa.String(32), nullable=False),
)
