"""Loans (借阅) and the yearly statistics (O2) as a person works them through the staff
pages, with the signed-in person's own token.

Every move answers the loan as it now stands (a view of
``services.common.contracts.registry_views``), or the registry's refusal (an
``ArchiveError`` with its code).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from services.common.clients.registry import RegistryClient
from services.common.contracts.registry_views import (
    LoanRecord,
    NewLoan,
    NotificationView,
    YearReport,
)

REGISTER_PAGE = 200
"""Loans a page lists at once (newest first)."""


class LoansReader(RegistryClient):
    async def request_loan(self, token: str, loan: NewLoan) -> LoanRecord:
        return await self.call("POST", "/registry/loans", LoanRecord, token=token, json=loan)

    async def loan(self, token: str, loan_id: str) -> LoanRecord:
        return await self.call("GET", f"/registry/loans/{_id(loan_id)}", LoanRecord,
                               token=token)

    async def loans(self, token: str, **filters: Any) -> list[LoanRecord]:
        """The register newest first (``status``, ``borrower``, ``overdue``,
        ``escalated``); without a register role, the caller's own loans."""
        params = {name: str(value).lower() if isinstance(value, bool) else value
                  for name, value in filters.items() if value is not None}
        return await self.call("GET", "/registry/loans", list[LoanRecord], token=token,
                               params={"limit": REGISTER_PAGE, **params})

    async def requested_loans(self, token: str) -> list[LoanRecord]:
        """Every loan waiting for an approval (an inbox must not miss the oldest), read
        page by page; requests are decided within days, so these are few."""
        found: list[LoanRecord] = []
        while True:
            page = await self.call("GET", "/registry/loans", list[LoanRecord], token=token,
                                   params={"status": "requested", "limit": REGISTER_PAGE,
                                           "offset": len(found)})
            found.extend(page)
            if len(page) < REGISTER_PAGE:
                return found

    async def move_loan(self, token: str, loan_id: str, move: str,
                        body: dict[str, Any] | None = None) -> LoanRecord:
        """``approve`` ``{note}``, ``reject`` ``{reason}``, ``issue``, ``acknowledge``,
        ``renew``, ``return`` ``{intact, note}``."""
        return await self.call("POST", f"/registry/loans/{_id(loan_id)}/{move}", LoanRecord,
                               token=token, json=body if body is not None else {})

    async def notifications(self, token: str) -> list[NotificationView]:
        return await self.call("GET", "/registry/notifications", list[NotificationView],
                               token=token, params={"limit": REGISTER_PAGE})

    async def year_report(self, token: str, year: int | None) -> YearReport:
        params = {"year": year} if year is not None else None
        return await self.call("GET", "/registry/statistics", YearReport, token=token,
                               params=params)


def _id(loan_id: str) -> str:
    return quote(loan_id, safe="")
