"""Handovers (移交, O1): the API structs of a handover, its items and its signatures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from services.common.contracts.registry import PaperLocation
from services.common.models import Category, Struct

HandoverStatus = Literal["awaiting_signatures", "completed"]
Side = Literal["handing", "receiving"]
"""``handing``: the service centre's person who hands over (移交人); ``receiving``: the
archivist who receives (接收人)."""
DocumentId = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Username = Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]


class HandoverRequest(Struct):
    """A handover of the files of ``households`` and/or the ``documents`` named, from
    ``service_centre`` (handed over by ``handed_over_by``) to the archive (received by
    ``received_by``, an archivist). ``location``: where the archive keeps the paper from
    now on; each document's location becomes it when both have signed (D7)."""

    service_centre: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    handed_over_by: Username
    received_by: Username
    households: list[Annotated[str, msgspec.Meta(min_length=1, max_length=10)]] | None = None
    documents: list[DocumentId] | None = None
    location: PaperLocation | None = None
    note: Annotated[str, msgspec.Meta(max_length=2000)] | None = None


class HandoverSignature(Struct):
    """One side signs by re-entering their own password: a token alone cannot sign.
    ``digest`` is the handover's ``digest`` as the signer checked it (409
    ``handover_changed`` if it no longer is)."""

    password: Password
    digest: Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{64}$")] | None = None


class Signature(Struct):
    username: str
    side: Side
    signed_at: datetime


class HandoverItem(Struct):
    """One line of the transfer list (移交清单)."""

    position: int
    document_id: str
    archive_no: str
    title: str
    category: Category
    household: str | None
    filed_at: date
    pages: int
    redacted: bool = False
    """The reader is not cleared for the document: the row is counted, not named."""


class Handover(Struct):
    """A handover (移交) and its transfer list, kept forever; ``completed`` once both
    sides signed (O1). ``digest`` is what each side signs."""

    handover_id: str
    status: HandoverStatus
    service_centre: str
    handed_over_by: str
    received_by: str
    created_by: str
    created_at: datetime
    signatures: list[Signature]
    items: list[HandoverItem]
    digest: str = ""
    location: PaperLocation | None = None
    note: str | None = None
    completed_at: datetime | None = None


class HandoverSummary(Struct):
    handover_id: str
    status: HandoverStatus
    service_centre: str
    handed_over_by: str
    received_by: str
    created_at: datetime
    items: int
    completed_at: datetime | None = None
    signed: list[Side] = msgspec.field(default_factory=list)
    """The sides that have signed so far: what a list says is still awaited."""
