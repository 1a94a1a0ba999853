"""Corrections: the decision on a correction; the correction itself, as asked and as
answered, is ``services.common.contracts.corrections`` (the staff pages send it too)."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.contracts.corrections import (
    Correction,
    CorrectionCount,
    CorrectionRequest,
    CorrectionStatus,
    MetadataChanges,
)
from services.common.contracts.fields import Note
from services.common.models import Struct

__all__ = ["Correction", "CorrectionCount", "CorrectionDecision", "CorrectionFilters",
           "CorrectionRequest", "CorrectionStatus", "MetadataChanges"]

class CorrectionDecision(Struct):
    note: Note | None = None


@dataclass(frozen=True)
class CorrectionFilters:
    """Which corrections a list and its count ask for; each given filter narrows."""

    status: CorrectionStatus | None = None
    document_id: str | None = None
    requested_by: str | None = None
    household: str | None = None
    """Those of the household's documents and of its occupancies."""
