"""The periodic checks (O3) as a person works them through the staff pages, with the
signed-in person's own token: inventories (帐物相符) and their marks, discrepancies,
condition checks (七防).

What it decodes is ``services.common.contracts.inventory_views``. Every move answers the
record as it now stands, or the registry's refusal (an ``ArchiveError`` with its code).
"""

from __future__ import annotations

from urllib.parse import quote

from services.common.clients.registry import RegistryClient
from services.common.contracts.inventory_views import (
    BoxDueView,
    ConditionCheckView,
    DiscrepancyView,
    InventoryView,
    NewConditionCheckView,
    NewInventoryView,
)

LIST_PAGE = 100
"""Inventories, discrepancies or condition checks a page lists at once."""


class InventoryReader(RegistryClient):
    async def inventories(self, token: str) -> list[InventoryView]:
        """Newest first, with their items (the registry lists them whole)."""
        return await self.call("GET", "/registry/inventories", list[InventoryView],
                               token=token, params={"limit": LIST_PAGE})

    async def start_inventory(self, token: str, new: NewInventoryView) -> InventoryView:
        return await self.call("POST", "/registry/inventories", InventoryView, token=token,
                               json=new)

    async def inventory(self, token: str, inventory_id: str) -> InventoryView:
        return await self.call("GET", f"/registry/inventories/{_id(inventory_id)}",
                               InventoryView, token=token)

    async def mark_item(self, token: str, inventory_id: str, item: int, state: str,
                        note: str | None) -> InventoryView:
        body = {"state": state, **({"note": note} if note else {})}
        return await self.call("POST",
                               f"/registry/inventories/{_id(inventory_id)}/items/{item}",
                               InventoryView, token=token, json=body)

    async def complete_inventory(self, token: str, inventory_id: str) -> InventoryView:
        return await self.call("POST", f"/registry/inventories/{_id(inventory_id)}/complete",
                               InventoryView, token=token)

    async def resolve_discrepancy(self, token: str, inventory_id: str, item: int,
                                  resolution: str) -> InventoryView:
        return await self.call(
            "POST", f"/registry/inventories/{_id(inventory_id)}/items/{item}/resolve",
            InventoryView, token=token, json={"resolution": resolution})

    async def checklist_pdf(self, token: str, inventory_id: str) -> bytes:
        response = await self.request(
            "GET", f"/registry/inventories/{_id(inventory_id)}/checklist.pdf", token=token)
        return response.content

    async def discrepancies(self, token: str) -> list[DiscrepancyView]:
        """The open ones, oldest first."""
        return await self.call("GET", "/registry/discrepancies", list[DiscrepancyView],
                               token=token, params={"limit": LIST_PAGE})

    async def boxes_due(self, token: str) -> list[BoxDueView]:
        return await self.call("GET", "/registry/condition-checks/due", list[BoxDueView],
                               token=token)

    async def condition_checks(self, token: str) -> list[ConditionCheckView]:
        """Latest first."""
        return await self.call("GET", "/registry/condition-checks", list[ConditionCheckView],
                               token=token, params={"limit": LIST_PAGE})

    async def record_condition_check(self, token: str, check: NewConditionCheckView
                                     ) -> ConditionCheckView:
        return await self.call("POST", "/registry/condition-checks", ConditionCheckView,
                               token=token, json=check)


def _id(identifier: str) -> str:
    return quote(identifier, safe="")
