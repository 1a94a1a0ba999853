"""Periodic checks (O3): inventories of the boxes (帐物相符) and condition checks (七防).

An inventory lists the boxes the catalogue records (D7) when it starts, of what its
starter may know of (D1); the archivist marks each present, missing or misplaced, then
completes it (every box marked). A missing or misplaced box is a discrepancy, listed
across inventories until resolved with a note (who, when). Every step is audited (O4).

Each reader is shown an inventory within their own clearance (``rules.as_seen``); only
those cleared for the starter's clearance, who see all of it, mark, complete and resolve
it (``rules.workable``). The boxes due a condition check are those holding a document
the reader may know of.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import msgspec

from services.common.auth import Principal
from services.common.clock import day_start
from services.common.contracts.inventory import (
    BoxDue,
    ConditionCheck,
    Discrepancy,
    Inventory,
    InventoryItem,
    NewConditionCheck,
    NewInventory,
)
from services.common.errors import Conflict, NotFound
from services.common.models import SecurityLevel, checked_past_day
from services.common.names import tidied_building
from services.registry.access import access_filter
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
    workable,
)
from services.registry.inventory.rules import checklist as checklist_of
from services.registry.journal.models import AuditEntry
from services.registry.store import FeatureService, Tx, printed


class InventoryService(FeatureService):
    async def start(self, principal: Principal, new: NewInventory) -> Inventory:
        """The checklist of every box (of ``building``, read as staff type it: c or C栋
        is C; a building of another name, 档案楼, as written) as the catalogue has it now,
        of what ``principal`` may know of (D1); refused when it would list no box (a
        building nothing they may know of is placed in), for an empty checklist would be
        completed at once and counted as an inventory, and when ``principal`` started the
        same one today and has marked none of it (409 ``inventory_exists``: the form sent
        twice, which listed every box twice)."""
        now = self.clock.now()
        building = None if new.building is None else tidied_building(new.building)
        access = access_filter(principal)
        async with self.store.transaction() as tx:
            twin = await tx.inventory.same_untouched(
                building=building, note=new.note, by=principal.username,
                since=day_start(self.clock.day_of(now), self.clock.zone))
            if twin is not None:
                raise Conflict(f"the same inventory was started today and none of it is "
                               f"marked yet ({twin})", code="inventory_exists",
                               extra={"inventory_id": twin})
            boxes, unplaced = checklist_of(await tx.inventory.placed(building, access))
            if not boxes:
                where = f"in building {building}" if building else "anywhere"
                raise Conflict(f"no box is recorded {where} (no active document's paper "
                               "location names it); no inventory was started",
                               code="no_boxes", extra={"building": building})
            inventory_id = str(uuid.uuid4())
            await tx.inventory.insert(inventory_id, boxes, unplaced, building=building,
                                      note=new.note, clearance=access.clearance,
                                      by=principal.username, at=now)
            inventory = await _inventory(tx, principal, inventory_id)
            await tx.journal.audit(AuditEntry(
                action="inventory_started", username=principal.username,
                detail={"inventory_id": inventory_id, "boxes": len(boxes),
                        "unplaced": inventory.unplaced}), at=now)
        return inventory

    async def get(self, principal: Principal, inventory_id: str) -> Inventory:
        """The inventory as ``principal`` may know of it (``rules.as_seen``)."""
        async with self.store.snapshot() as view:
            return await _inventory(view, principal, inventory_id)

    async def inventories(self, principal: Principal, *, limit: int, offset: int
                          ) -> list[Inventory]:
        async with self.store.snapshot() as view:
            return await view.inventory.newest_first(
                _levels(principal), limit=limit, offset=offset)

    async def mark(self, principal: Principal, inventory_id: str, item: int, mark: ItemMark
                   ) -> Inventory:
        checked_mark(mark)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            box = open_item(await _workable(tx, principal, inventory_id), item)
            await tx.inventory.mark(inventory_id, item, mark, by=principal.username, at=now)
            noted = {"note": mark.note} if mark.note else {}
            await tx.journal.audit(AuditEntry(
                action="inventory_item_checked", username=principal.username,
                detail={"inventory_id": inventory_id, "item": item, "state": mark.state,
                        **noted, **_box_named(box)}), at=now)
            return await _inventory(tx, principal, inventory_id)

    async def complete(self, principal: Principal, inventory_id: str) -> Inventory:
        """Every box marked; the result is kept as it is from now on."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            inventory = await _workable(tx, principal, inventory_id)
            checked_complete(inventory)
            await tx.inventory.complete(inventory_id, by=principal.username, at=now)
            await tx.journal.audit(AuditEntry(
                action="inventory_completed", username=principal.username,
                detail={"inventory_id": inventory_id, "boxes": len(inventory.items),
                        "discrepancies": sum(i.state in ("missing", "misplaced")
                                             for i in inventory.items)}), at=now)
            return await _inventory(tx, principal, inventory_id)

    async def resolve(self, principal: Principal, inventory_id: str, item: int,
                      resolution: str) -> Inventory:
        """Close a discrepancy: what was done, by whom, when."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            box = item_of(await _workable(tx, principal, inventory_id), item)
            resolvable(box)
            await tx.inventory.resolve(inventory_id, item, resolution,
                                       by=principal.username, at=now)
            await tx.journal.audit(AuditEntry(
                action="discrepancy_resolved", username=principal.username,
                detail={"inventory_id": inventory_id, "item": item,
                        "resolution": resolution, **_box_named(box)}), at=now)
            return await _inventory(tx, principal, inventory_id)

    async def discrepancies(self, principal: Principal, *, resolved: bool, limit: int,
                            offset: int) -> list[Discrepancy]:
        """Those of the inventories ``principal`` may resolve (``rules.workable``)."""
        async with self.store.snapshot() as view:
            return await view.inventory.discrepancies(
                _levels(principal), resolved=resolved, limit=limit,
                offset=offset)

    async def checklist_pdf(self, principal: Principal, inventory_id: str) -> bytes:
        inventory = await self.get(principal, inventory_id)
        return await printed(self.store, checklist.pdf, inventory, self.clock.zone,
                             naming=[inventory.started_by,
                                     *filter(None, [inventory.completed_by])])

    async def record_check(self, principal: Principal, new: NewConditionCheck
                           ) -> ConditionCheck:
        """A box's condition against the seven protections (七防), with what was repaired
        or copied; on a day that has come (422 ``date_in_future``: a check dated ahead
        would take its box off the due list, and count in a later year's statistics). The
        same check again (the box, day, findings, repairs, copies and note of one
        recorded already) is 409 ``already_recorded`` naming it, and not recorded."""
        now = self.clock.now()
        checked_past_day(new.checked_on, "checked_on", today=self.clock.day_of(now))
        problems = sum(getattr(new.protections, name).state == "problem"
                       for name in new.protections.__struct_fields__)
        check = ConditionCheck(
            check_id=str(uuid.uuid4()), location=new.location, checked_on=new.checked_on,
            protections=new.protections, problems=problems, repaired=new.repaired,
            copied=new.copied, note=new.note, checked_by=principal.username,
            recorded_at=now)
        async with self.store.transaction() as tx:
            if (twin := await tx.inventory.same_check(check)) is not None:
                # The same form sent twice (a double click, a retry): recorded once, so
                # the history and the statistics count one check.
                raise Conflict(f"this check of the box on {new.checked_on.isoformat()} is "
                               f"recorded already ({twin}); it is not recorded again",
                               code="already_recorded", extra={"check_id": twin})
            await tx.inventory.insert_check(check)
            await tx.journal.audit(AuditEntry(
                action="condition_checked", username=principal.username,
                detail={"check_id": check.check_id, "problems": problems,
                        **msgspec.to_builtins(new.location)}), at=now)
        return check

    async def due(self, principal: Principal) -> list[BoxDue]:
        """O3: the boxes the catalogue records, of those holding a document ``principal``
        may know of (D1), whose condition was not checked in the last half year (never
        checked first, then the longest ago)."""
        since = self.clock.today() - timedelta(days=CHECK_INTERVAL_DAYS)
        async with self.store.snapshot() as view:
            boxes, _ = checklist_of(await view.inventory.placed(None,
                                                                access_filter(principal)))
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
                                               limit=limit, offset=offset)


def _levels(principal: Principal) -> list[SecurityLevel]:
    """The security levels ``principal`` may know of documents of (``can``'s ``list``)."""
    return access_filter(principal).visible_levels


async def _inventory(tx: Tx, principal: Principal, inventory_id: str, *,
                     lock: bool = False) -> Inventory:
    found = await tx.inventory.get(inventory_id, _levels(principal), lock=lock)
    if found is None:
        raise NotFound(f"no inventory {inventory_id}", code="unknown_inventory")
    return found


async def _workable(tx: Tx, principal: Principal, inventory_id: str) -> Inventory:
    """The inventory, locked until the transaction ends, if ``principal`` may mark,
    complete and resolve it (``rules.workable``)."""
    return workable(principal, await _inventory(tx, principal, inventory_id, lock=True))


def _box_named(item: InventoryItem) -> dict[str, str]:
    """O4: the box an entry is about, as a condition check's entry names it; the row
    number alone says nothing once the checklist is out of sight."""
    return dict(msgspec.to_builtins(item.location))
