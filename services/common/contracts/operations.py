"""The registry's operations wire contract: handovers (移交, O1) with their transfer list
and signatures, transfers out (移出), and the catalogues (D3: 总目录, 案卷目录, 卷内目录) as
the registry answers them, and the handover request the staff pages send; one definition
for the registry and the staff pages that decode it (``services.common.clients.operations``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from services.common.contracts.fields import (
    DocumentId,
    Name,
    Note,
    Text,
    TextReason,
    TypedHousehold,
)
from services.common.contracts.registry import DocumentRecord, PaperLocation
from services.common.models import Category, Struct

HandoverStatus = Literal["awaiting_signatures", "completed", "cancelled"]
HANDOVER_STATUS_NAMES: dict[HandoverStatus, str] = {"awaiting_signatures": "等待双方签字",
                                                    "completed": "已完成",
                                                    "cancelled": "已取消"}
"""A handover's status in words, on the transfer list printed and on the pages alike."""
Side = Literal["handing", "receiving"]
"""``handing``: the service centre's person who hands over (移交人); ``receiving``: the
archivist who receives (接收人)."""
SIDE_NAMES: dict[Side, str] = {"handing": "移交人", "receiving": "接收人"}
Username = Annotated[str, msgspec.Meta(min_length=1, max_length=80)]


class HandoverRequest(Struct):
    """A handover of the files of ``households`` and/or the ``documents`` named, from
    ``service_centre`` (handed over by ``handed_over_by``) to the archive (received by
    ``received_by``, an archivist). ``location``: where the archive keeps the paper from
    now on; each document's location becomes it when both have signed (D7)."""

    service_centre: Name
    handed_over_by: Username
    received_by: Username
    households: list[TypedHousehold] | None = None
    documents: list[DocumentId] | None = None
    location: PaperLocation | None = None
    note: Note | None = None


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
    cancelled_by: str | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    """Why an archivist cancelled it unsigned (``cancelled``): a new one is drawn up."""
    signers_left: list[str] = msgspec.field(default_factory=list)
    """The sides' usernames whose accounts are deactivated (离职), as the handover is read."""


class HandoverCancel(Struct):
    """Why a handover not yet signed by both sides is cancelled (e.g. its signer left)."""

    reason: TextReason


class WaitingHandover(Struct):
    """A handover waiting for someone's signature, as a refused departure or role change
    lists it (O1): cancel it, or have them sign, first."""

    handover_id: str
    service_centre: str
    side: Side
    created_at: datetime


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


class TransferRequest(Struct):
    """Send a household's file and/or the documents named out of the archive to
    ``recipient`` (another archive, or the owner's file to a new manager)."""

    recipient: Name
    reason: Text
    household: TypedHousehold | None = None
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


class CatalogueFile(Struct):
    """A household's file as the general catalogue (总目录) lists it. ``label`` is the
    current occupant (D2), ``None`` while vacant; ``closed``: nobody lives there, the
    whole file is closed (D3: everyone moved out); ``closed_parts`` are the occupants'
    parts closed by a move-out that hold documents (the floor's catalogue counts them so
    per box), ``closed_documents`` the documents in them."""

    household: str
    building: str
    floor: int
    unit: int
    label: str | None
    closed: bool
    documents: int
    pages: int
    closed_parts: int
    closed_documents: int
    first_filed: date | None
    last_filed: date | None
    unscanned: int = 0
    """Documents catalogued before their scan (no page in the archive yet): ``pages``
    counts the scanned ones' pages only."""


class BoxFiles(Struct):
    """The files of a floor with documents in one box (``None``: no location recorded)."""

    location: PaperLocation | None
    files: list[CatalogueFile]
    """Documents, pages and dates here are those of the file's documents in this box;
    the closed parts are the whole file's."""


class FloorCatalogue(Struct):
    """The file catalogue (案卷目录) of a floor: its files, and the same by box."""

    building: str
    floor: int
    files: list[CatalogueFile]
    boxes: list[BoxFiles]


class CatalogueItem(Struct):
    """One line of a file's item list (卷内目录): a document the reader may know of."""

    position: int
    document_id: str
    archive_no: str
    filed_at: date
    title: str
    pages: int
    location: PaperLocation | None
    is_copy: bool


class FilePart(Struct):
    """One occupant's part of the file (入住至退租), or the documents of no occupancy
    (``occupant`` ``None``: filed while vacant, or not tied to an occupant). ``closed``
    parts are kept apart (D3)."""

    occupant: str | None
    moved_in: date | None
    moved_out: date | None
    closed: bool
    items: list[CatalogueItem]
    """Newest first (D4)."""


class ItemList(Struct):
    """A household's item list (卷内目录): the open parts first, then the closed ones,
    most recently closed first."""

    household: str
    label: str | None
    parts: list[FilePart]


class ClosedFloor(Struct):
    """A floor with parts closed in a year (D3: their catalogue goes into the box)."""

    building: str
    floor: int
    households: int
    documents: int
