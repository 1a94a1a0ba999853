"""Catalogue: tables and the API structs that are not part of the wire contract.

The record itself (``DocumentRecord``) and the registration (``NewDocument``) are shared
with ingest and search, so they live in ``services.common.contracts.registry``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
import sqlalchemy as sa

from services.common.contracts.registry import PaperLocation, Title
from services.common.db import UtcDateTime
from services.common.models import SecurityLevel, Struct
from services.registry.schema import metadata

documents = sa.Table(
    "documents", metadata,
    sa.Column("document_id", sa.String(36), primary_key=True),
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
    sa.Column("media_type", sa.String(100), nullable=False),
    sa.Column("size_bytes", sa.BigInteger, nullable=False),
    sa.Column("original_filename", sa.String(255), nullable=True),
    sa.Column("retention_class", sa.String(16), nullable=False),
    sa.Column("retention_start", sa.Date, nullable=False),
    sa.Column("disposal_due", sa.Date, nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("filed_by", sa.String(80), nullable=False),
    sa.Column("registered_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index("ix_documents_household_filed", "household", "filed_at"),
    sa.Index("ix_documents_filed", "filed_at"),
    sa.Index("ix_documents_disposal", "status", "disposal_due"),
    sa.Index("ix_documents_category_start", "category", "retention_start"),
)

document_versions = sa.Table(
    "document_versions", metadata,
    sa.Column("document_id", sa.String(36), sa.ForeignKey("documents.document_id"),
              primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("metadata", sa.JSON, nullable=False),
    sa.Column("changes", sa.JSON, nullable=False),
    sa.Column("changed_by", sa.String(80), nullable=False),
    sa.Column("changed_at", UtcDateTime, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("approved_by", sa.String(80), nullable=True),
    sa.Column("correction_id", sa.String(36), nullable=True),
)

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

archive_counters = sa.Table(
    "archive_counters", metadata,
    sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("category", sa.String(32), primary_key=True),
    sa.Column("household", sa.String(10), primary_key=True),
    sa.Column("last_no", sa.Integer, nullable=False),
)

Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
UNSET = msgspec.UNSET
Unset = msgspec.UnsetType


class MetadataChanges(Struct):
    """The correctable fields; a field left out is unchanged. ``household`` is not among
    them: the archive number names the file, so a misfiled document is filed again."""

    title: Title | Unset = UNSET
    category: str | Unset = UNSET
    filed_at: date | Unset = UNSET
    security: SecurityLevel | Unset = UNSET
    personal_info: bool | Unset = UNSET
    working: bool | Unset = UNSET
    location: PaperLocation | Unset | None = UNSET
    is_copy: bool | Unset = UNSET
    language: Annotated[str, msgspec.Meta(max_length=16)] | Unset | None = UNSET


class CorrectionRequest(Struct):
    """D6: a correction says why; on a working document it waits for a manager."""

    changes: MetadataChanges
    reason: Reason


CorrectionStatus = Literal["pending", "applied", "rejected"]


class Correction(Struct):
    """A correction (更正) of a document's metadata, applied as a new version."""

    correction_id: str
    document_id: str
    base_version: int
    changes: dict[str, object]
    reason: str
    requested_by: str
    requested_at: datetime
    status: CorrectionStatus
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str | None = None
    version: int | None = None
    """The version the correction made, once applied."""


class CorrectionDecision(Struct):
    note: Annotated[str, msgspec.Meta(max_length=2000)] | None = None


class DocumentVersion(Struct):
    """One version of a document's metadata: who, when, why, and the approver (D6)."""

    version: int
    metadata: dict[str, object]
    changes: dict[str, list[object]]
    """Field → [before, after]; empty for version 1, the filing."""
    changed_by: str
    changed_at: datetime
    reason: str
    approved_by: str | None
    correction_id: str | None
