"""Catalogue: the API structs of the catalogue that are not part of the wire contract.

The record itself (``DocumentRecord``) and the registration (``NewDocument``) are shared
with ingest and search, so they live in ``services.common.contracts.registry``.
"""

from __future__ import annotations

from datetime import datetime

from services.common.models import Struct


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
