"""Legal holds: the registry's own structs of a hold (R7): the request bodies of a hold
and its release. A hold as answered is ``services.common.contracts.retention``."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.contracts.fields import DocumentId, Note, Text
from services.common.contracts.retention import HoldStatus
from services.common.models import Category, Struct


class HoldRequest(Struct):
    """A legal hold (R7) on named documents, or on a household and/or a category."""

    reason: Text
    documents: list[DocumentId] | None = None
    household: str | None = None
    category: Category | None = None


class HoldRelease(Struct):
    note: Note | None = None


@dataclass(frozen=True)
class HoldFilters:
    """Which holds a list and its count ask for (``GET /registry/holds``,
    ``…/count``); each given filter narrows. ``document_id``: the holds covering it;
    ``household``: those bearing on its file (``HoldsService.holds``)."""

    status: HoldStatus | None = None
    document_id: str | None = None
    household: str | None = None
