"""The registry's catalogue wire contract beside the record (``contracts.registry``): a
version of a document's metadata (D6) as the registry answers it; one definition for the
registry and the staff pages that decode it (``services.common.clients.reader``)."""

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
