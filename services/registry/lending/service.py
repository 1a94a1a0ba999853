"""Borrow requests and their approvals (B3, B7, B8), the loan register, and loans as
access (B2, B8).

A request names documents the borrower may know exist (a document above their clearance
stays invisible whatever the loan: 404) and that the caller may see too. ``policy``
documents are never lent on paper (B7, 409 ``not_lendable``); a file out on a paper loan
is not asked for again until it is back (409 ``already_on_loan``). Approvals follow
``rules.approvals_needed``; each is one transaction with its audit entries and feed
event (``steps``). Refusals are audited (O4) in their own transaction. A request not yet
out is withdrawn (撤回) by its borrower or whoever registered it, and closed the same way
when the borrower leaves (``depart``, B9): ``rejected``, marked ``withdrawn``.

A user holds a view-only grant on each document of their ``digital`` loans that are
``out`` and not past ``due_at``: access ends at return or at the due time, whichever
comes first. A document above the user's clearance is never granted, so it stays
invisible whatever the loan. Paper loans grant nothing in the system.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import NoReturn

import msgspec

from services.common.approvals import (
    DESK,
    REGISTER_READERS,
    STEP_NAMES,
    approval_refusal,
    is_awaited_from,
    step_nobody_gives,
    steps_nobody_gives,
)
from services.common.auth import Principal
from services.common.clock import Clock
from services.common.contracts.accounts import User
from services.common.contracts.lending import (
    Approval,
    AwaitingCount,
    Incident,
    Loan,
    LoanKind,
    LoanRequest,
    MarkRead,
    NoticeCorrection,
    NoticeLoan,
    Notification,
    OpenLoan,
    UnreadCount,
    WaitingRequest,
)
from services.common.contracts.registry import DocumentRecord, in_file
from services.common.errors import ArchiveError, Conflict, Forbidden, NotFound, ValidationFailed
from services.common.models import SECURITY_LEVELS, Role, SecurityLevel, security_rank
from services.common.names import written
from services.registry.access import NO_GRANTS, AccessGrants, can, visible_to
from services.registry.journal.service import JournalService
from services.registry.lending.models import IncidentResolution, LoanQuery, LoanRow, Move
from services.registry.lending.repository import Filters
from services.registry.lending.rules import (
    BORROWER_LEFT,
    NOT_LENDABLE_ON_PAPER,
    REGISTRARS,
    WITHDRAWN_BY_APPLICANT,
    applicants,
    approvals_needed,
    check_move,
    may_read,
    resolution_refusal,
    withdrawal_refusal,
)
from services.registry.lending.steps import current_view, loan_for_move, person, record_step, views
from services.registry.store import RegistryStore, Tx


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
            await self.journal.refuse(principal, "loan_requested", Forbidden(
                "only an archivist registers a loan for someone else", code="role_required"))
        document_ids = list(dict.fromkeys(request.documents))
        now = self.clock.now()
        async with self.store.transaction() as tx:
            borrower = await _borrower(tx, borrower_name)
            records, refused = await _documents(tx, document_ids, principal, borrower)
            if refused is None:
                _check_lendable(request.kind, records)
                await _check_not_out(tx, request.kind, document_ids)
                row = _new_loan(request, principal, borrower, records, now)
                await _check_someone_approves(tx, row, records)
                await _check_not_asked_already(tx, row, document_ids)
                await tx.loans.insert(row, document_ids)
                await record_step(tx, row, "requested", username=principal.username,
                                  status="requested", at=now,
                                  detail={"approvals_needed": list(row.approvals_needed)})
                return (await views(tx, [row], now=now, clearance=principal.clearance))[0]
        await self.journal.refuse(principal, "loan_requested", NotFound(
            "no such document", code="unknown_document"), document_id=refused)

    async def approve(self, principal: Principal, loan_id: str, *, note: str | None
                      ) -> Loan:
        """The next approval step; the last one makes the loan ``approved``."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            loan, step, refusal = await _step(tx, principal, loan_id, "approve")
            if refusal is None:
                role = loan.approvals_needed[step]
                await tx.loans.add_approval(loan_id, Approval(
                    step=step, role=role, approver=principal.username, note=note,
                    approved_at=now))
                last = step + 1 == len(loan.approvals_needed)
                if last:
                    await tx.loans.move(loan_id, "requested", status="approved")
                    await tx.loans.notify(
                        applicants(loan), kind="loan_approved", loan_id=loan_id, at=now,
                        message=f"loan {loan_id} is approved; the archive hands it over")
                await record_step(tx, loan, "approved", username=principal.username,
                                  status="approved" if last else "requested", at=now,
                                  detail={"role": role, "step": step, "note": note})
                return await current_view(tx, loan_id, now=now,
                                          clearance=principal.clearance)
        assert refusal is not None
        await self.journal.refuse(principal, "loan_approved", refusal)

    async def reject(self, principal: Principal, loan_id: str, *, reason: str) -> Loan:
        """Whoever may give the awaited approval may refuse it: ``rejected``, final."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            loan, step, refusal = await _step(tx, principal, loan_id, "reject")
            if refusal is None:
                await tx.loans.move(loan_id, "requested", status="rejected",
                                    rejected_by=principal.username, rejected_at=now,
                                    rejection_reason=reason)
                await tx.loans.notify(
                    applicants(loan), kind="loan_rejected", loan_id=loan_id, at=now,
                    message=f"loan {loan_id} was turned down by {principal.username}: {reason}")
                await record_step(tx, loan, "rejected", username=principal.username,
                                  status="rejected", at=now,
                                  detail={"role": loan.approvals_needed[step],
                                          "reason": reason})
                return await current_view(tx, loan_id, now=now,
                                          clearance=principal.clearance)
        assert refusal is not None
        await self.journal.refuse(principal, "loan_rejected", refusal)

    async def withdraw(self, principal: Principal, loan_id: str) -> Loan:
        """撤回: the borrower, or whoever registered the request, closes it before it is
        out: ``rejected``, ``withdrawn``, with the reason ``WITHDRAWN_BY_APPLICANT``."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            loan = await loan_for_move(tx, loan_id)
            refusal = withdrawal_refusal(principal, loan)
            if refusal is None:
                await _withdraw(tx, loan, by=principal.username, reason=WITHDRAWN_BY_APPLICANT,
                                at=now)
                return await current_view(tx, loan_id, now=now,
                                          clearance=principal.clearance)
        await self.journal.refuse(principal, "loan_withdrawn", refusal)

    async def loan(self, principal: Principal, loan_id: str) -> Loan:
        """One loan, to its borrower, its requester or a register reader; else 404."""
        now = self.clock.now()
        async with self.store.snapshot() as tx:
            row = await tx.loans.get(loan_id)
            if row is not None and may_read(principal, row):
                return (await views(tx, [row], now=now, clearance=principal.clearance))[0]
        await self.journal.refuse(principal, "read_loan", NotFound(
            f"no loan {loan_id}", code="unknown_loan"))

    async def loans(self, principal: Principal, query: LoanQuery) -> list[Loan]:
        """The register, newest request first; a reader without a register role sees the
        loans they borrow or asked for. Asked for the loans of a document the reader may
        not know exists, it answers none, as for a document that does not exist.
        ``awaiting="me"``: the requests whose next step is the reader's to give, oldest
        first (the approver's inbox)."""
        filters = Filters(
            status=query.status, borrower=query.borrower, overdue=query.overdue,
            escalated=query.escalated, document_id=query.document_id,
            involving=None if principal.has_role(*REGISTER_READERS) else principal.username)
        now = self.clock.now()
        async with self.store.snapshot() as tx:
            if query.document_id is not None and not await visible_to(
                    tx.documents, principal, [query.document_id]):
                return []
            if query.awaiting == "me":
                rows = await _awaiting(tx, principal, filters, now=now)
                rows = rows[query.offset:query.offset + query.limit]
            else:
                rows = await tx.loans.search(filters, now=now, limit=query.limit,
                                             offset=query.offset)
            return await views(tx, rows, now=now, clearance=principal.clearance)

    async def awaiting_count(self, principal: Principal) -> AwaitingCount:
        """How many requests wait for a step ``principal`` may give (``awaiting=me``
        counted, without reading the loans' documents)."""
        filters = Filters(involving=None if principal.has_role(*REGISTER_READERS)
                          else principal.username)
        async with self.store.snapshot() as tx:
            return AwaitingCount(awaiting=len(await _awaiting(tx, principal, filters,
                                                              now=self.clock.now())))

    async def notifications(self, principal: Principal, *, unread: bool | None, limit: int,
                            offset: int) -> list[Notification]:
        """The caller's notifications, newest first (``unread``: only those not read),
        each with its loan as it stands now, so a notice names whose loan it is, which
        documents and when it is due (B4: the head told of an escalation need not look
        it up); a loan the caller may no longer read is left out (``loan`` null)."""
        async with self.store.snapshot() as tx:
            found = await tx.loans.notifications(principal.username, unread=unread,
                                                 limit=limit, offset=offset)
            rows = await tx.loans.rows({notice.loan_id for notice in found if notice.loan_id})
            loans = {loan.loan_id: _notice_loan(loan) for loan in await views(
                tx, [row for row in rows if may_read(principal, row)], now=self.clock.now(),
                clearance=principal.clearance)}
            corrections = await _notice_corrections(
                tx, principal, {notice.correction_id for notice in found
                                if notice.correction_id})
        return [msgspec.structs.replace(
            notice, loan=loans.get(notice.loan_id or ""),
            correction=corrections.get(notice.correction_id or "")) for notice in found]

    async def unread(self, principal: Principal) -> UnreadCount:
        async with self.store.snapshot() as tx:
            return UnreadCount(unread=await tx.loans.count_unread(principal.username))

    async def mark_read(self, principal: Principal, marked: MarkRead) -> UnreadCount:
        """Mark the caller's notifications ``ids`` (or ``all``) read; the count left.

        Only the caller's own are touched: another person's id is not theirs to mark,
        and is passed over as one already read (no one learns it exists)."""
        if marked.all == bool(marked.ids):
            raise ValidationFailed("name the notifications to mark read (ids) or ask for "
                                   "all of them (all: true): one of the two",
                                   code="ids_or_all")
        async with self.store.transaction() as tx:
            await tx.loans.mark_read(principal.username, None if marked.all else marked.ids,
                                     at=self.clock.now())
            return UnreadCount(unread=await tx.loans.count_unread(principal.username))

    async def incidents(self, *, limit: int, offset: int, open_only: bool | None = None
                        ) -> list[Incident]:
        """Loss and damage reports opened at returns (B5), newest first; ``open_only``
        true: those not resolved yet, false: those resolved."""
        async with self.store.snapshot() as tx:
            return await tx.loans.incidents(open_only=open_only, limit=limit,
                                            offset=offset)

    async def resolve_incident(self, principal: Principal, incident_id: str,
                               resolution: IncidentResolution) -> Incident:
        """B5: an archivist closes a loss or damage report with what was done; recorded
        as a step of its loan (audited on each of its documents, O4)."""
        done = written(resolution.note)
        if not done:
            raise ValidationFailed("say what was done about the loss or damage (repaired, "
                                   "compensated, reported…)", code="resolution_required")
        now = self.clock.now()
        async with self.store.transaction() as tx:
            incident = None
            if principal.has_role(*DESK):
                incident = await tx.loans.incident(incident_id, lock=True)
            refusal = resolution_refusal(principal, incident, incident_id)
            if refusal is None:
                assert incident is not None
                loan = await loan_for_move(tx, incident.loan_id)
                await tx.loans.resolve_incident(incident_id, by=principal.username, at=now,
                                                resolution=done)
                await record_step(tx, loan, "incident_resolved", username=principal.username,
                                  status=loan.status, at=now,
                                  detail={"incident_id": incident_id, "resolution": done})
                return msgspec.structs.replace(incident, resolved_by=principal.username,
                                               resolved_at=now, resolution=done)
        assert refusal is not None
        await self.journal.refuse(principal, "loan_incident_resolved", refusal)

    async def depart(self, tx: Tx, username: str, *, by: str, clearance: SecurityLevel
                     ) -> list[OpenLoan]:
        """B9, in the deactivation's transaction ``tx``: the loans ``username`` still
        holds, their documents named as far as ``clearance`` reaches (``AccountsService``
        refuses the departure on any, which undoes the rest); and their requests not yet
        out, closed as withdrawn by ``by`` with the reason ``BORROWER_LEFT``, so none
        waits for an approval or a hand-over that can never come."""
        now = self.clock.now()
        # Closed first: taking their rows waits for a hand-over under way, so the loans
        # read next include one issued meanwhile.
        for loan in await tx.loans.pending(username):
            await _withdraw(tx, loan, by=by, reason=BORROWER_LEFT, at=now)
        loans = await views(tx, await tx.loans.open_loans(username), now=now,
                            clearance=clearance)
        held = []
        for view in loans:
            named, hidden = _by_archive_number(view)
            held.append(OpenLoan(loan_id=view.loan_id, status=view.status, kind=view.kind,
                                 due_at=view.due_at, archive_nos=named, hidden=hidden))
        return held

    async def stranded(self, tx: Tx, before: User, after: User | None
                       ) -> list[WaitingRequest]:
        """B3, in the transaction ``tx`` of a change of ``before`` to ``after`` (None: a
        departure): the requests waiting for an approval that someone could take to the
        end with ``before`` among the active users, and nobody could with ``after``
        instead, each with the first step left without anyone. ``AccountsService``
        refuses the change on any: withdrawing them would make each borrower ask again,
        and be refused (``no_approver``) until the step has someone anyway."""
        others = [user.principal() for user in await tx.accounts.active_people()
                  if user.username != before.username]
        then = [*others, before.principal()] if before.active else others
        now_ = [*others, after.principal()] if after is not None and after.active else others
        waiting = await tx.loans.requested(Filters(), now=self.clock.now())
        levels = await tx.loans.levels([row.loan_id for row, _ in waiting])
        found = []
        for row, approvers in waiting:
            def nobody_gives(people: list[Principal], row: LoanRow = row,
                             approvers: list[str] = approvers) -> Role | None:
                return step_nobody_gives(
                    row.approvals_needed, borrower=row.borrower,
                    borrower_department=row.borrower_department, people=people,
                    levels=levels[row.loan_id], earlier_approvers=approvers)

            step = nobody_gives(now_)
            if step is not None and nobody_gives(then) is None:
                found.append(WaitingRequest(
                    loan_id=row.loan_id, borrower=row.borrower,
                    borrower_department=row.borrower_department,
                    requested_at=row.requested_at, step=step))
        return found

    async def grants_for(self, principal: Principal) -> AccessGrants:
        """The documents ``principal`` may view through their digital loans (B2, B8): the
        registry's ``GrantSource``; read in a snapshot of its own (every access decision
        asks it, so it never waits for a writer)."""
        if principal.is_service:
            return NO_GRANTS
        levels = [level for level in SECURITY_LEVELS
                  if security_rank(level) <= security_rank(principal.clearance)]
        async with self.store.snapshot() as tx:
            granted = await tx.loans.granted_documents(
                principal.username, now=self.clock.now(), levels=levels)
        return AccessGrants.of(granted)


async def _awaiting(tx: Tx, principal: Principal, filters: Filters, *, now: datetime
                    ) -> list[LoanRow]:
    """The waiting requests matching ``filters`` whose next step ``principal`` may give,
    oldest first."""
    # B3: the rule ``approve`` applies, on every waiting request's chain.
    waiting = await tx.loans.requested(filters, now=now)
    levels = await tx.loans.levels([row.loan_id for row, _ in waiting])
    return [row for row, approvers in waiting
            if is_awaited_from(principal, status=row.status,
                               approvals_needed=row.approvals_needed, borrower=row.borrower,
                               borrower_department=row.borrower_department,
                               earlier_approvers=approvers, levels=levels[row.loan_id])]


async def _withdraw(tx: Tx, loan: LoanRow, *, by: str, reason: str, at: datetime) -> None:
    """Close ``loan`` (locked) before it is out: ``rejected``, ``withdrawn``, by ``by``."""
    reached = check_move("withdraw", loan.status)
    await tx.loans.move(loan.loan_id, loan.status, status=reached, rejected_by=by,
                        rejected_at=at, rejection_reason=reason, withdrawn=True)
    await record_step(tx, loan, "withdrawn", username=by, status=reached, at=at,
                      detail={"reason": reason, "was": loan.status})


async def _step(tx: Tx, principal: Principal, loan_id: str, move: Move
                ) -> tuple[LoanRow, int, ArchiveError | None]:
    """The locked loan, the awaited approval step, and why ``principal`` may not decide it."""
    loan = await loan_for_move(tx, loan_id)
    check_move(move, loan.status)
    approvals = await tx.loans.approvals(loan_id)
    step = len(approvals)
    if move == "approve" and principal.username in {a.approver for a in approvals}:
        # The same approval sent twice (a double click on 批准, a retry) says so, not that
        # the next step is another role's.
        return loan, step, Forbidden("you have approved this loan already; each step "
                                     "needs another person", code="already_approved")
    levels = await tx.loans.levels([loan_id])
    refusal = approval_refusal(
        principal, role=loan.approvals_needed[step], borrower=loan.borrower,
        borrower_department=loan.borrower_department,
        earlier_approvers=[approval.approver for approval in approvals],
        levels=levels[loan_id])
    return loan, step, refusal


async def _check_not_asked_already(tx: Tx, row: LoanRow, document_ids: list[str]) -> None:
    """The same request sent again while the first still waits (a double click on 提交,
    a retry, the back button and 提交 again) is refused, 409 ``already_requested`` naming
    the waiting loan, so approvers are not asked twice for one need."""
    waiting = await tx.loans.same_request_waiting(row, document_ids)
    if waiting is not None:
        raise Conflict(f"the same request is already waiting as loan {waiting}",
                       code="already_requested", extra={"loan_id": waiting})


async def _borrower(tx: Tx, username: str) -> User:
    found = await person(tx, username)
    if found is None:
        raise NotFound(f"no user {username!r}", code="unknown_user")
    if not found.active:
        raise Conflict(f"{username} has left; a loan needs an active employee",
                       code="borrower_inactive")
    if not found.department:
        raise ValidationFailed(
            f"{username} has no department, so no department head can approve the loan "
            "(B3); an admin sets the department first", code="no_department")
    return found


async def _check_someone_approves(tx: Tx, row: LoanRow, records: list[DocumentRecord]
                                  ) -> None:
    """B3: every step the loan needs has someone, not the borrower, cleared for all its
    documents, to give it."""
    people = [user.principal() for user in await tx.accounts.active_people()]
    levels = [record.security for record in records]
    steps = steps_nobody_gives(row.approvals_needed, borrower=row.borrower,
                               borrower_department=row.borrower_department, people=people,
                               levels=levels)
    if not steps:
        return
    role = steps[0]
    needed = max(levels, key=security_rank)
    cleared = "" if needed == "ordinary" else f" cleared to {needed}"
    # The borrower is named only when they hold the step's role: they may not give it.
    holds = any(person.username == row.borrower and person.has_role(role)
                for person in people)
    nobody = f"nobody{cleared} but the borrower {row.borrower}" if holds else \
        f"nobody{cleared}"
    if role == "manager":
        raise Conflict(f"{nobody} heads the department {row.borrower_department}, so "
                       "nobody could give the loan's first approval (B3); an admin gives "
                       f"the department another head (a manager{cleared}) first",
                       code="no_approver",
                       extra={"step": role, "steps": steps, "clearance_needed": needed})
    raise Conflict(f"{nobody} could give the {STEP_NAMES[role]}'s approval this loan needs; "
                   f"an admin gives someone that role{' and clearance' if cleared else ''} "
                   "first", code="no_approver",
                   extra={"step": role, "steps": steps, "clearance_needed": needed})


async def _documents(tx: Tx, document_ids: list[str], principal: Principal,
                     borrower: User) -> tuple[list[DocumentRecord], str | None]:
    """The catalogue records, or the first id the caller or the borrower may not see."""
    readers = {principal.username: principal, borrower.username: borrower.principal()}
    records = []
    for document_id in document_ids:
        record = await tx.documents.get(document_id)
        if not all(can(reader, "read", record).allowed for reader in readers.values()):
            return [], document_id
        assert record is not None
        if not in_file(record):  # only a document still held in its file is lent
            _refuse_departed(record)
        records.append(record)
    return records, None


def _refuse_departed(record: DocumentRecord) -> NoReturn:
    """A document that left its file: destroyed (404), or transferred out (409)."""
    if record.status == "destroyed":
        raise NotFound(f"document {record.archive_no} was destroyed; only its record "
                       "remains", code="document_destroyed")
    raise Conflict(f"document {record.archive_no} was transferred out of the archive (移出); "
                   "it is no longer lent", code="already_transferred")


def _check_lendable(kind: LoanKind, records: list[DocumentRecord]) -> None:
    for record in records:
        if kind == "paper" and record.category in NOT_LENDABLE_ON_PAPER:
            # B7: document archives (文书档案) are read in place, never lent.
            raise Conflict(f"{record.archive_no} is a company document (policy): it is "
                           "read in the archive room, never lent on paper; ask for a "
                           "digital loan or read it in place", code="not_lendable",
                           extra={"document_id": record.document_id})


async def _check_not_out(tx: Tx, kind: LoanKind, document_ids: list[str]) -> None:
    if kind != "paper":
        return
    out = await tx.loans.on_paper_loan(document_ids)
    if out:
        raise Conflict(f"{len(out)} of these files are out on a paper loan; ask again "
                       "once they are returned", code="already_on_loan",
                       extra={"documents": sorted(out)})


def _new_loan(request: LoanRequest, principal: Principal, borrower: User,
              records: list[DocumentRecord], now: datetime) -> LoanRow:
    external = request.external
    return LoanRow(
        loan_id=str(uuid.uuid4()), kind=request.kind, status="requested",
        purpose=request.purpose, reason=request.reason, borrower=borrower.username,
        borrower_department=borrower.department or "", requested_by=principal.username,
        requested_at=now,
        external=None if external is None else msgspec.structs.asdict(external),
        approvals_needed=approvals_needed(records), rejected_by=None, rejected_at=None,
        rejection_reason=None, withdrawn=False, issued_by=None, issued_at=None, due_at=None,
        escalation_due_at=None, acknowledged_at=None, renewals=0, renewed_at=None,
        returned_by=None, returned_at=None, return_intact=None, return_note=None,
    )


def _by_archive_number(loan: Loan) -> tuple[list[str], int]:
    """The loan's documents by archive number as its viewer may see them, and how many
    are above the viewer's clearance (``Loan`` redacts those for that viewer)."""
    named = [document.archive_no for document in loan.documents if not document.redacted]
    return named, len(loan.documents) - len(named)


async def _notice_corrections(tx: Tx, principal: Principal, correction_ids: set[str]
                              ) -> dict[str, NoticeCorrection]:
    """The corrections ``correction_ids`` by their documents, those ``principal`` may
    still see (a document raised above their clearance since is left out)."""
    told = {}
    for correction_id in sorted(correction_ids):
        correction = await tx.corrections.get(correction_id)
        record = await tx.documents.get(correction.document_id) \
            if correction and correction.document_id else None
        if correction is not None and record is not None \
                and can(principal, "list", record, NO_GRANTS).allowed:
            told[correction_id] = NoticeCorrection(
                document_id=record.document_id, archive_no=record.archive_no,
                title=record.title, decided_by=correction.decided_by, note=correction.note)
    return told


def _notice_loan(loan: Loan) -> NoticeLoan:
    named, hidden = _by_archive_number(loan)
    return NoticeLoan(borrower=loan.borrower, borrower_department=loan.borrower_department,
                      due_at=loan.due_at, archive_nos=named, hidden=hidden)
