"""Transfers out (移出): the API structs of a transfer and the documents it sent."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from services.common.contracts.registry import DocumentRecord
from services.common.models import Struct

DocumentId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class TransferRequest(Struct):
    """Send a household's file and/or the documents named out of the archive to
    ``recipient`` (another archive, or the owner's file to a new manager)."""

    recipient: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    household: Annotated[str, msgspec.Meta(min_length=1, max_length=10)] | None = None
    documents: list[DocumentId] | None = None


class Transfer(Struct):
    """A transfer out (移出), kept forever. ``documents`` are the catalogue records
    (``status: transferred``) the caller is cleared for; ``items`` counts them all."""

    transfer_id: str
    recipient: str
    reason: str
    transferred_by: str
    transferred_at: datetime
    items: int
    documents: list[DocumentRecord]


class TransferSummary(Struct):
    transfer_id: str
    recipient: str
    transferred_by: str
    transferred_at: datetime
    items: int
