"""Borrow requests and their approvals (B3, B7, B8), and reading the loan register.

A request names documents the borrower may know exist (a document above their
clearance stays invisible whatever the loan: 404) and that the caller may see too.
``policy`` documents are never lent on paper (B7, 409 ``not_lendable``); a file out on
a paper loan is not asked for again until it is back (409 ``already_on_loan``).
Approvals follow ``rules.approvals_needed``; each is one transaction with its audit
entries and feed event. Refusals are audited (O4) in their own transaction.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from services.common.approvals import REGISTER_READERS, approval_refusal
from services.common.auth import Principal
from services.common.clients.registry import DocumentRecord
from services.common.clock import Clock
from services.common.errors import (
    ArchiveError,
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from services.registry.access import can, visible_to
from services.registry.journal.service import JournalService
from services.registry.lending.models import (
    Approval,
    Incident,
    Loan,
    LoanQuery,
    LoanRequest,
    Notification,
)
from services.registry.lending.repository import Filters, LoanRow, LoansRepository, Person
from services.registry.lending.rules import (
    NOT_LENDABLE_ON_PAPER,
    LoanKind,
    Move,
    approvals_needed,
    check_move,
)
from services.registry.lending.steps import (
    current_view,
    loan_for_move,
    may_read,
    record_step,
    views,
)
from services.registry.store import RegistryStore, Tx

REGISTRARS = ("archivist",)
"""Who registers a loan for someone else (the paper 出借单 brought to the archive)."""
MAX_PAGE = 1000


def principal_of_person(person: Person) -> Principal:
    return Principal(username=person.username, roles=person.roles,
                     clearance=person.clearance, department=person.department)


class LendingService:
    def __init__(self, store: RegistryStore, clock: Clock, *, journal: JournalService
                 ) -> None:
        self.store = store
        self.clock = clock
        self.journal = journal

    async def request(self, principal: Principal, request: LoanRequest) -> Loan:
        """Register a borrow request (B3): 201 with the approvals it needs."""
        borrower_name = request.borrower or principal.username
        if borrower_name != principal.username and not principal.has_role(*REGISTRARS):
            await self.journal.refuse(principal, "request_loan", Forbidden(
                "only an archivist registers a loan for someone else", code="role_required"))
        document_ids = list(dict.fromkeys(request.documents))
        now = self.clock.now()
        async with self.store.transaction() as tx:
            loans = LoansRepository(tx.conn)
            borrower = await _borrower(loans, borrower_name)
            records, refused = await _documents(tx, document_ids, principal, borrower)
            if refused is None:
                _check_lendable(request.kind, records)
                await _check_not_out(loans, request.kind, document_ids)
                row = _new_loan(request, principal, borrower, records, now)
                await loans.insert(row, document_ids)
                await record_step(tx, row, "requested", username=principal.username,
                                  status="requested", at=now,
                                  detail={"approvals_needed": list(row.approvals_needed)})
                return (await views(loans, [row], now=now, clearance=principal.clearance))[0]
        await self.journal.refuse(principal, "request_loan", NotFound(
            "no such document", code="unknown_document"), document_id=refused)

    async def approve(self, principal: Principal, loan_id: str, *, note: str | None
                      ) -> Loan:
        """The next approval step; the last one makes the loan ``approved``."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            loans = LoansRepository(tx.conn)
            loan, step, refusal = await self._step(loans, principal, loan_id, "approve")
            if refusal is None:
                role = loan.approvals_needed[step]
                await loans.add_approval(loan_id, Approval(
                    step=step, role=role, approver=principal.username, note=note,
                    approved_at=now))
                last = step + 1 == len(loan.approvals_needed)
                if last:
                    await loans.move(loan_id, "requested", status="approved")
                await record_step(tx, loan, "approved", username=principal.username,
                                  status="approved" if last else "requested", at=now,
                                  detail={"role": role, "step": step, "note": note})
                return await current_view(loans, loan_id, now=now,
                                          clearance=principal.clearance)
        assert refusal is not None
        await self.journal.refuse(principal, "approve_loan", refusal)

    async def reject(self, principal: Principal, loan_id: str, *, reason: str) -> Loan:
        """Whoever may give the awaited approval may refuse it: ``rejected``, final."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            loans = LoansRepository(tx.conn)
            loan, step, refusal = await self._step(loans, principal, loan_id, "reject")
            if refusal is None:
                await loans.move(loan_id, "requested", status="rejected",
                                 rejected_by=principal.username, rejected_at=now,
                                 rejection_reason=reason)
                await record_step(tx, loan, "rejected", username=principal.username,
                                  status="rejected", at=now,
                                  detail={"role": loan.approvals_needed[step],
                                          "reason": reason})
                return await current_view(loans, loan_id, now=now,
                                          clearance=principal.clearance)
        assert refusal is not None
        await self.journal.refuse(principal, "reject_loan", refusal)

    async def _step(self, loans: LoansRepository, principal: Principal, loan_id: str,
                    move: Move) -> tuple[LoanRow, int, ArchiveError | None]:
        """The locked loan, the awaited step, and why ``principal`` may not decide it."""
        loan = await loan_for_move(loans, loan_id)
        check_move(move, loan.status)
        approvals = await loans.approvals(loan_id)
        step = len(approvals)
        refusal = approval_refusal(
            principal, role=loan.approvals_needed[step], borrower=loan.borrower,
            borrower_department=loan.borrower_department,
            earlier_approvers=[approval.approver for approval in approvals])
        return loan, step, refusal


    # --- the register --------------------------------------------------------------------

    async def loan(self, principal: Principal, loan_id: str) -> Loan:
        """One loan, to its borrower, its requester or a register reader; else 404."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            loans = LoansRepository(tx.conn)
            row = await loans.get(loan_id)
            if row is not None and may_read(principal, row):
                return (await views(loans, [row], now=now, clearance=principal.clearance))[0]
        await self.journal.refuse(principal, "read_loan", NotFound(
            f"no loan {loan_id}", code="unknown_loan"))

    async def loans(self, principal: Principal, query: LoanQuery) -> list[Loan]:
        """The register, newest request first; a reader without a register role sees the
        loans they borrow or asked for. Asked for the loans of a document the reader may
        not know exists, it answers none, as for a document that does not exist."""
        filters = Filters(
            status=query.status, borrower=query.borrower, overdue=query.overdue,
            escalated=query.escalated, document_id=query.document_id,
            involving=None if principal.has_role(*REGISTER_READERS) else principal.username)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            if query.document_id is not None and not await visible_to(
                    tx.documents, principal, [query.document_id]):
                return []
            loans = LoansRepository(tx.conn)
            rows = await loans.search(filters, now=now, limit=min(query.limit, MAX_PAGE),
                                      offset=query.offset)
            return await views(loans, rows, now=now, clearance=principal.clearance)

    async def notifications(self, principal: Principal, *, limit: int, offset: int
                            ) -> list[Notification]:
        """The caller's notifications, newest first."""
        async with self.store.transaction() as tx:
            return await LoansRepository(tx.conn).notifications(
                principal.username, limit=min(limit, MAX_PAGE), offset=offset)

    async def incidents(self, *, limit: int, offset: int) -> list[Incident]:
        """Loss and damage reports opened at returns (B5), newest first."""
        async with self.store.transaction() as tx:
            return await LoansRepository(tx.conn).incidents(limit=min(limit, MAX_PAGE),
                                                            offset=offset)

    async def open_loans(self, username: str) -> list[str]:
        """B9: the loans ``username`` holds; ``AccountsService`` refuses departure on any."""
        async with self.store.transaction() as tx:
            return await LoansRepository(tx.conn).open_loans(username)


async def _borrower(loans: LoansRepository, username: str) -> Person:
    person = await loans.person(username)
    if person is None:
        raise NotFound(f"no user {username!r}", code="unknown_user")
    if not person.active:
        raise Conflict(f"{username} has left; a loan needs an active employee",
                       code="borrower_inactive")
    if not person.department:
        raise ValidationFailed(
            f"{username} has no department, so no department head can approve the loan "
            "(B3); an admin sets the department first", code="no_department")
    return person


async def _documents(tx: Tx, document_ids: list[str], principal: Principal,
                     borrower: Person) -> tuple[list[DocumentRecord], str | None]:
    """The catalogue records, or the first id the caller or the borrower may not see."""
    readers = {principal.username: principal, borrower.username: principal_of_person(borrower)}
    records = []
    for document_id in document_ids:
        record = await tx.documents.get(document_id)
        if not all(can(reader, "read", record).allowed for reader in readers.values()):
            return [], document_id
        assert record is not None
        if record.status == "destroyed":
            raise NotFound(f"document {record.archive_no} was destroyed; only its record "
                           "remains", code="document_destroyed")
        records.append(record)
    return records, None


def _check_lendable(kind: LoanKind, records: list[DocumentRecord]) -> None:
    for record in records:
        if kind == "paper" and record.category in NOT_LENDABLE_ON_PAPER:
            # B7: document archives (文书档案) are read in place, never lent.
            raise Conflict(f"{record.archive_no} is a company document (policy): it is "
                           "read in the archive room, never lent on paper; ask for a "
                           "digital loan or read it in place", code="not_lendable",
                           extra={"document_id": record.document_id})


async def _check_not_out(loans: LoansRepository, kind: LoanKind, document_ids: list[str]
                         ) -> None:
    if kind != "paper":
        return
    out = await loans.on_paper_loan(document_ids)
    if out:
        raise Conflict(f"{len(out)} of these files are out on a paper loan; ask again "
                       "once they are returned", code="already_on_loan",
                       extra={"documents": sorted(out)})


def _new_loan(request: LoanRequest, principal: Principal, borrower: Person,
              records: list[DocumentRecord], now: datetime) -> LoanRow:
    external = request.external
    return LoanRow(
        loan_id=str(uuid.uuid4()), kind=request.kind, status="requested",
        purpose=request.purpose, reason=request.reason, borrower=borrower.username,
        borrower_department=borrower.department or "", requested_by=principal.username,
        requested_at=now,
        external=None if external is None else {
            "name": external.name, "organisation": external.organisation,
            "id_document": external.id_document,
            "introduction_letter": external.introduction_letter},
        approvals_needed=approvals_needed(records), rejected_by=None, rejected_at=None,
        rejection_reason=None, issued_by=None, issued_at=None, due_at=None,
        escalation_due_at=None, acknowledged_at=None, renewals=0, renewed_at=None,
        returned_by=None, returned_at=None, return_intact=None, return_note=None,
    )
