"""Corrections: the API structs of a metadata correction (更正, D6, D10) and its decision."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from services.common.contracts.fields import Note, Text
from services.common.contracts.registry import PaperLocation, Title
from services.common.models import SecurityLevel, Struct

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
    reason: Text


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
    note: Note | None = None
