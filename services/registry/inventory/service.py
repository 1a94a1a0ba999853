"""Periodic checks (O3): inventories of the boxes (帐物相符) and condition checks (七防).

An inventory lists the boxes the catalogue records (D7) when it starts; the archivist
marks each present, missing or misplaced, then completes it (every box marked). A
missing or misplaced box is a discrepancy, listed across inventories until resolved with
a note (who, when). Every step is audited (O4).
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta

import msgspec

from services.common.auth import Principal
from services.common.clock import Clock
from services.common.contracts.inventory import (
    BoxDue,
    ConditionCheck,
    Discrepancy,
    Inventory,
    NewConditionCheck,
    NewInventory,
)
from services.common.errors import Conflict, NotFound
from services.common.models import checked_date
from services.common.names import tidied_building
from services.common.paging import MAX_SUMMARY_PAGE
from services.registry.catalogues.rules import box_of
from services.registry.inventory import checklist
from services.registry.inventory.models import ItemMark
from services.registry.inventory.rules import (
    CHECK_INTERVAL_DAYS,
    checked_complete,
    checked_mark,
    item_of,
    open_item,
    resolvable,
    tally_of,
)
from services.registry.inventory.rules import checklist as checklist_of
from services.registry.journal.models import AuditEntry
from services.registry.store import RegistryStore, Tx


class InventoryService:
    def __init__(self, store: RegistryStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def start(self, principal: Principal, new: NewInventory) -> Inventory:
        """The checklist of every box (of ``building``, read as staff type it: c or C栋
        is C; a building of another name, 档案楼, as written) as the catalogue has it now;
        refused when it would list no box (a building nothing is placed in), for an empty
        checklist would be completed at once and counted as an inventory."""
        now = self.clock.now()
        building = None if new.building is None else tidied_building(new.building)
        async with self.store.transaction() as tx:
            items, unplaced = checklist_of(await tx.inventory.placed(building))
            if not items:
                where = f"in building {building}" if building else "anywhere"
                raise Conflict(f"no box is recorded {where} (no active document's paper "
                               "location names it); no inventory was started",
                               code="no_boxes", extra={"building": building})
            inventory = Inventory(
                inventory_id=str(uuid.uuid4()), status="open", building=building,
                note=new.note, unplaced=unplaced, started_by=principal.username,
                started_at=now, completed_by=None, completed_at=None, tally=tally_of(items),
                items=items)
            await tx.inventory.insert(inventory)
            await tx.journal.audit(AuditEntry(
                action="inventory_started", username=principal.username,
                detail={"inventory_id": inventory.inventory_id, "boxes": len(items),
                        "unplaced": unplaced}), at=now)
        return inventory

    async def get(self, inventory_id: str) -> Inventory:
        async with self.store.snapshot() as view:
            return await _inventory(view, inventory_id)

    async def inventories(self, *, limit: int, offset: int) -> list[Inventory]:
        async with self.store.snapshot() as view:
            return await view.inventory.newest_first(limit=min(limit, MAX_SUMMARY_PAGE),
                                                     offset=offset)

    async def mark(self, principal: Principal, inventory_id: str, item: int, mark: ItemMark
                   ) -> Inventory:
        checked_mark(mark)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            open_item(await _inventory(tx, inventory_id, lock=True), item)
            await tx.inventory.mark(inventory_id, item, mark, by=principal.username, at=now)
            await tx.journal.audit(AuditEntry(
                action="inventory_item_checked", username=principal.username,
                detail={"inventory_id": inventory_id, "item": item, "state": mark.state}),
                at=now)
            return await _inventory(tx, inventory_id)

    async def complete(self, principal: Principal, inventory_id: str) -> Inventory:
        """Every box marked; the result is kept as it is from now on."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            inventory = await _inventory(tx, inventory_id, lock=True)
            checked_complete(inventory)
            await tx.inventory.complete(inventory_id, by=principal.username, at=now)
            await tx.journal.audit(AuditEntry(
                action="inventory_completed", username=principal.username,
                detail={"inventory_id": inventory_id, "boxes": len(inventory.items),
                        "discrepancies": sum(i.state in ("missing", "misplaced")
                                             for i in inventory.items)}), at=now)
            return await _inventory(tx, inventory_id)

    async def resolve(self, principal: Principal, inventory_id: str, item: int,
                      resolution: str) -> Inventory:
        """Close a discrepancy: what was done, by whom, when."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            resolvable(item_of(await _inventory(tx, inventory_id, lock=True), item))
            await tx.inventory.resolve(inventory_id, item, resolution,
                                       by=principal.username, at=now)
            await tx.journal.audit(AuditEntry(
                action="discrepancy_resolved", username=principal.username,
                detail={"inventory_id": inventory_id, "item": item}), at=now)
            return await _inventory(tx, inventory_id)

    async def discrepancies(self, *, resolved: bool, limit: int, offset: int
                            ) -> list[Discrepancy]:
        async with self.store.snapshot() as view:
            return await view.inventory.discrepancies(
                resolved=resolved, limit=min(limit, MAX_SUMMARY_PAGE), offset=offset)

    async def checklist_pdf(self, inventory_id: str) -> bytes:
        return await asyncio.to_thread(checklist.pdf, await self.get(inventory_id),
                                       self.clock.zone)

    async def record_check(self, principal: Principal, new: NewConditionCheck
                           ) -> ConditionCheck:
        """A box's condition against the seven protections (七防), with what was repaired
        or copied."""
        checked_date(new.checked_on, "checked_on")
        now = self.clock.now()
        problems = sum(getattr(new.protections, name).state == "problem"
                       for name in new.protections.__struct_fields__)
        check = ConditionCheck(
            check_id=str(uuid.uuid4()), location=new.location, checked_on=new.checked_on,
            protections=new.protections, problems=problems, repaired=new.repaired,
            copied=new.copied, note=new.note, checked_by=principal.username,
            recorded_at=now)
        async with self.store.transaction() as tx:
            await tx.inventory.insert_check(check)
            await tx.journal.audit(AuditEntry(
                action="condition_checked", username=principal.username,
                detail={"check_id": check.check_id, "problems": problems,
                        **msgspec.to_builtins(new.location)}), at=now)
        return check

    async def due(self) -> list[BoxDue]:
        """O3: the boxes the catalogue records whose condition was not checked in the
        last half year (never checked first, then the longest ago)."""
        since = self.clock.today() - timedelta(days=CHECK_INTERVAL_DAYS)
        async with self.store.snapshot() as view:
            boxes, _ = checklist_of(await view.inventory.placed(None))
            last = await view.inventory.last_checked()
        due = []
        for box in boxes:
            where = box.location
            checked = last.get(box_of(where))
            if checked is None or checked < since:
                due.append(BoxDue(location=where, last_checked_on=checked))
        return sorted(due, key=lambda box: box.last_checked_on or date.min)

    async def checks(self, *, year: int | None, limit: int, offset: int
                     ) -> list[ConditionCheck]:
        since = None if year is None else date(year, 1, 1)
        until = None if year is None else date(year, 12, 31)
        async with self.store.snapshot() as view:
            return await view.inventory.checks(since=since, until=until,
                                               limit=min(limit, MAX_SUMMARY_PAGE), offset=offset)


async def _inventory(tx: Tx, inventory_id: str, *, lock: bool = False) -> Inventory:
    found = await tx.inventory.get(inventory_id, lock=lock)
    if found is None:
        raise NotFound(f"no inventory {inventory_id}", code="unknown_inventory")
    return found

