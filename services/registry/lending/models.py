"""Lending: the registry's own structs of loans (借阅): the moves' request bodies, the
register's query, and a loan as it is stored (``LoanRow``). A loan as answered is
``services.common.contracts.lending``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from msgspec import Meta

from services.common.contracts.fields import DocumentId, Text
from services.common.contracts.lending import LoanKind, LoanStatus
from services.common.models import Role, Struct, Username

LoanChange = Literal["requested", "approved", "rejected", "issued", "acknowledged", "renewed",
                     "copy_recorded", "returned", "past_due", "escalated",
                     "incident_resolved", "withdrawn"]
"""What a ``LoanChanged`` feed event says happened."""
Move = Literal["approve", "reject", "withdraw", "issue", "acknowledge", "renew", "return",
               "record_copy"]


class ApprovalNote(Struct):
    note: Text | None = None


class Rejection(Struct):
    reason: Text


class ReturnCheck(Struct):
    """B5: the archivist's check of the returned file; not ``intact`` opens an incident."""

    intact: bool
    note: Text | None = None


class RenewalSeen(Struct):
    """续借 as the caller saw the loan: the ``renewals`` it had then. A renewal asked again
    with the same count (a double click, a retry, a second tab, the borrower and the desk
    at once) finds the loan renewed since and is refused ``already_renewed``, not counted
    a second time (B4 allows only ``ARCHIVE_LOAN_MAX_RENEWALS``)."""

    renewals: Annotated[int, Meta(ge=0)] | None = None


class IncidentResolution(Struct):
    """B5: what was done about a loss or damage report (repaired, compensated, …)."""

    note: Text


class CopyRequest(Struct):
    """B6: an approved copy (复制) of a lent document, checked by the archivist."""

    document_id: DocumentId
    description: Text
    approved_by: Username


class LoanQuery(Struct):
    status: LoanStatus | None = None
    borrower: str | None = None
    overdue: bool | None = None
    escalated: bool | None = None
    document_id: str | None = None
    awaiting: Literal["me"] | None = None
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True)
class LoanRow:
    """A loan as stored (its documents, approvals and the rest are loaded apart)."""

    loan_id: str
    kind: LoanKind
    status: LoanStatus
    purpose: str
    reason: str
    borrower: str
    borrower_department: str
    requested_by: str
    requested_at: datetime
    external: dict[str, str] | None
    approvals_needed: list[Role]
    rejected_by: str | None
    rejected_at: datetime | None
    rejection_reason: str | None
    withdrawn: bool
    """Closed before anything was lent (撤回), not refused at an approval step."""
    issued_by: str | None
    issued_at: datetime | None
    due_at: datetime | None
    escalation_due_at: datetime | None
    acknowledged_at: datetime | None
    renewals: int
    renewed_at: datetime | None
    returned_by: str | None
    returned_at: datetime | None
    return_intact: bool | None
    return_note: str | None
