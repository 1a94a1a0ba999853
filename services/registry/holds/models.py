"""Legal holds: the API structs of a hold (R7) and its release."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from services.common.models import Category, Struct

HoldStatus = Literal["active", "released"]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
Note = Annotated[str, msgspec.Meta(max_length=2000)]
DocumentId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class HoldRequest(Struct):
    """A legal hold (R7) on named documents, or on a household and/or a category."""

    reason: Reason
    documents: list[DocumentId] | None = None
    household: str | None = None
    category: Category | None = None


class HoldRelease(Struct):
    note: Note | None = None


class Hold(Struct):
    hold_id: str
    status: HoldStatus
    reason: str
    documents: list[str]
    household: str | None
    category: Category | None
    placed_by: str
    placed_at: datetime
    released_by: str | None = None
    released_at: datetime | None = None
    release_note: str | None = None
    documents_withheld: int = 0
    """Documents of the hold the reader is not cleared to know of (not in ``documents``)."""
