"""Tables of the catalogue: records, their versions (D6) and the archive-number counters
(D8); the migrations ``registry_0002``, ``registry_0008_review_queue`` and
``registry_0017_former_numbers`` are their source of truth."""

from __future__ import annotations

import sqlalchemy as sa

from services.registry.columns import actor, moment, reference, stamp, status, uuid_key
from services.registry.schema import metadata

documents = sa.Table(
    "documents", metadata,
    uuid_key("document_id"),
    sa.Column("archive_no", sa.String(80), nullable=False, unique=True),
    sa.Column("sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("household", sa.String(10), sa.ForeignKey("households.household"),
              nullable=True),
    sa.Column("occupancy_id", sa.Integer, sa.ForeignKey("occupancies.occupancy_id"),
              nullable=True, index=True),
    sa.Column("category", sa.String(32), nullable=False),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("filed_at", sa.Date, nullable=False),
    sa.Column("security", sa.String(16), nullable=False),
    sa.Column("personal_info", sa.Boolean, nullable=False),
    sa.Column("working", sa.Boolean, nullable=False),
    sa.Column("location", sa.JSON, nullable=True),
    sa.Column("is_copy", sa.Boolean, nullable=False),
    sa.Column("language", sa.String(16), nullable=True),
    sa.Column("pages", sa.Integer, nullable=False),
    sa.Column("extraction", sa.JSON, nullable=True),
    # How many pages of the current text need a person (``extraction``'s list, counted
    # so the review queue is one indexed query on either engine): ``registry_0006``.
    sa.Column("review_pages", sa.Integer, nullable=False, server_default="0"),
    sa.Column("media_type", sa.String(100), nullable=False),
    sa.Column("size_bytes", sa.BigInteger, nullable=False),
    sa.Column("original_filename", sa.String(255), nullable=True),
    sa.Column("retention_class", sa.String(16), nullable=False),
    sa.Column("retention_start", sa.Date, nullable=False),
    sa.Column("disposal_due", sa.Date, nullable=True),
    status(16),
    sa.Column("version", sa.Integer, nullable=False),
    actor("filed_by"),
    moment("registered_at"),
    moment("updated_at"),
    # The archive numbers held before a renumbering correction (D11), oldest first.
    sa.Column("former_archive_nos", sa.JSON, nullable=False, server_default="[]"),
    sa.Index("ix_documents_household_filed", "household", "filed_at"),
    sa.Index("ix_documents_filed", "filed_at"),
    sa.Index("ix_documents_disposal", "status", "disposal_due"),
    sa.Index("ix_documents_category_start", "category", "retention_start"),
    sa.Index("ix_documents_review", "review_pages", "registered_at"),
)

document_versions = sa.Table(
    "document_versions", metadata,
    reference("documents.document_id", primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("metadata", sa.JSON, nullable=False),
    sa.Column("changes", sa.JSON, nullable=False),
    *stamp("changed"),
    sa.Column("reason", sa.Text, nullable=False),
    actor("approved_by", nullable=True),
    sa.Column("correction_id", sa.String(36), nullable=True),
    sa.Column("reason_code", sa.String(32), nullable=True),
    sa.Column("reason_values", sa.JSON, nullable=True),
)

archive_counters = sa.Table(
    "archive_counters", metadata,
    sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("category", sa.String(32), primary_key=True),
    sa.Column("household", sa.String(10), primary_key=True),
    sa.Column("last_no", sa.Integer, nullable=False),
)
