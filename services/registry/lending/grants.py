"""Loans as access (B2, B8): the registry's ``GrantSource`` over digital loans.

A user holds a view-only grant on each document of their ``digital`` loans that are
``out`` and not past ``due_at``: access ends at return or at the due time, whichever
comes first. A document above the user's clearance is never granted, so it stays
invisible whatever the loan (``can()`` treats a grant as lifting the clearance ceiling;
loans never ask it to). Paper loans grant nothing in the system.
"""

from __future__ import annotations

from services.common.auth import Principal
from services.common.clock import Clock
from services.common.models import SECURITY_LEVELS, security_rank
from services.registry.access import NO_GRANTS, AccessGrants
from services.registry.lending.repository import LoansRepository
from services.registry.store import RegistryStore


class LoanGrants:
    """Read-only; opens its own short transaction, outside any other."""

    def __init__(self, store: RegistryStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def grants_for(self, principal: Principal) -> AccessGrants:
        if principal.is_service:
            return NO_GRANTS
        levels = [level for level in SECURITY_LEVELS
                  if security_rank(level) <= security_rank(principal.clearance)]
        async with self.store.transaction() as tx:
            granted = await LoansRepository(tx.conn).granted_documents(
                principal.username, now=self.clock.now(), levels=levels)
        return AccessGrants.of(granted)
