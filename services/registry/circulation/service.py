"""The archive desk (B3–B6): issue (出借), acknowledgement, renewal (续借), approved copies,
return (注销); and escalation of loans held too long (问责, B4).

Issue and return are the archivist's, never on their own loan; issuing it is theirs only
when cleared for every document of it (``common.clearance``). Issuing a paper loan
takes its files (``active_paper_loans``), so the same file cannot go out twice even when
two archivists hand it over at the same moment (B7, 409 ``already_on_loan``). ``due_at``
is the end of the company's day ``loan_days`` after issue; a renewal moves it on and
restarts the escalation clock, which is counted to a day's end too (B4). A return that is
not intact opens an incident that stays on the register (B5).
Each move is one transaction with its audit entries and feed event (``lending.steps``).

A loan that falls due and is not returned reminds its borrower (超期提醒, B4); one out
longer than the escalation period without renewal is escalated to the borrower's
department head and the archive, and the borrower told. Each, in its own transaction, is
a record in ``loan_escalations``, the notifications, the audit entries and a feed event.
The record's key (loan, kind) makes it idempotent: run it twice, after a restart, or in
two processes at once, and each loan is reminded and escalated once. The registry runs
``check_due`` (both) at start and every ``ESCALATION_INTERVAL_S``.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime

from services.common.auth import Principal
from services.common.clearance import clearance_refusal
from services.common.clock import Clock
from services.common.contracts.lending import CopyRecord, Incident, Loan
from services.common.errors import Conflict, Forbidden, ValidationFailed
from services.common.names import written
from services.registry.circulation.rules import (
    CLEARED_MOVES,
    RENEWERS,
    copy_approver_refusal,
    desk_refusal,
    escalation_recipients,
)
from services.registry.journal.models import REGISTRY_ACTOR
from services.registry.journal.service import JournalService
from services.registry.lending.models import CopyRequest, LoanRow, Move, ReturnCheck
from services.registry.lending.repository import PAST_DUE_KIND
from services.registry.lending.rules import (
    LoanPeriods,
    check_move,
    renewed_just_now,
    unseen_or,
)
from services.registry.lending.steps import current_view, loan_for_move, person, record_step
from services.registry.store import RegistryStore, Tx

ESCALATION_INTERVAL_S = 300.0

DeskMove = Callable[[Tx, LoanRow, datetime], Awaitable[None]]
"""What a desk move does to the loan (locked, its move allowed) at ``now``."""


class CirculationService:
    def __init__(self, store: RegistryStore, clock: Clock, *, journal: JournalService,
                 periods: LoanPeriods) -> None:
        self.store = store
        self.clock = clock
        self.journal = journal
        self.periods = periods

    async def issue(self, principal: Principal, loan_id: str) -> Loan:
        """Hand the approved loan over: ``out``, ``issued_at``, ``due_at`` (B3, B4)."""
        async def hand_over(tx: Tx, loan: LoanRow, now: datetime) -> None:
            borrower = await person(tx, loan.borrower)
            if borrower is None or not borrower.active:
                raise Conflict(f"{loan.borrower} has left; the loan cannot be issued",
                               code="borrower_inactive")
            document_ids = await tx.loans.document_ids(loan_id)
            await _check_not_destroyed(tx, document_ids)
            due = self.periods.due(now, self.clock.zone)
            await tx.loans.move(loan_id, "approved", status="out",
                                issued_by=principal.username, issued_at=now, due_at=due,
                                escalation_due_at=self.periods.escalation_due(
                                    now, due, self.clock.zone))
            if loan.kind == "paper":
                await tx.loans.take_paper_files(loan_id, document_ids)
            await record_step(tx, loan, "issued", username=principal.username,
                              status="out", at=now, detail={"due_at": due.isoformat()})

        return await self._at_desk(principal, loan_id, "issue", "loan_issued", hand_over)

    async def acknowledge(self, principal: Principal, loan_id: str) -> Loan:
        """The borrower confirms receipt (B3), once."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            loan = await loan_for_move(tx, loan_id)
            if principal.username == loan.borrower:
                check_move("acknowledge", loan.status)
                if loan.acknowledged_at is not None:
                    raise Conflict("the loan was acknowledged already",
                                   code="invalid_transition")
                await tx.loans.move(loan_id, "out", acknowledged_at=now)
                await record_step(tx, loan, "acknowledged", username=principal.username,
                                  status="out", at=now)
                return await current_view(tx, loan_id, now=now,
                                          clearance=principal.clearance)
        await self.journal.refuse(principal, "loan_acknowledged", unseen_or(
            principal, loan, Forbidden("only the borrower acknowledges receipt",
                                       code="not_borrower")))

    async def renew(self, principal: Principal, loan_id: str, *, seen: int | None = None
                    ) -> Loan:
        """续借 (B4): ``due_at`` moves on by the renewal period; the borrower asks, or an
        archivist registers it; at most ``max_renewals`` times, never once expired.
        ``seen``, the renewals the caller saw, makes a repeated request (a double click,
        a retry) ``already_renewed`` instead of a second renewal; without it, a renewal
        asked just after the last one (``renewed_just_now``) is taken for that one sent
        again. The loan's row is locked first, so requests sent at once see each other."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            loan = await loan_for_move(tx, loan_id)
            if principal.username == loan.borrower or principal.has_role(*RENEWERS):
                check_move("renew", loan.status)
                assert loan.due_at is not None  # every loan that is out has one
                if (seen != loan.renewals if seen is not None
                        else renewed_just_now(loan.renewed_at, now)):
                    raise Conflict(f"the loan was renewed since it was shown ({loan.renewals} "
                                   f"renewals, due {loan.due_at.isoformat()}); it is not "
                                   "renewed again (to renew it once more, send the "
                                   "renewals it has now)", code="already_renewed",
                                   extra={"renewals": loan.renewals,
                                          "due_at": loan.due_at.isoformat()})
                self.periods.check_renewal(renewals=loan.renewals, due_at=loan.due_at,
                                           now=now, zone=self.clock.zone)
                due = self.periods.renewed(loan.due_at, self.clock.zone)
                await tx.loans.move(loan_id, "out", due_at=due, renewals=loan.renewals + 1,
                                    renewed_at=now, escalation_due_at=self.periods
                                    .escalation_due(now, due, self.clock.zone))
                await record_step(tx, loan, "renewed", username=principal.username,
                                  status="out", at=now,
                                  detail={"due_at": due.isoformat(),
                                          "renewals": loan.renewals + 1})
                return await current_view(tx, loan_id, now=now,
                                          clearance=principal.clearance)
        await self.journal.refuse(principal, "loan_renewed", unseen_or(
            principal, loan, Forbidden("the borrower or an archivist renews a loan",
                                       code="not_borrower")))

    async def record_copy(self, principal: Principal, loan_id: str, copy: CopyRequest
                          ) -> Loan:
        """B6: an approved copy of a document on a paper loan, checked by the archivist."""
        async def check_copy(tx: Tx, loan: LoanRow, now: datetime) -> None:
            await _check_copy(tx, loan, copy)
            record = CopyRecord(copy_id=str(uuid.uuid4()), document_id=copy.document_id,
                                description=copy.description, approved_by=copy.approved_by,
                                checked_by=principal.username, checked_at=now)
            await tx.loans.add_copy(loan_id, record)
            await record_step(tx, loan, "copy_recorded", username=principal.username,
                              status="out", at=now,
                              detail={"copy_id": record.copy_id,
                                      "copied_document": copy.document_id,
                                      "approved_by": copy.approved_by})

        return await self._at_desk(principal, loan_id, "record_copy", "loan_copy_recorded",
                                   check_copy)

    async def return_loan(self, principal: Principal, loan_id: str, check: ReturnCheck
                          ) -> Loan:
        """注销 (B5): the archivist checks the file and closes the loan; not ``intact``
        opens an incident (a loss or damage report), which says what is wrong: 422
        ``damage_note_required`` without a note."""
        if not check.intact and not written(check.note or ""):
            raise ValidationFailed("say what is damaged or missing (the note): the incident "
                                   "is resolved from it", code="damage_note_required")

        async def check_in(tx: Tx, loan: LoanRow, now: datetime) -> None:
            await tx.loans.move(loan_id, "out", status="returned",
                                returned_by=principal.username, returned_at=now,
                                return_intact=check.intact, return_note=check.note)
            await tx.loans.release_paper_files(loan_id)
            incident_id = None
            if not check.intact:
                incident_id = str(uuid.uuid4())
                await tx.loans.add_incident(Incident(
                    incident_id=incident_id, loan_id=loan_id, note=check.note,
                    reported_by=principal.username, reported_at=now))
            await record_step(tx, loan, "returned", username=principal.username,
                              status="returned", at=now,
                              detail={"intact": check.intact, "note": check.note,
                                      "incident_id": incident_id})

        return await self._at_desk(principal, loan_id, "return", "loan_returned", check_in)

    async def _at_desk(self, principal: Principal, loan_id: str, move: Move, action: str,
                       apply: DeskMove) -> Loan:
        """One of the archivist's moves (``desk_refusal``): in one transaction, the move
        ``apply`` makes and the loan as it then stands; a refusal is audited as
        ``action``."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            loan = await loan_for_move(tx, loan_id)
            refusal = desk_refusal(principal, loan, move)
            if refusal is None and move in CLEARED_MOVES:
                refusal = clearance_refusal(principal.clearance,
                                            (await tx.loans.levels([loan_id]))[loan_id],
                                            decision="this loan", decided_by="issues it")
            if refusal is None:
                check_move(move, loan.status)
                await apply(tx, loan, now)
                return await current_view(tx, loan_id, now=now,
                                          clearance=principal.clearance)
        await self.journal.refuse(principal, action, refusal)

    # --- reminder and escalation (B4) ----------------------------------------------------

    async def check_due(self) -> None:
        """Remind the borrowers of the loans fallen due, then escalate those held too long."""
        await self.remind_past_due()
        await self.escalate_due()

    async def remind_past_due(self) -> list[str]:
        """Tell the borrower of every loan past its due date by now and not returned, once;
        the ids reminded by this run. (A loan past its due date is never renewed: B4.)"""
        return await self._each_fallen_due(
            lambda tx, now: tx.loans.past_due_unreminded(now),
            deadline=lambda loan: loan.due_at, act=self._remind)

    async def _remind(self, tx: Tx, loan: LoanRow, now: datetime) -> bool:
        if not await tx.loans.escalate(loan.loan_id, at=now, kind=PAST_DUE_KIND):
            return False
        await tx.loans.notify([loan.borrower], kind="loan_past_due", loan_id=loan.loan_id,
                              message=f"借阅已超期: loan {loan.loan_id} was due "
                                      f"{loan.due_at:%Y-%m-%d}; return the file (B4)",
                              at=now)
        await record_step(tx, loan, "past_due", username=REGISTRY_ACTOR,
                          status="out", at=now, detail={"notified": [loan.borrower]})
        return True

    async def escalate_due(self) -> list[str]:
        """Escalate every loan held too long by now; the ids escalated by this run."""
        return await self._each_fallen_due(
            lambda tx, now: tx.loans.due_for_escalation(now),
            deadline=lambda loan: loan.escalation_due_at, act=self._escalate)

    async def _escalate(self, tx: Tx, loan: LoanRow, now: datetime) -> bool:
        if not await tx.loans.escalate(loan.loan_id, at=now):
            return False
        told = escalation_recipients(loan, await tx.accounts.active_people())
        await tx.loans.notify(told, kind="loan_escalated", loan_id=loan.loan_id,
                              message=self._escalation_message(loan), at=now)
        # The borrower is who can end it: told that it is overdue and reported.
        await tx.loans.notify([loan.borrower], kind="loan_overdue", loan_id=loan.loan_id,
                              message=self._escalation_message(loan), at=now)
        await record_step(tx, loan, "escalated", username=REGISTRY_ACTOR,
                          status="out", at=now, detail={"notified": told})
        return True

    async def _each_fallen_due(
        self, listed: Callable[[Tx, datetime], Awaitable[list[LoanRow]]], *,
        deadline: Callable[[LoanRow], datetime | None],
        act: Callable[[Tx, LoanRow, datetime], Awaitable[bool]],
    ) -> list[str]:
        """``act`` on each loan ``listed`` by now, each in a transaction of its own with the
        loan locked, if it is still out past its ``deadline`` (returned or renewed since it
        was listed: nothing to do any more); the ids ``act`` did something for (False: done
        already, by another run)."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            due = await listed(tx, now)
        acted = []
        for listed_loan in due:
            async with self.store.transaction() as tx:
                loan = await tx.loans.get(listed_loan.loan_id, lock=True)
                if loan is None or loan.status != "out":
                    continue
                fell_due = deadline(loan)
                if fell_due is not None and fell_due < now and await act(tx, loan, now):
                    acted.append(loan.loan_id)
        return acted

    def _escalation_message(self, loan: LoanRow) -> str:
        due = f"{self.clock.day_of(loan.due_at)}" if loan.due_at else "?"
        return (f"借阅逾期问责: loan {loan.loan_id} of {loan.borrower} "
                f"({loan.borrower_department}) has been out more than "
                f"{self.periods.escalation_days} days without renewal (due {due}); "
                "have the file returned (B4)")


async def _check_not_destroyed(tx: Tx, document_ids: list[str]) -> None:
    """A document destroyed since the loan was asked for is not handed over (R6)."""
    for document_id in document_ids:
        record = await tx.documents.get(document_id)
        if record is not None and record.status == "destroyed":
            raise Conflict(f"{record.archive_no} was destroyed after the loan was approved; "
                           "this loan cannot be issued: ask again without it",
                           code="document_destroyed")
        if record is not None and record.status == "transferred":  # the paper went away
            raise Conflict(f"{record.archive_no} was transferred out after the loan was "
                           "approved; this loan cannot be issued: ask again without it",
                           code="already_transferred")


async def _check_copy(tx: Tx, loan: LoanRow, copy: CopyRequest) -> None:
    if loan.kind != "paper":
        raise Conflict("a digital loan is view-only: nothing is copied from it (B2)",
                       code="view_only")
    if copy.document_id not in await tx.loans.document_ids(loan.loan_id):
        raise ValidationFailed("that document is not on this loan", code="not_on_this_loan")
    refusal = copy_approver_refusal(await person(tx, copy.approved_by), loan)
    if refusal is not None:
        raise refusal
