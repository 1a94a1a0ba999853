"""The counts in the top bar (``GET /ui/badges``), loaded once after every page: beside
借阅 the loan requests waiting for the reader's approval, the destruction registers
waiting for their signature and their unread notifications; beside 更正审批 the
corrections waiting for their decision; beside 保管与销毁 the director's sweeps whose
appraisal is complete, waiting for their approval. One request fills every count: its answer is
only out-of-band swaps, one per count's place in ``base.html`` (``_badges.html``)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from litestar import Controller, Response, get
from litestar.di import NamedDependency

from services.common.approvals import APPROVERS
from services.common.clients.reader import RegistryReader
from services.common.contracts.corrections import CORRECTION_DECIDERS
from services.common.retention import APPROVER_ROLE, WITNESS_ROLES
from services.web.page import Page


class BadgePages(Controller):
    path = "/badges"

    @get("/", operation_id="topBarCounts")
    async def badges(self, page: NamedDependency[Page],
                     registry: NamedDependency[RegistryReader]) -> Response[str]:
        """Each count the reader's roles give them (none is asked for otherwise); the
        corrections' count only to those who decide corrections, the sweeps' only to the
        director."""
        token, principal = page.reader.token, page.reader.principal

        async def if_role(roles: tuple[str, ...], count: Callable[[str], Awaitable[int]]
                          ) -> int | None:
            return await count(token) if principal.has_role(*roles) else None

        awaiting, signatures, unread, corrections, sweeps = await asyncio.gather(
            if_role(APPROVERS, registry.awaiting_count),
            if_role(WITNESS_ROLES, registry.awaiting_signature_count),
            registry.unread_notifications(token),
            if_role(CORRECTION_DECIDERS, registry.awaiting_decision_count),
            if_role((APPROVER_ROLE,), registry.sweeps_awaiting_approval_count))
        return page.render("_badges.html", waiting=awaiting or 0,
                           signatures=signatures or 0, notices=unread,
                           corrections=corrections, sweeps=sweeps)
