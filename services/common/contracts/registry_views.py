"""The registry's answers as a person reads them through the staff pages
(``services.web``), decoded by ``services.common.clients.reader.RegistryReader``.

The views are the parts of the registry's answers a page shows; like ``ExtractedText``
they do not forbid unknown fields, so the registry may add fields without breaking them.
"""

from __future__ import annotations

from datetime import date, datetime

import msgspec


class IssuedToken(msgspec.Struct, kw_only=True):
    access_token: str
    expires_in: int
    """Seconds the token is good for."""


class OccupancyView(msgspec.Struct, kw_only=True):
    """One occupant's part of the file (入住至退租); closed once ``moved_out`` (D3)."""

    occupancy_id: int
    occupant: str
    moved_in: date
    moved_out: date | None


class HouseholdView(msgspec.Struct, kw_only=True):
    """A household: ``label`` is the current occupant (D2), ``occupants`` oldest first."""

    household: str
    building: str
    floor: int
    label: str | None
    occupied: bool
    occupants: list[OccupancyView]


class VersionView(msgspec.Struct, kw_only=True):
    """One version of a document's metadata (D6): who, when, why, what changed."""

    version: int
    changes: dict[str, list[object]]
    changed_by: str
    changed_at: datetime
    reason: str
    approved_by: str | None


class LoanView(msgspec.Struct, kw_only=True):
    """A loan (借阅) as the register lists it."""

    loan_id: str
    status: str
    kind: str
    borrower: str
    requested_at: datetime
    issued_at: datetime | None
    due_at: datetime | None
    overdue: bool


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
    months: list[MonthView]
