"""The top bar's entries: the parts of the archive a person may open, decided from the same
role lists the services check (the template only shows them)."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.auth import Principal
from services.common.filing import FILERS, TEXT_CORRECTORS
from services.common.inventory import INVENTORY_READERS
from services.common.operations import CATALOGUE_READERS, HANDOVER_READERS, STATISTICS_READERS
from services.common.retention import RETENTION_READERS
from services.web.accounts_page import may_administer


@dataclass(frozen=True)
class Navigation:
    """Which entries the bar offers besides search and loans, which everybody has."""

    ingest: bool
    review: bool
    statistics: bool
    inventories: bool
    retention: bool
    """Retention and destruction, and legal holds."""
    handovers: bool
    catalogues: bool
    accounts: bool


def navigation(principal: Principal) -> Navigation:
    return Navigation(ingest=principal.has_role(*FILERS),
                      review=principal.has_role(*TEXT_CORRECTORS),
                      statistics=principal.has_role(*STATISTICS_READERS),
                      inventories=principal.has_role(*INVENTORY_READERS),
                      retention=principal.has_role(*RETENTION_READERS),
                      handovers=principal.has_role(*HANDOVER_READERS),
                      catalogues=principal.has_role(*CATALOGUE_READERS),
                      accounts=may_administer(principal))
