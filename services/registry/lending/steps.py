"""What the moves of a loan share, in lending and circulation alike: finding the loan,
recording the step, showing the loan as the register does.

A step is recorded in the move's own transaction, after the move's writes: one audit
entry per lent document (so a document's audit trail shows who borrowed it, O4) and one
``LoanChanged`` event on the change feed (architecture principle 3). A document on the
register that the reader is not cleared for is a redacted row (issue 14): counted, with
its category and level, but no id, archive number, household or title.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import msgspec

from services.common.contracts.accounts import User
from services.common.contracts.lending import (
    ExternalReader,
    Loan,
    LoanDocument,
    LoanStatus,
    RejectionRecord,
    ReturnRecord,
)
from services.common.contracts.registry import DocumentRecord, LoanChanged
from services.common.errors import NotFound
from services.common.models import SecurityLevel, security_rank
from services.registry.journal.models import AuditEntry, DetailValue
from services.registry.lending.models import LoanChange, LoanRow
from services.registry.lending.repository import LoanDetails
from services.registry.lending.rules import is_overdue
from services.registry.store import Tx


async def loan_for_move(tx: Tx, loan_id: str) -> LoanRow:
    """The loan, locked until the transaction ends; 404 ``unknown_loan`` if none."""
    loan = await tx.loans.get(loan_id, lock=True)
    if loan is None:
        raise NotFound(f"no loan {loan_id}", code="unknown_loan")
    return loan


async def record_step(tx: Tx, loan: LoanRow, change: LoanChange, *, username: str,
                      status: LoanStatus, at: datetime,
                      detail: dict[str, DetailValue] | None = None) -> None:
    """Append the step's audit entries and feed event; called after the step's writes."""
    document_ids = await tx.loans.document_ids(loan.loan_id)
    await tx.journal.emit(LoanChanged(loan_id=loan.loan_id, change=change, status=status,
                                      borrower=loan.borrower, documents=document_ids), at=at)
    entry_detail: dict[str, DetailValue] = {
        "loan_id": loan.loan_id, "kind": loan.kind, "borrower": loan.borrower,
        "status": status, **(detail or {})}
    for document_id in document_ids:
        await tx.journal.audit(AuditEntry(action=f"loan_{change}", username=username,
                                          document_id=document_id, detail=entry_detail),
                               at=at)


async def person(tx: Tx, username: str) -> User | None:
    """The user who borrows, approves or is told, if there is one."""
    found = await tx.accounts.get(username)
    return None if found is None else found.user


async def views(tx: Tx, rows: Sequence[LoanRow], *, now: datetime,
                clearance: SecurityLevel) -> list[Loan]:
    """The loans as the register shows them to a reader with ``clearance``."""
    if not rows:
        return []
    details = await tx.loans.details([row.loan_id for row in rows])
    return [view(row, details, now=now, clearance=clearance) for row in rows]


async def current_view(tx: Tx, loan_id: str, *, now: datetime, clearance: SecurityLevel
                       ) -> Loan:
    """The loan as it stands in the caller's transaction (just after a move)."""
    row = await tx.loans.get(loan_id)
    if row is None:
        raise NotFound(f"no loan {loan_id}", code="unknown_loan")
    return (await views(tx, [row], now=now, clearance=clearance))[0]


def view(row: LoanRow, details: LoanDetails, *, now: datetime, clearance: SecurityLevel
         ) -> Loan:
    approvals = details.approvals.get(row.loan_id, [])
    waiting = row.status == "requested" and len(approvals) < len(row.approvals_needed)
    return Loan(
        loan_id=row.loan_id, status=row.status, kind=row.kind, purpose=row.purpose,
        reason=row.reason, borrower=row.borrower,
        borrower_department=row.borrower_department, requested_by=row.requested_by,
        requested_at=row.requested_at,
        external=msgspec.convert(row.external, ExternalReader) if row.external else None,
        documents=[document_view(document, clearance)
                   for document in details.documents.get(row.loan_id, [])],
        approvals_needed=row.approvals_needed, approvals=approvals,
        next_approval=row.approvals_needed[len(approvals)] if waiting else None,
        rejection=RejectionRecord(rejected_by=row.rejected_by, rejected_at=row.rejected_at,
                                  reason=row.rejection_reason or "",
                                  withdrawn=row.withdrawn)
        if row.rejected_by and row.rejected_at else None,
        issued_by=row.issued_by, issued_at=row.issued_at,
        acknowledged_at=row.acknowledged_at, due_at=row.due_at, renewals=row.renewals,
        renewed_at=row.renewed_at,
        returned=ReturnRecord(returned_by=row.returned_by, returned_at=row.returned_at,
                              intact=bool(row.return_intact), note=row.return_note)
        if row.returned_by and row.returned_at else None,
        overdue=is_overdue(row, now),
        escalated_at=details.escalated_at.get(row.loan_id),
        copies=details.copies.get(row.loan_id, []),
        incidents=details.incidents.get(row.loan_id, []),
    )


def document_view(record: DocumentRecord, clearance: SecurityLevel) -> LoanDocument:
    if security_rank(clearance) < security_rank(record.security):
        # Issue 14: the register counts the document, it does not name it.
        return LoanDocument(document_id="", archive_no="", household=None,
                            category=record.category, security=record.security,
                            personal_info=record.personal_info, title=None, redacted=True)
    return LoanDocument(
        document_id=record.document_id, archive_no=record.archive_no,
        household=record.household, category=record.category, security=record.security,
        personal_info=record.personal_info, title=record.title)
