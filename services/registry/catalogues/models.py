"""Catalogues: the API structs of the general and floor catalogues and a file's item list."""

from __future__ import annotations

from datetime import date
from typing import Literal

from services.common.contracts.registry import PaperLocation
from services.common.models import Struct

LabelKind = Literal["folders", "boxes"]


class CatalogueFile(Struct):
    """A household's file as the general catalogue (总目录) lists it. ``label`` is the
    current occupant (D2), ``None`` while vacant; ``closed``: nobody lives there, the
    whole file is closed (D3: everyone moved out); ``closed_parts`` are the occupants'
    parts closed by a move-out, ``closed_documents`` the documents in them."""

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
    """One line of a file's item list (卷内目录). ``masked``: the title is above the
    reader's clearance and reads ``（密）``."""

    position: int
    document_id: str
    archive_no: str
    filed_at: date
    title: str
    masked: bool
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
