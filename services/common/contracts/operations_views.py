"""Handovers (移交, O1), transfers out (移出) and catalogues (D3) as the staff pages read
the registry's answers. Like the other views they do not forbid unknown fields, so the
registry may add fields without breaking the pages."""

from __future__ import annotations

from datetime import date, datetime

import msgspec


class LocationView(msgspec.Struct, kw_only=True):
    building: str
    room: str
    cabinet: str
    box: str


class HandoverItemView(msgspec.Struct, kw_only=True):
    """One line of the transfer list; ``redacted``: the reader is not cleared for it."""

    position: int
    document_id: str
    archive_no: str
    title: str
    category: str
    household: str | None
    filed_at: date
    pages: int
    redacted: bool = False


class SignatureView(msgspec.Struct, kw_only=True):
    username: str
    side: str
    signed_at: datetime


class HandoverView(msgspec.Struct, kw_only=True):
    handover_id: str
    status: str
    service_centre: str
    handed_over_by: str
    received_by: str
    created_by: str
    created_at: datetime
    signatures: list[SignatureView]
    items: list[HandoverItemView]
    digest: str = ""
    location: LocationView | None = None
    note: str | None = None
    completed_at: datetime | None = None


class HandoverSummaryView(msgspec.Struct, kw_only=True):
    handover_id: str
    status: str
    service_centre: str
    handed_over_by: str
    received_by: str
    created_at: datetime
    items: int
    completed_at: datetime | None = None
    signed: list[str] = msgspec.field(default_factory=list)
    """The sides (``handing``, ``receiving``) that have signed so far."""


class NewHandover(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A handover as the registry takes it: the households' files and/or the documents."""

    service_centre: str
    handed_over_by: str
    received_by: str
    households: list[str] | None = None
    documents: list[str] | None = None
    location: LocationView | None = None
    note: str | None = None


class TransferSummaryView(msgspec.Struct, kw_only=True):
    transfer_id: str
    recipient: str
    transferred_by: str
    transferred_at: datetime
    items: int


class CatalogueFileView(msgspec.Struct, kw_only=True):
    """A household's file as the general catalogue lists it (enough to list its floors)."""

    household: str
    building: str
    floor: int
    documents: int


class ClosedFloorView(msgspec.Struct, kw_only=True):
    building: str
    floor: int
    households: int
    documents: int
