"""Escalation (问责, B4): a loan out longer than the escalation period without renewal
is escalated to the borrower's department head and the archive.

``Escalations.run_once(now)`` finds such loans and escalates each in its own
transaction: an escalation record, a notification to every active ``manager`` of the
borrower's department and every active ``archivist``, the audit entries and a feed
event. The record's key (loan, kind) makes it idempotent: run it twice, after a
restart, or in two processes at once, and each loan is escalated once.
``EscalationTask`` runs it periodically inside the registry process.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from services.common.clock import Clock
from services.common.tasks import BackgroundTask
from services.registry.lending.repository import LoanRow, LoansRepository, Person
from services.registry.lending.rules import LoanPeriods
from services.registry.lending.steps import record_step
from services.registry.store import RegistryStore

log = logging.getLogger("archive.registry.lending")

ACTOR = "service:registry"
"""Who the audit log names for an escalation: the registry itself."""
DEFAULT_INTERVAL_S = 300.0


class Escalations:
    def __init__(self, store: RegistryStore, periods: LoanPeriods) -> None:
        self.store = store
        self.periods = periods

    async def run_once(self, now: datetime) -> list[str]:
        """Escalate every loan due by ``now``; the ids escalated by this run."""
        async with self.store.transaction() as tx:
            due = await LoansRepository(tx.conn).due_for_escalation(now)
        escalated = []
        for loan in due:
            if await self._escalate(loan.loan_id, now):
                escalated.append(loan.loan_id)
        return escalated

    async def _escalate(self, loan_id: str, now: datetime) -> bool:
        async with self.store.transaction() as tx:
            loans = LoansRepository(tx.conn)
            loan = await loans.get(loan_id, lock=True)
            # Returned or renewed since it was listed: nothing to escalate any more.
            if loan is None or loan.status != "out" or loan.escalation_due_at is None \
                    or loan.escalation_due_at >= now:
                return False
            if not await loans.escalate(loan_id, at=now):
                return False
            told = _recipients(loan, await loans.active_people())
            await loans.notify(told, kind="loan_escalated", loan_id=loan_id,
                               message=self._message(loan), at=now)
            await record_step(tx, loan, "escalated", username=ACTOR, status="out", at=now,
                              detail={"notified": told})
        return True

    def _message(self, loan: LoanRow) -> str:
        due = f"{loan.due_at:%Y-%m-%d}" if loan.due_at else "?"
        return (f"借阅逾期问责: loan {loan.loan_id} of {loan.borrower} "
                f"({loan.borrower_department}) has been out more than "
                f"{self.periods.escalation_days} days without renewal (due {due}); "
                "have the file returned or renewed (B4)")


def _recipients(loan: LoanRow, people: list[Person]) -> list[str]:
    """B4: the borrower's department head(s) and the archive department."""
    return sorted(
        person.username for person in people
        if ("manager" in person.roles and person.department == loan.borrower_department)
        or "archivist" in person.roles)


class EscalationTask:
    """Runs ``Escalations.run_once`` at start and then every ``interval_s`` until stopped.

    Started and stopped by the registry's bootstrap; a failed run is logged and retried
    at the next interval. Tests call ``run_once(now)`` directly.
    """

    def __init__(self, escalations: Escalations, clock: Clock, *,
                 interval_s: float = DEFAULT_INTERVAL_S) -> None:
        self.escalations = escalations
        self.clock = clock
        self.interval_s = interval_s
        self._task = BackgroundTask("loan-escalation", self._loop)

    async def run_once(self, now: datetime | None = None) -> list[str]:
        return await self.escalations.run_once(now or self.clock.now())

    async def start(self) -> None:
        """Check once now (what fell due while the registry was down is escalated before
        it answers), then every ``interval_s`` in the background."""
        await self._check()
        self._task.start()

    async def stop(self) -> None:
        await self._task.stop()

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            await self._check()

    async def _check(self) -> None:
        try:
            escalated = await self.run_once()
        except Exception:
            # The task outlives a failed run (database away, a bug on one loan): the next
            # run retries, and idempotence makes the retry safe.
            log.exception("the loan escalation check failed; retrying in %.0f s",
                          self.interval_s)
            return
        if escalated:
            log.info("escalated %d loan(s): %s", len(escalated), ", ".join(escalated))
