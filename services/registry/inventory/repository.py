"""Persistence of the periodic checks (O3), inside a registry transaction:
``tx.inventory``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime
from typing import Any

import msgspec
import sqlalchemy as sa

from services.common.contracts.inventory import (
    ConditionCheck,
    Discrepancy,
    Inventory,
    InventoryItem,
    Protections,
)
from services.common.contracts.registry import (
    HELD_STATUS,
    LOCATION_PARTS,
    AccessFilter,
    PaperLocation,
)
from services.common.models import SecurityLevel
from services.registry.catalogue.repository import visible_to
from services.registry.catalogue.tables import documents
from services.registry.catalogues.rules import Box, box_of
from services.registry.inventory.models import Holding, ItemMark, ListedBox
from services.registry.inventory.rules import DISCREPANCIES, Placed, as_seen, tally_of
from services.registry.inventory.tables import condition_checks, inventories, inventory_items
from services.registry.schema import AdvisoryLock, Repository


class InventoryRepository(Repository):
    async def placed(self, building: str | None, access: AccessFilter) -> list[Placed]:
        """Each active document's location, household and security level, of those
        ``access`` lets its caller know exist (D1: the catalogue's rule), of one
        ``building`` as unit codes spell it, if given, whichever way the location was
        written: a location reads A栋 or a as A; the unplaced are counted whatever their
        household's building)."""
        rows = await self.conn.execute(
            sa.select(documents.c.location, documents.c.household, documents.c.security)
            .where(documents.c.status == HELD_STATUS, visible_to(access)))
        placed: list[Placed] = []
        for location, household, security in rows:
            where = None if location is None else msgspec.convert(location, PaperLocation)
            if building is None or where is None or where.building == building:
                placed.append((where, household, security))
        return placed

    async def insert(self, inventory_id: str, boxes: list[ListedBox],
                     unplaced: dict[SecurityLevel, int], *, building: str | None,
                     note: str | None, clearance: SecurityLevel, by: str, at: datetime
                     ) -> None:
        """An open inventory of what someone cleared for ``clearance`` may know of, its
        items numbered in ``boxes``' order."""
        await self.conn.execute(inventories.insert().values(
            inventory_id=inventory_id, status="open", building=building, note=note,
            clearance=clearance, unplaced=sum(unplaced.values()), unplaced_held=unplaced,
            started_by=by, started_at=at))
        if boxes:
            await self.conn.execute(inventory_items.insert(), [{
                "inventory_id": inventory_id, "item": number,
                **msgspec.to_builtins(box.location),
                "households": sorted({code for held in box.held.values()
                                      for code in held.households}),
                "documents": sum(held.documents for held in box.held.values()),
                "held": msgspec.to_builtins(box.held)} for number, box in enumerate(boxes, 1)])

    async def same_untouched(self, *, building: str | None, note: str | None, by: str,
                             since: datetime) -> str | None:
        """The id of an open inventory ``by`` started since ``since`` of the same
        ``building`` with the same ``note``, not one box of it marked yet, or None.
        Inventories are started one at a time (``AdvisoryLock.INVENTORY_STARTING``), so the
        same form sent twice at once (a double click, a retry) finds its twin."""
        await self.one_at_a_time(AdvisoryLock.INVENTORY_STARTING)
        marked = sa.select(inventory_items.c.inventory_id).where(
            inventory_items.c.inventory_id == inventories.c.inventory_id,
            inventory_items.c.state.is_not(None))
        twin = await self.first_row(sa.select(inventories.c.inventory_id).where(
            inventories.c.status == "open", inventories.c.started_by == by,
            inventories.c.started_at >= since,
            inventories.c.building.is_(None) if building is None
            else inventories.c.building == building,
            inventories.c.note.is_(None) if note is None else inventories.c.note == note,
            ~sa.exists(marked)))
        return None if twin is None else str(twin["inventory_id"])

    async def get(self, inventory_id: str, levels: Collection[SecurityLevel], *,
                  lock: bool = False) -> Inventory | None:
        """The inventory as a reader who may know of ``levels`` sees it (``as_seen``)."""
        query = sa.select(inventories).where(inventories.c.inventory_id == inventory_id)
        row = await self.first_row(query, lock=lock)
        if row is None:
            return None
        items = (await self.conn.execute(
            sa.select(inventory_items).where(inventory_items.c.inventory_id == inventory_id)
            .order_by(inventory_items.c.item))).mappings()
        return _inventory(row, as_seen(((_item(item), _held(item)) for item in items),
                                       levels), levels)

    async def newest_first(self, levels: Collection[SecurityLevel], *, limit: int,
                           offset: int) -> list[Inventory]:
        """Inventories without their items (``GET`` one for them), with their tally as a
        reader who may know of ``levels`` sees them."""
        rows = list((await self.conn.execute(
            sa.select(inventories).order_by(inventories.c.started_at.desc(),
                                            inventories.c.inventory_id)
            .limit(limit).offset(offset))).mappings())
        items: dict[str, list[tuple[InventoryItem, Holding]]] = defaultdict(list)
        if rows:
            for item in (await self.conn.execute(
                    sa.select(inventory_items)
                    .where(inventory_items.c.inventory_id.in_(
                        [row["inventory_id"] for row in rows]))
                    .order_by(inventory_items.c.item))).mappings():
                items[item["inventory_id"]].append((_item(item), _held(item)))
        return [msgspec.structs.replace(
            inventory, items=[]) for inventory in (
            _inventory(row, as_seen(items[row["inventory_id"]], levels), levels)
            for row in rows)]

    async def mark(self, inventory_id: str, item: int, mark: ItemMark, *, by: str,
                   at: datetime) -> None:
        await self.conn.execute(inventory_items.update().where(
            inventory_items.c.inventory_id == inventory_id, inventory_items.c.item == item
        ).values(state=mark.state, note=mark.note, checked_by=by, checked_at=at))

    async def complete(self, inventory_id: str, *, by: str, at: datetime) -> None:
        await self.conn.execute(inventories.update()
                                .where(inventories.c.inventory_id == inventory_id)
                                .values(status="completed", completed_by=by, completed_at=at))

    async def resolve(self, inventory_id: str, item: int, resolution: str, *, by: str,
                      at: datetime) -> None:
        await self.conn.execute(inventory_items.update().where(
            inventory_items.c.inventory_id == inventory_id, inventory_items.c.item == item
        ).values(resolution=resolution, resolved_by=by, resolved_at=at))

    async def discrepancies(self, levels: Collection[SecurityLevel], *, resolved: bool,
                            limit: int, offset: int) -> list[Discrepancy]:
        """Boxes found missing or misplaced, across the inventories a reader who may know
        of ``levels`` may resolve (``workable``: cleared for their ``clearance``), oldest
        first; the open ones, or (``resolved``) the resolved ones."""
        done = inventory_items.c.resolved_at
        query = (sa.select(inventory_items, inventories.c.started_at)
                 .join(inventories,
                       inventories.c.inventory_id == inventory_items.c.inventory_id)
                 .where(inventory_items.c.state.in_(DISCREPANCIES),
                        inventories.c.clearance.in_(levels),
                        done.is_not(None) if resolved else done.is_(None))
                 .order_by(inventories.c.started_at, inventory_items.c.inventory_id,
                           inventory_items.c.item).limit(limit).offset(offset))
        return [Discrepancy(inventory_id=row["inventory_id"], started_at=row["started_at"],
                            item=_item(row))
                for row in (await self.conn.execute(query)).mappings()]

    async def insert_check(self, check: ConditionCheck) -> None:
        await self.conn.execute(condition_checks.insert().values(
            check_id=check.check_id, **msgspec.to_builtins(check.location),
            checked_on=check.checked_on, protections=msgspec.to_builtins(check.protections),
            problems=check.problems, repaired=check.repaired, copied=check.copied,
            note=check.note, checked_by=check.checked_by, recorded_at=check.recorded_at))

    async def same_check(self, check: ConditionCheck) -> str | None:
        """The id of a check recorded already of the same box on the same day with the
        same findings, repairs, copies and note as ``check``, whoever recorded it, or
        None. Checks are recorded one at a time (``AdvisoryLock.CONDITION_RECORDING``), so
        the same form sent twice at once (a double click, a retry) finds its twin."""
        await self.one_at_a_time(AdvisoryLock.CONDITION_RECORDING)
        rows = (await self.conn.execute(sa.select(condition_checks).where(
            condition_checks.c.checked_on == check.checked_on))).mappings()
        said = (msgspec.to_builtins(check.protections), check.repaired, check.copied,
                check.note)
        for row in rows:
            if (box_of(_location(row)) == box_of(check.location)
                    and (row["protections"], row["repaired"], row["copied"], row["note"])
                    == said):
                return str(row["check_id"])
        return None

    async def last_checked(self) -> dict[Box, date]:
        """Each checked box's latest ``checked_on``, by its key (``box_of``): a box
        whose checks wrote it two ways (A栋, A) is one."""
        place = [condition_checks.c[name] for name in LOCATION_PARTS]
        rows = await self.conn.execute(
            sa.select(*place, sa.func.max(condition_checks.c.checked_on)).group_by(*place))
        last: dict[Box, date] = {}
        for row in rows:
            box = box_of(PaperLocation(building=row[0], room=row[1], cabinet=row[2],
                                       box=row[3]))
            last[box] = max(_day(row[4]), last.get(box, date.min))
        return last

    async def checks(self, *, since: date | None, until: date | None, limit: int,
                     offset: int) -> list[ConditionCheck]:
        query = sa.select(condition_checks)
        if since is not None:
            query = query.where(condition_checks.c.checked_on >= since)
        if until is not None:
            query = query.where(condition_checks.c.checked_on <= until)
        rows = (await self.conn.execute(query.order_by(
            condition_checks.c.checked_on.desc(), condition_checks.c.recorded_at.desc())
            .limit(limit).offset(offset))).mappings()
        return [ConditionCheck(
            check_id=row["check_id"], location=_location(row), checked_on=row["checked_on"],
            protections=msgspec.convert(row["protections"], Protections),
            problems=row["problems"], repaired=row["repaired"], copied=row["copied"],
            note=row["note"], checked_by=row["checked_by"], recorded_at=row["recorded_at"],
        ) for row in rows]


def _day(value: Any) -> date:
    """A date aggregate's value (SQLite hands back ISO text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _location(row: Any) -> PaperLocation:
    return PaperLocation(**{name: row[name] for name in LOCATION_PARTS})


def _item(row: Any) -> InventoryItem:
    return InventoryItem(
        item=row["item"], location=_location(row), households=list(row["households"]),
        documents=row["documents"], state=row["state"], note=row["note"],
        checked_by=row["checked_by"], checked_at=row["checked_at"],
        resolution=row["resolution"], resolved_by=row["resolved_by"],
        resolved_at=row["resolved_at"])


def _held(row: Any) -> Holding:
    return msgspec.convert(row["held"], Holding)


def _inventory(row: Any, items: list[InventoryItem], levels: Collection[SecurityLevel]
               ) -> Inventory:
    """The inventory ``row`` with ``items`` as a reader who may know of ``levels`` sees
    them, and the unplaced documents of those levels."""
    unplaced = msgspec.convert(row["unplaced_held"], dict[SecurityLevel, int])
    return Inventory(
        inventory_id=row["inventory_id"], status=row["status"], building=row["building"],
        note=row["note"], clearance=row["clearance"],
        unplaced=sum(count for level, count in unplaced.items() if level in levels),
        started_by=row["started_by"], started_at=row["started_at"],
        completed_by=row["completed_by"], completed_at=row["completed_at"],
        tally=tally_of(items), items=items)
