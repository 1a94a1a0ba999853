"""A household's departures (离档) as far as the reader may know the documents exist."""

from __future__ import annotations

from services.common.auth import Principal
from services.common.contracts.registry import Departure
from services.registry.access import access_filter
from services.registry.store import RegistryStore


class DeparturesService:
    def __init__(self, store: RegistryStore) -> None:
        self.store = store

    async def of_household(self, principal: Principal, household: str) -> list[Departure]:
        """How ``household``'s documents that left its file left it, the latest first;
        those above the reader's clearance are left out, as from the file itself (D1)."""
        async with self.store.snapshot() as tx:
            return await tx.departures.of_household(household, access_filter(principal))
