"""Persistence of the periodic checks (O3), inside a registry transaction:
``tx.inventory``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec
import sqlalchemy as sa

from services.common.contracts.inventory import (
    ConditionCheck,
    Discrepancy,
    Inventory,
    InventoryItem,
    InventoryTally,
    Protections,
)
from services.common.contracts.registry import PaperLocation
from services.registry.catalogue.tables import documents
from services.registry.catalogues.rules import Box, box_of
from services.registry.inventory.models import ItemMark
from services.registry.inventory.rules import DISCREPANCIES, tally_of
from services.registry.inventory.tables import condition_checks, inventories, inventory_items
from services.registry.schema import Repository

PLACE = ("building", "room", "cabinet", "box")


class InventoryRepository(Repository):
    async def placed(self, building: str | None) -> list[tuple[PaperLocation | None,
                                                                str | None]]:
        """Each active document's location and household (of one ``building`` as unit
        codes spell it, if given, whichever way the location was written: a location
        reads A栋 or a as A; the unplaced are counted whatever their household's
        building)."""
        rows = await self.conn.execute(sa.select(documents.c.location, documents.c.household)
                                       .where(documents.c.status == "active"))
        placed = []
        for location, household in rows:
            where = None if location is None else msgspec.convert(location, PaperLocation)
            if building is None or where is None or where.building == building:
                placed.append((where, household))
        return placed

    async def insert(self, inventory: Inventory) -> None:
        await self.conn.execute(inventories.insert().values(
            inventory_id=inventory.inventory_id, status=inventory.status,
            building=inventory.building, unplaced=inventory.unplaced, note=inventory.note,
            started_by=inventory.started_by, started_at=inventory.started_at))
        if inventory.items:
            await self.conn.execute(inventory_items.insert(), [{
                "inventory_id": inventory.inventory_id, "item": item.item,
                **msgspec.to_builtins(item.location), "households": item.households,
                "documents": item.documents} for item in inventory.items])

    async def get(self, inventory_id: str, *, lock: bool = False) -> Inventory | None:
        query = sa.select(inventories).where(inventories.c.inventory_id == inventory_id)
        row = await self.first_row(query, lock=lock)
        if row is None:
            return None
        items = [_item(item) for item in (await self.conn.execute(
            sa.select(inventory_items).where(inventory_items.c.inventory_id == inventory_id)
            .order_by(inventory_items.c.item))).mappings()]
        return _inventory(row, items, tally_of(items))

    async def newest_first(self, *, limit: int, offset: int) -> list[Inventory]:
        """Inventories without their items (``GET`` one for them), with their tally."""
        rows = list((await self.conn.execute(
            sa.select(inventories).order_by(inventories.c.started_at.desc(),
                                            inventories.c.inventory_id)
            .limit(limit).offset(offset))).mappings())
        tallies = await self._tallies([row["inventory_id"] for row in rows])
        empty = InventoryTally(boxes=0, checked=0, missing=0, misplaced=0)
        return [_inventory(row, [], tallies.get(row["inventory_id"], empty)) for row in rows]

    async def _tallies(self, inventory_ids: list[str]) -> dict[str, InventoryTally]:
        if not inventory_ids:
            return {}
        state = inventory_items.c.state

        def counted(value: str) -> Any:
            return sa.func.sum(sa.case((state == value, 1), else_=0))

        rows = await self.conn.execute(
            sa.select(inventory_items.c.inventory_id, sa.func.count(), sa.func.count(state),
                      counted("missing"), counted("misplaced"))
            .where(inventory_items.c.inventory_id.in_(inventory_ids))
            .group_by(inventory_items.c.inventory_id))
        return {row[0]: InventoryTally(boxes=row[1], checked=row[2], missing=int(row[3] or 0),
                                       misplaced=int(row[4] or 0)) for row in rows}

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

    async def discrepancies(self, *, resolved: bool, limit: int, offset: int
                            ) -> list[Discrepancy]:
        """Boxes found missing or misplaced, across inventories, oldest first; the open
        ones, or (``resolved``) the resolved ones."""
        done = inventory_items.c.resolved_at
        query = (sa.select(inventory_items, inventories.c.started_at)
                 .join(inventories,
                       inventories.c.inventory_id == inventory_items.c.inventory_id)
                 .where(inventory_items.c.state.in_(DISCREPANCIES),
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

    async def last_checked(self) -> dict[Box, date]:
        """Each checked box's latest ``checked_on``, by its key (``box_of``): a box
        whose checks wrote it two ways (A栋, A) is one."""
        place = [condition_checks.c[name] for name in PLACE]
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
    return PaperLocation(**{name: row[name] for name in PLACE})


def _item(row: Any) -> InventoryItem:
    return InventoryItem(
        item=row["item"], location=_location(row), households=list(row["households"]),
        documents=row["documents"], state=row["state"], note=row["note"],
        checked_by=row["checked_by"], checked_at=row["checked_at"],
        resolution=row["resolution"], resolved_by=row["resolved_by"],
        resolved_at=row["resolved_at"])


def _inventory(row: Any, items: list[InventoryItem], tally: InventoryTally) -> Inventory:
    return Inventory(
        inventory_id=row["inventory_id"], status=row["status"], building=row["building"],
        note=row["note"], unplaced=row["unplaced"], started_by=row["started_by"],
        started_at=row["started_at"], completed_by=row["completed_by"],
        completed_at=row["completed_at"], tally=tally, items=items)
