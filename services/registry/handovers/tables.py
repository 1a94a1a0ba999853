"""Tables of handovers (移交, O1): a handover, its items and both sides' signatures; the
migration ``registry_0006_handovers`` is their source of truth."""

from __future__ import annotations

import sqlalchemy as sa

from services.common.db import UtcDateTime
from services.registry.schema import metadata

handovers = sa.Table(
    "handovers", metadata,
    sa.Column("handover_id", sa.String(36), primary_key=True),
    sa.Column("status", sa.String(24), nullable=False, index=True),
    sa.Column("service_centre", sa.String(200), nullable=False),
    sa.Column("handed_over_by", sa.String(80), nullable=False),
    sa.Column("received_by", sa.String(80), nullable=False),
    sa.Column("location", sa.JSON, nullable=True),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("created_by", sa.String(80), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("completed_at", UtcDateTime, nullable=True, index=True),
)

handover_items = sa.Table(
    "handover_items", metadata,
    sa.Column("handover_id", sa.String(36), sa.ForeignKey("handovers.handover_id"),
              primary_key=True),
    sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.document_id"),
              primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("archive_no", sa.String(80), nullable=False),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("category", sa.String(32), nullable=False),
    sa.Column("household", sa.String(10), nullable=True),
    sa.Column("filed_at", sa.Date, nullable=False),
    sa.Column("pages", sa.Integer, nullable=False),
)

handover_signatures = sa.Table(
    "handover_signatures", metadata,
    sa.Column("handover_id", sa.String(36), sa.ForeignKey("handovers.handover_id"),
              primary_key=True),
    sa.Column("username", sa.String(80), primary_key=True),
    sa.Column("side", sa.String(16), nullable=False),
    sa.Column("signed_at", UtcDateTime, nullable=False),
    # O1: what the signer signed, and the HMAC binding signer, time and digest.
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("signature", sa.String(64), nullable=False),
)
