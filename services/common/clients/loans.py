"""Loans (借阅) and the yearly statistics (O2) as a person works them through the staff
pages, with the signed-in person's own token.

The views are the parts of the registry's answers a page shows; like the other views
of ``reader`` they do not forbid unknown fields. Every move answers the loan as it now
stands, or the registry's refusal (an ``ArchiveError`` with its code).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

import msgspec

from services.common.clients.registry import RegistryClient

REGISTER_PAGE = 200
"""Loans a page lists at once (newest first)."""


class ExternalReaderView(msgspec.Struct, kw_only=True):
    """A reader who is not a user, recorded on the loan (domain.md, People)."""

    name: str
    organisation: str
    id_document: str
    introduction_letter: str


class LoanDocumentView(msgspec.Struct, kw_only=True):
    """A lent document; ``redacted`` above the reader's clearance (counted, not named)."""

    document_id: str
    archive_no: str
    household: str | None
    category: str
    security: str
    personal_info: bool
    title: str | None
    redacted: bool = False


class ApprovalView(msgspec.Struct, kw_only=True):
    step: int
    role: str
    approver: str
    note: str | None
    approved_at: datetime


class RejectionView(msgspec.Struct, kw_only=True):
    rejected_by: str
    rejected_at: datetime
    reason: str


class ReturnView(msgspec.Struct, kw_only=True):
    returned_by: str
    returned_at: datetime
    intact: bool
    note: str | None


class LoanRecord(msgspec.Struct, kw_only=True):
    """A loan from request to return, with the approval chain the registry computed
    (``approvals_needed``) and the step it waits for (``next_approval``)."""

    loan_id: str
    status: str
    kind: str
    purpose: str
    reason: str
    borrower: str
    borrower_department: str
    requested_by: str
    requested_at: datetime
    external: ExternalReaderView | None
    documents: list[LoanDocumentView]
    approvals_needed: list[str]
    approvals: list[ApprovalView]
    next_approval: str | None
    rejection: RejectionView | None
    issued_by: str | None
    issued_at: datetime | None
    acknowledged_at: datetime | None
    due_at: datetime | None
    renewals: int
    returned: ReturnView | None
    overdue: bool
    escalated_at: datetime | None


class NewLoan(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A borrow request (B3), as the registry takes it."""

    documents: list[str]
    kind: str
    purpose: str
    reason: str
    external: ExternalReaderView | None = None


class NotificationView(msgspec.Struct, kw_only=True):
    notification_id: int
    kind: str
    loan_id: str
    message: str
    created_at: datetime


class CategoryCountsView(msgspec.Struct, kw_only=True):
    total: int
    by_category: dict[str, int]


class BorrowedView(msgspec.Struct, kw_only=True):
    loans: int
    documents: int


class MonthView(msgspec.Struct, kw_only=True):
    month: int
    received: int
    destroyed: int
    loans: int


class ChecksView(msgspec.Struct, kw_only=True):
    """The year's inventories and condition checks (O3)."""

    organised: int
    unresolved: int


class YearReport(msgspec.Struct, kw_only=True):
    """The yearly statistics (年度统计, O2) as the registry counts them."""

    year: int
    as_of: datetime
    so_far: bool
    received: CategoryCountsView
    holdings: CategoryCountsView
    destroyed: CategoryCountsView
    borrowed: BorrowedView
    returned: int
    overdue: int
    checks: ChecksView
    months: list[MonthView]


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
