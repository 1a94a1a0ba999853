"""Tables of handovers (移交, O1): a handover, its items and both sides' signatures; the
migrations ``registry_0006_handovers`` and ``registry_0021_handover_cancelled`` (who
cancelled one unsigned, when and why) are their source of truth."""

from __future__ import annotations

import sqlalchemy as sa

from services.registry.columns import (
    actor,
    document_snapshot,
    moment,
    note,
    reference,
    sealed_signature,
    stamp,
    status,
    uuid_key,
)
from services.registry.schema import metadata

handovers = sa.Table(
    "handovers", metadata,
    uuid_key("handover_id"),
    status(24, index=True),
    sa.Column("service_centre", sa.String(200), nullable=False),
    actor("handed_over_by"), actor("received_by"),
    sa.Column("location", sa.JSON, nullable=True),
    note(),
    *stamp("created"),
    moment("completed_at", nullable=True, index=True),
    *stamp("cancelled", nullable=True),
    note("cancel_reason"),
)

handover_items = sa.Table(
    "handover_items", metadata,
    reference("handovers.handover_id", primary_key=True),
    reference("documents.document_id", primary_key=True),
    *document_snapshot(),
    sa.Column("pages", sa.Integer, nullable=False),
)

handover_signatures = sa.Table(
    "handover_signatures", metadata,
    reference("handovers.handover_id", primary_key=True),
    sa.Column("username", sa.String(80), primary_key=True),
    sa.Column("side", sa.String(16), nullable=False),
    # O1: what the signer signed, and the HMAC binding signer, time and digest.
    *sealed_signature(required=True),
)
