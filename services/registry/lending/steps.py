"""What every move of a loan shares: finding it, recording the step, showing the loan.

A step is recorded in the move's own transaction, after the move's writes: one audit
entry per lent document (so a document's audit trail shows who borrowed it, O4) and
one ``LoanChanged`` event on the change feed (architecture principle 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import msgspec
import sqlalchemy as sa

from services.common.approvals import REGISTER_READERS
from services.common.auth import Principal
from services.common.clients.registry import LoanChanged
from services.common.errors import ArchiveError, NotFound
from services.common.models import SecurityLevel, security_rank
from services.registry.journal.audit import AuditEntry, DetailValue
from services.registry.lending.models import (
    ExternalReader,
    Loan,
    LoanDocument,
    RejectionRecord,
    ReturnRecord,
)
from services.registry.lending.repository import LoanDetails, LoanRow, LoansRepository
from services.registry.lending.rules import LoanChange, LoanStatus
from services.registry.store import Tx


def may_read(principal: Principal, loan: LoanRow) -> bool:
    """Whether ``principal`` may know ``loan`` exists (otherwise it is a 404)."""
    return principal.has_role(*REGISTER_READERS) or principal.username in (
        loan.borrower, loan.requested_by)


def unseen_or(principal: Principal, loan: LoanRow, error: ArchiveError) -> ArchiveError:
    """``error``, or 404 ``unknown_loan`` for a caller who may not know the loan exists."""
    return error if may_read(principal, loan) else NotFound(f"no loan {loan.loan_id}",
                                                            code="unknown_loan")


async def loan_for_move(loans: LoansRepository, loan_id: str) -> LoanRow:
    """The loan, locked until the transaction ends; 404 ``unknown_loan`` if none."""
    loan = await loans.get(loan_id, lock=True)
    if loan is None:
        raise NotFound(f"no loan {loan_id}", code="unknown_loan")
    return loan


async def record_step(tx: Tx, loan: LoanRow, change: LoanChange, *, username: str,
                      status: LoanStatus, at: datetime,
                      detail: dict[str, DetailValue] | None = None) -> None:
    """Append the step's audit entries and feed event; call after the step's writes."""
    document_ids = await LoansRepository(tx.conn).document_ids(loan.loan_id)
    await tx.emit(LoanChanged(loan_id=loan.loan_id, change=change, status=status,
                              borrower=loan.borrower, documents=document_ids), at=at)
    entry_detail: dict[str, DetailValue] = {
        "loan_id": loan.loan_id, "kind": loan.kind, "borrower": loan.borrower,
        "status": status, **(detail or {})}
    for document_id in document_ids:
        await tx.audit(AuditEntry(action=f"loan_{change}", username=username,
                                  document_id=document_id, detail=entry_detail), at=at)


async def views(loans: LoansRepository, rows: Sequence[LoanRow], *, now: datetime,
                clearance: SecurityLevel) -> list[Loan]:
    """The loans as the register shows them to a reader with ``clearance``."""
    if not rows:
        return []
    details = await loans.details([row.loan_id for row in rows])
    return [view(row, details, now=now, clearance=clearance) for row in rows]


async def current_view(loans: LoansRepository, loan_id: str, *, now: datetime,
                       clearance: SecurityLevel) -> Loan:
    """The loan as it stands in the caller's transaction (just after a move)."""
    row = await loans.get(loan_id)
    if row is None:
        raise NotFound(f"no loan {loan_id}", code="unknown_loan")
    return (await views(loans, [row], now=now, clearance=clearance))[0]


def view(row: LoanRow, details: LoanDetails, *, now: datetime,
         clearance: SecurityLevel) -> Loan:
    approvals = details.approvals.get(row.loan_id, [])
    waiting = row.status == "requested" and len(approvals) < len(row.approvals_needed)
    return Loan(
        loan_id=row.loan_id, status=row.status, kind=row.kind, purpose=row.purpose,
        reason=row.reason, borrower=row.borrower,
        borrower_department=row.borrower_department, requested_by=row.requested_by,
        requested_at=row.requested_at,
        external=msgspec.convert(row.external, ExternalReader) if row.external else None,
        documents=[_document(document, clearance)
                   for document in details.documents.get(row.loan_id, [])],
        approvals_needed=row.approvals_needed, approvals=approvals,
        next_approval=row.approvals_needed[len(approvals)] if waiting else None,
        rejection=RejectionRecord(rejected_by=row.rejected_by, rejected_at=row.rejected_at,
                                  reason=row.rejection_reason or "")
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


def is_overdue(row: LoanRow, now: datetime) -> bool:
    """B4: out and past ``due_at``."""
    return row.status == "out" and row.due_at is not None and now > row.due_at


def _document(row: sa.RowMapping, clearance: SecurityLevel) -> LoanDocument:
    if security_rank(clearance) < security_rank(row["security"]):
        # Issue 14: the register counts the document, it does not name it.
        return LoanDocument(document_id="", archive_no="", household=None,
                            category=row["category"], security=row["security"],
                            personal_info=bool(row["personal_info"]), title=None,
                            redacted=True)
    return LoanDocument(
        document_id=row["document_id"], archive_no=row["archive_no"],
        household=row["household"], category=row["category"], security=row["security"],
        personal_info=bool(row["personal_info"]), title=row["title"])
