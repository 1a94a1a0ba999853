"""Periodic check routes (O3): inventories and their items, discrepancies, condition
checks."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from services.common.auth import Principal
from services.common.contracts.inventory import (
    BoxDue,
    ConditionCheck,
    Discrepancy,
    Inventory,
    NewConditionCheck,
    NewInventory,
)
from services.common.inventory import INVENTORY_READERS, INVENTORY_ROLES
from services.common.models import EARLIEST_YEAR, LATEST_YEAR
from services.common.web import PageOffset, SummaryPageLimit, attachment
from services.registry.guards import allow
from services.registry.inventory.models import ItemMark, ItemResolution
from services.registry.inventory.service import InventoryService

Item = Annotated[int, PathParameter(ge=1, le=1_000_000)]
"""An item's number on the checklist."""


class InventoriesController(Controller):
    path = "/inventories"
    tags = ("checks",)

    @post("/", operation_id="startInventory", status_code=HTTP_201_CREATED,
          guards=[allow(*INVENTORY_ROLES)])
    async def start(self, data: JSONBody[NewInventory], principal: NamedDependency[Principal],
                    inventory: NamedDependency[InventoryService]) -> Inventory:
        """An inventory (帐物相符, O3): the checklist of every box the catalogue records
        (of ``building``, if given), with the files and documents each should hold."""
        return await inventory.start(principal, data)

    @get("/", operation_id="listInventories", guards=[allow(*INVENTORY_READERS)])
    async def list_inventories(self, principal: NamedDependency[Principal],
                               inventory: NamedDependency[InventoryService],
                               limit: SummaryPageLimit = 100, offset: PageOffset = 0
                               ) -> list[Inventory]:
        """Inventories, newest first, without their items; each tally counts the boxes the
        reader may know of."""
        return await inventory.inventories(principal, limit=limit, offset=offset)

    @get("/{inventory_id:str}", operation_id="getInventory",
         guards=[allow(*INVENTORY_READERS)])
    async def get_inventory(self, inventory_id: FromPath[str],
                            principal: NamedDependency[Principal],
                            inventory: NamedDependency[InventoryService]) -> Inventory:
        """The inventory with its checklist and the marks made, of the boxes the reader
        may know of (D1)."""
        return await inventory.get(principal, inventory_id)

    @get("/{inventory_id:str}/checklist.pdf", operation_id="getInventoryChecklistPdf",
         guards=[allow(*INVENTORY_READERS)], media_type="application/pdf")
    async def checklist_pdf(self, inventory_id: FromPath[str],
                            principal: NamedDependency[Principal],
                            inventory: NamedDependency[InventoryService]) -> Response[bytes]:
        """The checklist to print and tick (CJK font embedded), with any marks made, as
        the reader may know of it."""
        content = await inventory.checklist_pdf(principal, inventory_id)
        return attachment(content, f"inventory-{inventory_id}", "pdf")

    @post("/{inventory_id:str}/items/{item:int}", operation_id="markInventoryItem",
          status_code=HTTP_200_OK, guards=[allow(*INVENTORY_ROLES)])
    async def mark(self, inventory_id: FromPath[str], item: Item,
                   data: JSONBody[ItemMark], principal: NamedDependency[Principal],
                   inventory: NamedDependency[InventoryService]) -> Inventory:
        """Mark a box ``present``, ``missing`` or ``misplaced`` (``note``: where it was
        found); again to correct, while the inventory is open (403
        ``inventory_above_clearance`` for one not cleared for its ``clearance``, as to complete
        or resolve)."""
        return await inventory.mark(principal, inventory_id, item, data)

    @post("/{inventory_id:str}/complete", operation_id="completeInventory",
          status_code=HTTP_200_OK, guards=[allow(*INVENTORY_ROLES)])
    async def complete(self, inventory_id: FromPath[str], principal: NamedDependency[Principal],
                       inventory: NamedDependency[InventoryService]) -> Inventory:
        """Every box marked (409 ``items_unchecked`` otherwise); the result is kept."""
        return await inventory.complete(principal, inventory_id)

    @post("/{inventory_id:str}/items/{item:int}/resolve", operation_id="resolveDiscrepancy",
          status_code=HTTP_200_OK, guards=[allow(*INVENTORY_ROLES)])
    async def resolve(self, inventory_id: FromPath[str], item: Item,
                      data: JSONBody[ItemResolution], principal: NamedDependency[Principal],
                      inventory: NamedDependency[InventoryService]) -> Inventory:
        """Resolve a missing or misplaced box, with what was done."""
        return await inventory.resolve(principal, inventory_id, item,
                                       data.resolution)


class DiscrepanciesController(Controller):
    path = "/discrepancies"
    tags = ("checks",)

    @get("/", operation_id="listDiscrepancies", guards=[allow(*INVENTORY_READERS)])
    async def list_discrepancies(
        self, principal: NamedDependency[Principal],
        inventory: NamedDependency[InventoryService],
        resolved: Annotated[bool, QueryParameter()] = False,
        limit: SummaryPageLimit = 100, offset: PageOffset = 0,
    ) -> list[Discrepancy]:
        """Boxes found missing or misplaced across the inventories the reader is cleared
        for, oldest first: the open ones until resolved (``resolved=true``: those
        resolved)."""
        return await inventory.discrepancies(principal, resolved=resolved, limit=limit,
                                             offset=offset)


class ConditionChecksController(Controller):
    path = "/condition-checks"
    tags = ("checks",)

    @post("/", operation_id="recordConditionCheck", status_code=HTTP_201_CREATED,
          guards=[allow(*INVENTORY_ROLES)])
    async def record(self, data: JSONBody[NewConditionCheck],
                     principal: NamedDependency[Principal],
                     inventory: NamedDependency[InventoryService]) -> ConditionCheck:
        """A box's condition check (O3) against the seven protections (七防: insects,
        mould, dust, fire, theft, damp, heat), each ``ok`` or ``problem`` with a note,
        and what was repaired or copied."""
        return await inventory.record_check(principal, data)

    @get("/", operation_id="listConditionChecks", guards=[allow(*INVENTORY_READERS)])
    async def list_checks(
        self, inventory: NamedDependency[InventoryService],
        year: Annotated[int | None, QueryParameter(ge=EARLIEST_YEAR, le=LATEST_YEAR)] = None,
        limit: SummaryPageLimit = 100, offset: PageOffset = 0,
    ) -> list[ConditionCheck]:
        """Condition checks, latest first; ``year``: those checked in it."""
        return await inventory.checks(year=year, limit=limit, offset=offset)

    @get("/due", operation_id="listBoxesDueForConditionCheck",
         guards=[allow(*INVENTORY_READERS)])
    async def due(self, principal: NamedDependency[Principal],
                  inventory: NamedDependency[InventoryService]) -> list[BoxDue]:
        """Boxes holding a document the reader may know of, not checked in the last half
        year (O3: at least twice a year), never checked first."""
        return await inventory.due(principal)
