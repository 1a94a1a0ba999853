"""The periodic checks (O3) as a person works them through the staff pages, with the
signed-in person's own token: inventories (帐物相符) and their marks, discrepancies,
condition checks (七防).

What it decodes is ``services.common.contracts.inventory``. Every move answers the
record as it now stands, or the registry's refusal (an ``ArchiveError`` with its code).
"""

from __future__ import annotations

from services.common.clients import segment
from services.common.clients.registry import RegistryClient
from services.common.contracts.inventory import (
    BoxDue,
    ConditionCheck,
    Discrepancy,
    Inventory,
    NewConditionCheck,
    NewInventory,
)
from services.common.paging import LIST_PAGE


class InventoryReader(RegistryClient):
    async def inventories(self, token: str) -> list[Inventory]:
        """Newest first, with their items (the registry lists them whole)."""
        return await self.call("GET", "/registry/inventories", list[Inventory],
                               token=token, params={"limit": LIST_PAGE})

    async def start_inventory(self, token: str, new: NewInventory) -> Inventory:
        return await self.call("POST", "/registry/inventories", Inventory, token=token,
                               json=new)

    async def inventory(self, token: str, inventory_id: str) -> Inventory:
        return await self.call("GET", f"/registry/inventories/{segment(inventory_id)}",
                               Inventory, token=token)

    async def mark_item(self, token: str, inventory_id: str, item: int, state: str,
                        note: str | None) -> Inventory:
        body = {"state": state, **({"note": note} if note else {})}
        return await self.call("POST",
                               f"/registry/inventories/{segment(inventory_id)}/items/{item}",
                               Inventory, token=token, json=body)

    async def complete_inventory(self, token: str, inventory_id: str) -> Inventory:
        return await self.call("POST", f"/registry/inventories/{segment(inventory_id)}/complete",
                               Inventory, token=token)

    async def resolve_discrepancy(self, token: str, inventory_id: str, item: int,
                                  resolution: str) -> Inventory:
        return await self.call(
            "POST", f"/registry/inventories/{segment(inventory_id)}/items/{item}/resolve",
            Inventory, token=token, json={"resolution": resolution})

    async def checklist_pdf(self, token: str, inventory_id: str) -> bytes:
        response = await self.request(
            "GET", f"/registry/inventories/{segment(inventory_id)}/checklist.pdf", token=token)
        return response.content

    async def discrepancies(self, token: str) -> list[Discrepancy]:
        """The open ones, oldest first."""
        return await self.call("GET", "/registry/discrepancies", list[Discrepancy],
                               token=token, params={"limit": LIST_PAGE})

    async def boxes_due(self, token: str) -> list[BoxDue]:
        return await self.call("GET", "/registry/condition-checks/due", list[BoxDue],
                               token=token)

    async def condition_checks(self, token: str) -> list[ConditionCheck]:
        """Latest first."""
        return await self.call("GET", "/registry/condition-checks", list[ConditionCheck],
                               token=token, params={"limit": LIST_PAGE})

    async def record_condition_check(self, token: str, check: NewConditionCheck
                                     ) -> ConditionCheck:
        return await self.call("POST", "/registry/condition-checks", ConditionCheck,
                               token=token, json=check)

