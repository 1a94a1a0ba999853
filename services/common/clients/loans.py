"""Loans (借阅) and the yearly statistics (O2) as a person works them through the staff
pages, with the signed-in person's own token.

Every move answers the loan as it now stands (``services.common.contracts.lending``), or
the registry's refusal (an ``ArchiveError`` with its code).
"""

from __future__ import annotations

from typing import Any

from services.common.clients import segment
from services.common.clients.registry import RegistryClient
from services.common.contracts.lending import (
    AwaitingCount,
    Incident,
    Loan,
    LoanRequest,
    MarkRead,
    Notification,
    UnreadCount,
)
from services.common.contracts.statistics import YearStatistics

REGISTER_PAGE = 200
"""Loans a page lists at once (newest first)."""
INCIDENTS_PAGE = 50
"""Incidents the archivist's desk lists (newest first)."""


class LoansReader(RegistryClient):
    async def request_loan(self, token: str, loan: LoanRequest) -> Loan:
        return await self.call("POST", "/registry/loans", Loan, token=token, json=loan)

    async def loan(self, token: str, loan_id: str) -> Loan:
        return await self.call("GET", f"/registry/loans/{segment(loan_id)}", Loan,
                               token=token)

    async def loans(self, token: str, *, limit: int = REGISTER_PAGE, offset: int = 0,
                    **filters: Any) -> list[Loan]:
        """The register newest first (``status``, ``borrower``, ``overdue``,
        ``escalated``), ``limit`` loans from ``offset`` (its first page by default);
        without a register role, the caller's own loans."""
        return await self.call("GET", "/registry/loans", list[Loan], token=token,
                               params={"limit": limit, "offset": offset,
                                       **_loan_filters(filters)})

    async def register(self, token: str, **filters: Any) -> list[Loan]:
        """The whole register as ``loans`` filters it, read page by page."""
        return await self.every("/registry/loans", list[Loan], page_size=REGISTER_PAGE,
                                token=token, params=_loan_filters(filters))

    async def awaiting_loans(self, token: str) -> list[Loan]:
        """The requests whose next approval step is the caller's (``awaiting=me``),
        oldest first, read page by page: an inbox must not miss the oldest."""
        return await self.every("/registry/loans", list[Loan], page_size=REGISTER_PAGE,
                                token=token, params={"awaiting": "me"})

    async def awaiting_count(self, token: str) -> int:
        """How many requests wait for the caller's approval (without reading them)."""
        return (await self.call("GET", "/registry/loans/awaiting-count", AwaitingCount,
                                token=token)).awaiting

    async def move_loan(self, token: str, loan_id: str, move: str,
                        body: dict[str, Any] | None = None) -> Loan:
        """``approve`` ``{note}``, ``reject`` ``{reason}``, ``withdraw``, ``issue``,
        ``acknowledge``, ``renew``, ``return`` ``{intact, note}``."""
        return await self.call("POST", f"/registry/loans/{segment(loan_id)}/{move}", Loan,
                               token=token, json=body if body is not None else {})

    async def notifications(self, token: str) -> list[Notification]:
        """The caller's latest notifications, read or not, newest first."""
        return await self.call("GET", "/registry/notifications", list[Notification],
                               token=token, params={"limit": REGISTER_PAGE})

    async def unread_notifications(self, token: str) -> int:
        return (await self.call("GET", "/registry/notifications/unread", UnreadCount,
                                token=token)).unread

    async def mark_read(self, token: str, ids: list[int]) -> int:
        """Mark the caller's notifications ``ids`` read; the unread count left."""
        return (await self.call("POST", "/registry/notifications/read", UnreadCount,
                                token=token, json=MarkRead(ids=ids))).unread

    async def incidents(self, token: str, *, open_only: bool) -> list[Incident]:
        """Loss and damage reports (B5), newest first (register readers only);
        ``open_only``: those not resolved yet."""
        params: dict[str, Any] = {"limit": INCIDENTS_PAGE}
        if open_only:
            params["open"] = "true"
        return await self.call("GET", "/registry/incidents", list[Incident], token=token,
                               params=params)

    async def resolve_incident(self, token: str, incident_id: str, note: str) -> Incident:
        """B5: an archivist closes the incident with what was done."""
        return await self.call("POST", f"/registry/incidents/{segment(incident_id)}/resolve",
                               Incident, token=token, json={"note": note})

    async def year_report(self, token: str, year: int | None) -> YearStatistics:
        params = {"year": year} if year is not None else None
        return await self.call("GET", "/registry/statistics", YearStatistics, token=token,
                               params=params)


def _loan_filters(filters: dict[str, Any]) -> dict[str, Any]:
    return {name: str(value).lower() if isinstance(value, bool) else value
            for name, value in filters.items() if value is not None}
