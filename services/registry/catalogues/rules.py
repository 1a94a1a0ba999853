"""The rules of a catalogue, pure: a file's parts (D3), newest first (D4), the boxes a
floor's files are in (D7). The entries are those the reader may know of (the repository
chooses them inside its query)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import msgspec

from services.common.contracts.households import Occupancy
from services.common.contracts.operations import BoxFiles, CatalogueFile, CatalogueItem, FilePart
from services.common.contracts.registry import PaperLocation
from services.common.names import says_it_is_a_building

Box = tuple[str, str, str, str]


@dataclass(frozen=True)
class Entry:
    """An active document as a catalogue lists it."""

    document_id: str
    archive_no: str
    household: str | None
    occupancy_id: int | None
    filed_at: date
    title: str
    pages: int
    location: PaperLocation | None
    is_copy: bool
    in_closed_part: bool
    """In a part closed by its occupant's move-out (D3)."""


def item_of(entry: Entry, position: int) -> CatalogueItem:
    return CatalogueItem(position=position, document_id=entry.document_id,
                         archive_no=entry.archive_no, filed_at=entry.filed_at,
                         title=entry.title, pages=entry.pages, location=entry.location,
                         is_copy=entry.is_copy)


def parts_of(occupants: list[Occupancy], entries: Iterable[Entry]) -> list[FilePart]:
    """D3/D4: the open part(s) first, then documents of no occupancy, then the closed
    parts, most recently closed first; inside each, ``entries``' order (newest first)."""
    by_occupancy: dict[int | None, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_occupancy[entry.occupancy_id].append(entry)
    open_ = [o for o in reversed(occupants) if o.moved_out is None]
    closed = sorted((o for o in occupants if o.moved_out is not None),
                    key=lambda o: (o.moved_out, o.moved_in), reverse=True)
    parts = [_part(o, by_occupancy[o.occupancy_id]) for o in open_]
    if by_occupancy[None]:
        parts.append(FilePart(occupant=None, moved_in=None, moved_out=None, closed=False,
                              items=_items(by_occupancy[None])))
    parts += [_part(o, by_occupancy[o.occupancy_id]) for o in closed]
    return parts


def _part(occupancy: Occupancy, entries: list[Entry]) -> FilePart:
    return FilePart(occupant=occupancy.occupant, moved_in=occupancy.moved_in,
                    moved_out=occupancy.moved_out, closed=occupancy.moved_out is not None,
                    items=_items(entries))


def _items(entries: list[Entry]) -> list[CatalogueItem]:
    return [item_of(entry, position)
            for position, entry in enumerate(entries, start=1)]


def box_of(location: PaperLocation) -> Box:
    """The key of the box ``location`` names, the same in every catalogue, label and
    inventory (its parts read once, as ``PaperLocation`` tidies them)."""
    return (location.building, location.room, location.cabinet, location.box)


def by_box(files: list[CatalogueFile], entries: Iterable[Entry]) -> list[BoxFiles]:
    """The files with documents in each box, boxes in order, the unplaced (no location
    recorded) last; a file's counts, closed parts and documents included, are those of its
    documents in that box. A file with no documents is in no box."""
    counts: dict[Box | None, dict[str, list[Entry]]] = defaultdict(lambda: defaultdict(list))
    for entry in entries:
        if entry.household is not None:
            box = None if entry.location is None else box_of(entry.location)
            counts[box][entry.household].append(entry)
    boxes = sorted((box for box in counts if box is not None), key=natural)
    ordered: list[Box | None] = [*boxes, *([None] if None in counts else [])]
    return [BoxFiles(
        location=None if box is None else PaperLocation(building=box[0], room=box[1],
                                                        cabinet=box[2], box=box[3]),
        files=[_in_box(file, counts[box][file.household])
               for file in files if counts[box].get(file.household)],
    ) for box in ordered]


def _in_box(file: CatalogueFile, entries: list[Entry]) -> CatalogueFile:
    closed = [entry for entry in entries if entry.in_closed_part]
    return msgspec.structs.replace(
        file, documents=len(entries), pages=sum(entry.pages for entry in entries),
        unscanned=sum(not entry.pages for entry in entries),
        closed_parts=len({entry.occupancy_id for entry in closed}),
        closed_documents=len(closed),
        first_filed=min(entry.filed_at for entry in entries),
        last_filed=max(entry.filed_at for entry in entries))


_NUMBER = re.compile(r"(\d+)")


def natural(box: Box) -> tuple[tuple[tuple[int, int | str], ...], ...]:
    """Building, room, cabinet, box, each with its numbers as numbers: cabinet 2 before
    cabinet 10, box B2 before box B10."""
    return tuple(tuple((0, int(run)) if run.isdigit() else (1, run)
                       for run in _NUMBER.split(part) if run) for part in box)


def place(location: PaperLocation | None) -> str:
    """Where a paper original is, as printed: ``A栋 档案室 12柜 3盒``; a part named with
    its own word (档案楼, a cabinet left as 柜) is printed as it is."""
    if location is None:
        return "（未登记）"
    building = location.building if says_it_is_a_building(location.building) \
        else f"{location.building}栋"
    return " ".join((building, location.room, _counted(location.cabinet, "柜"),
                     _counted(location.box, "盒")))


def _counted(part: str, word: str) -> str:
    return part if part.endswith(word) else f"{part}{word}"
