"""The household page (``/ui/households/{household}``): the file (一户一档) as the
cabinet keeps it. The label is the current occupant (D2); the current part of the file
first, documents newest first (D4) grouped by category, each with where its paper
original is kept (D7); each closed occupant's part apart (D3), newest move-out first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.common.auth import Principal
from services.common.contracts.households import Household, Occupancy
from services.common.contracts.registry import DocumentRecord, PaperLocation
from services.common.models import CATEGORY_NAMES, SECURITY_LEVEL_NAMES
from services.common.operations import CATALOGUE_READERS, HANDOVER_CREATORS
from services.web.links import document_url


@dataclass(frozen=True)
class FileEntry:
    url: str
    title: str
    archive_no: str
    filed_at: date
    security: str
    """The level's name when not ordinary (D9), else empty."""
    location: str
    is_copy: bool


@dataclass(frozen=True)
class CategoryGroup:
    name: str
    entries: list[FileEntry]


@dataclass(frozen=True)
class FilePart:
    """The current part of the file (``occupancy`` None) or a closed occupant's (D3)."""

    occupancy: Occupancy | None
    groups: list[CategoryGroup]


@dataclass(frozen=True)
class HouseholdPage:
    household: Household
    occupants: list[Occupancy]
    """Newest first."""
    current: FilePart
    closed: list[FilePart]
    documents: int
    may_hand_over: bool
    """The page offers to hand the household's documents over (O1)."""
    may_print: bool
    """The page offers the household's item list (卷内目录, D3) to print."""


def location_text(location: PaperLocation | None) -> str:
    """D7: building / room / cabinet / box."""
    if location is None:
        return ""
    return " / ".join((location.building, location.room, location.cabinet, location.box))


def _entry(record: DocumentRecord) -> FileEntry:
    return FileEntry(url=document_url(record.document_id),
                     title=record.title, archive_no=record.archive_no,
                     filed_at=record.filed_at,
                     security="" if record.security == "ordinary"
                     else SECURITY_LEVEL_NAMES[record.security],
                     location=location_text(record.location), is_copy=record.is_copy)


def _grouped(records: list[DocumentRecord]) -> list[CategoryGroup]:
    """By category, the group holding the newest document first; newest first inside
    each group (D4). ``records`` come newest first."""
    groups: dict[str, list[FileEntry]] = {}
    for record in records:
        groups.setdefault(record.category, []).append(_entry(record))
    return [CategoryGroup(name=CATEGORY_NAMES[category], entries=entries)  # type: ignore[index]
            for category, entries in groups.items()]


def household_page(principal: Principal, household: Household, records: list[DocumentRecord]
                   ) -> HouseholdPage:
    closed = sorted((o for o in household.occupants if o.moved_out is not None),
                    key=lambda o: (o.moved_out, o.occupancy_id), reverse=True)
    closed_ids = {occupancy.occupancy_id for occupancy in closed}
    current = [r for r in records if r.occupancy_id not in closed_ids]
    return HouseholdPage(
        household=household, occupants=list(reversed(household.occupants)),
        current=FilePart(occupancy=None, groups=_grouped(current)),
        closed=[FilePart(occupancy=occupancy, groups=_grouped(
                    [r for r in records if r.occupancy_id == occupancy.occupancy_id]))
                for occupancy in closed],
        documents=len(records), may_hand_over=principal.has_role(*HANDOVER_CREATORS),
        may_print=principal.has_role(*CATALOGUE_READERS))
