"""Legal holds: the registry's own structs of a hold (R7): the request bodies of a hold
and its release. A hold as answered is ``services.common.contracts.retention``."""

from __future__ import annotations

from typing import Annotated

import msgspec

from services.common.models import Category, Struct

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
