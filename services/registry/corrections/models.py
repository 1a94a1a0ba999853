"""Corrections: the decision on a correction; the correction itself, as asked and as
answered, is ``services.common.contracts.corrections`` (the staff pages send it too)."""

from __future__ import annotations

from services.common.contracts.corrections import (
    Correction,
    CorrectionCount,
    CorrectionRequest,
    CorrectionStatus,
    MetadataChanges,
)
from services.common.contracts.fields import Note
from services.common.models import Struct

__all__ = ["Correction", "CorrectionCount", "CorrectionDecision", "CorrectionRequest",
           "CorrectionStatus", "MetadataChanges"]

class CorrectionDecision(Struct):
    note: Note | None = None
