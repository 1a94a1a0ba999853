"""Catalogues and labels (档案目录, D1–D4): compiled from one snapshot of the registry,
as JSON, PDF and CSV. Printing a catalogue is recorded in the audit log (O4): it lists
documents, and the printout leaves the system.

Each is its reader's (``Reader``): the documents they are cleared to know exist, and the
households shown to them (D1). A reader cleared ``secret`` gets the complete catalogue,
the one that matches the paper in the boxes; anyone else gets no row, count or label
that would tell them a document above their clearance exists."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

from services.common.auth import Principal
from services.common.contracts.operations import (
    CatalogueFile,
    ClosedFloor,
    FloorCatalogue,
    ItemList,
)
from services.common.contracts.registry import AccessFilter, PaperLocation
from services.common.errors import NotFound
from services.common.models import split_household
from services.registry.access import access_filter
from services.registry.catalogues import printed
from services.registry.catalogues.models import LabelKind
from services.registry.catalogues.rules import by_box, parts_of, place
from services.registry.households.repository import Seen
from services.registry.journal.models import AuditEntry, DetailValue
from services.registry.store import FeatureService, Tx


class CataloguesService(FeatureService):
    async def general(self, principal: Principal) -> list[CatalogueFile]:
        """The general catalogue (总目录): every file in cabinet order (D1)."""
        async with self.store.snapshot() as view:
            reader = _reader(view, principal)
            return await view.catalogues.files(reader.access, seen=reader.seen)

    async def floor(self, principal: Principal, building: str, floor: int
                    ) -> FloorCatalogue:
        """A floor's file catalogue (案卷目录), and its files by box (D7)."""
        async with self.store.snapshot() as view:
            return await _floor(view, _reader(view, principal), building, floor)

    async def items(self, principal: Principal, household: str) -> ItemList:
        """A file's item list (卷内目录), newest first (D4), closed parts apart (D3)."""
        async with self.store.snapshot() as view:
            reader = _reader(view, principal)
            found = await view.households.existing(household, seen=reader.seen)
            entries = await view.catalogues.entries(reader.access, household=household)
        return ItemList(household=household, label=found.label,
                        parts=parts_of(found.occupants, entries))

    async def closed_floors(self, principal: Principal, year: int) -> list[ClosedFloor]:
        """D3: the floors with parts closed (moved out) in ``year``."""
        async with self.store.snapshot() as view:
            reader = _reader(view, principal)
            return await view.catalogues.closed_floors(
                reader.access, seen=reader.seen, since=date(year, 1, 1),
                until=date(year, 12, 31))

    async def closed(self, principal: Principal, building: str, floor: int, year: int
                     ) -> list[ItemList]:
        """D3: the item lists of a floor's parts closed in ``year``, household by
        household (the yearly catalogue that goes into the box)."""
        async with self.store.snapshot() as view:
            reader = _reader(view, principal)
            files = await view.catalogues.files(reader.access, seen=reader.seen,
                                                building=building, floor=floor)
            entries = await view.catalogues.entries(reader.access, building=building,
                                                    floor=floor)
            lists = []
            for file in files:
                found = await view.households.get(file.household, seen=reader.seen)
                if found is None:
                    continue
                ended = [o for o in found.occupants
                         if o.moved_out is not None and o.moved_out.year == year]
                if ended:
                    mine = [e for e in entries if e.household == file.household]
                    parts = parts_of(ended, mine)
                    lists.append(ItemList(household=file.household, label=found.label,
                                          parts=[part for part in parts if part.closed]))
        return lists

    async def labels(self, principal: Principal, kind: LabelKind, *, building: str | None,
                     floor: int | None, household: str | None = None) -> list[list[str]]:
        """The lines of each label: a folder's (户号, 现住户, 楼层, 件数) or a box's (its
        place, the files in it with their occupants); ``household``: its own only."""
        if household is not None:
            building, floor, _ = split_household(household)
        async with self.store.snapshot() as view:
            reader = _reader(view, principal)
            files = [file for file in await view.catalogues.files(
                reader.access, seen=reader.seen, building=building, floor=floor)
                if household is None or file.household == household]
            if kind == "folders":
                return [printed.folder_label(file) for file in files]
            entries = await view.catalogues.entries(reader.access, household=household,
                                                    building=building, floor=floor)
        return [_box_label(box.location, box.files) for box in by_box(files, entries)
                if box.location is not None]


    async def general_pdf(self, principal: Principal) -> bytes:
        files = await self.general(principal)
        await self._printed(principal, "general", files=len(files))
        return await asyncio.to_thread(printed.general_pdf, files, printed_on=self._today())

    async def general_csv(self, principal: Principal) -> bytes:
        files = await self.general(principal)
        await self._printed(principal, "general_csv", files=len(files))
        return printed.general_csv(files)

    async def floor_pdf(self, principal: Principal, building: str, floor: int) -> bytes:
        catalogue = await self.floor(principal, building, floor)
        await self._printed(principal, "floor", building=building, floor=floor)
        return await asyncio.to_thread(printed.floor_pdf, catalogue,
                                       printed_on=self._today())

    async def floor_csv(self, principal: Principal, building: str, floor: int) -> bytes:
        catalogue = await self.floor(principal, building, floor)
        await self._printed(principal, "floor_csv", building=building, floor=floor)
        return printed.floor_csv(catalogue)

    async def items_pdf(self, principal: Principal, household: str) -> bytes:
        items = await self.items(principal, household)
        await self._printed(principal, "items", household=household)
        return await asyncio.to_thread(printed.items_pdf, [items], title="卷内目录",
                                       printed_on=self._today())

    async def items_csv(self, principal: Principal, household: str) -> bytes:
        items = await self.items(principal, household)
        await self._printed(principal, "items_csv", household=household)
        return printed.items_csv(items)

    async def closed_pdf(self, principal: Principal, building: str, floor: int, year: int
                         ) -> bytes:
        lists = await self.closed(principal, building, floor, year)
        await self._printed(principal, "closed", building=building, floor=floor, year=year)
        return await asyncio.to_thread(
            printed.items_pdf, lists, printed_on=self._today(),
            title=f"{year}年度闭卷目录 {building}栋 {floor}层")

    async def labels_pdf(self, principal: Principal, kind: LabelKind, *,
                         building: str | None, floor: int | None,
                         household: str | None = None) -> bytes:
        labels = await self.labels(principal, kind, building=building, floor=floor,
                                   household=household)
        if not labels:
            where = f"named {household}" if household is not None else " ".join(
                part for part in (
                    f"on floor {floor}" if floor is not None else "",
                    f"of building {building}" if building is not None else "") if part)
            what = "household" if kind == "folders" else "box recorded for a household"
            raise NotFound(f"no {what} {where or 'in the archive'}: nothing to label",
                           code="nothing_to_label")
        await self._printed(principal, f"labels_{kind}", labels=len(labels))
        return await asyncio.to_thread(printed.labels_pdf, labels)

    async def _printed(self, principal: Principal, what: str, **detail: DetailValue
                       ) -> None:
        """O4: a printout lists documents and leaves the system: who printed what."""
        async with self.store.transaction() as tx:
            await tx.journal.audit(AuditEntry(action="catalogue_printed",
                                              username=principal.username,
                                              detail={"catalogue": what, **detail}),
                                   at=self.clock.now())

    def _today(self) -> str:
        return self.clock.today().isoformat()


@dataclass(frozen=True)
class Reader:
    """Who a catalogue is compiled for: the documents ``access`` lets them know exist,
    the households shown to them (``seen``, ``households.repository.shown_to``)."""

    access: AccessFilter
    seen: Seen | None


def _reader(view: Tx, principal: Principal) -> Reader:
    access = access_filter(principal)
    return Reader(access=access, seen=view.documents.households_seen(access))


async def _floor(view: Tx, reader: Reader, building: str, floor: int) -> FloorCatalogue:
    files = await view.catalogues.files(reader.access, seen=reader.seen, building=building,
                                        floor=floor)
    if not files:  # none shown to the reader: as a floor with none (D1)
        raise NotFound(f"no household on floor {floor} of building {building}",
                       code="unknown_floor")
    entries = await view.catalogues.entries(reader.access, building=building, floor=floor)
    return FloorCatalogue(building=building, floor=floor, files=files,
                          boxes=by_box(files, entries))


def _box_label(location: PaperLocation, files: list[CatalogueFile]) -> list[str]:
    return [place(location), f"共 {len(files)} 卷，{sum(f.documents for f in files)} 件",
            "、".join(f"{f.household} {f.label or printed.VACANT}" for f in files)]
