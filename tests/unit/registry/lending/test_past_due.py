"""A loan that falls due and is not returned (超期, B4) on both engines: its borrower is
reminded once, in their notifications, whatever the number of runs or registries; a
loan returned or still in time is not; the reminder is no escalation."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from services.common.contracts.registry import LoanChanged
from services.registry.lending.models import LoanQuery, ReturnCheck
from tests.support.registry import INGEST
from tests.unit.registry.lending.conftest import Lending, end_of_day, person

SEVEN_DAYS = timedelta(days=7)


async def _told(lending: Lending, username: str) -> list[tuple[str, str]]:
    found = await lending.services.lending.notifications(person(username), unread=None,
                                                         limit=10, offset=0)
    return sorted((notice.kind, notice.loan_id) for notice in found)


async def test_a_loan_past_its_due_date_reminds_its_borrower_once(lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    lending.clock.set(end_of_day(7) + timedelta(seconds=1))
    first = await lending.services.circulation.remind_past_due()
    lending.clock.advance(timedelta(days=1))
    again = await lending.build().circulation.remind_past_due()
    assert (first, again) == ([loan.loan_id], [])
    assert await _told(lending, "li") == [("loan_approved", loan.loan_id),
                                          ("loan_past_due", loan.loan_id)]
    # Only the borrower: the department head and the archive hear at escalation.
    assert [await _told(lending, username) for username in ("zhou", "wang")] == [[], []]


async def test_two_registries_checking_at_once_remind_once(lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    lending.clock.advance(timedelta(days=8))
    runs = await asyncio.gather(lending.services.circulation.remind_past_due(),
                                lending.build().circulation.remind_past_due())
    assert sorted(runs) == [[], [loan.loan_id]]


async def test_a_loan_in_time_or_returned_reminds_no_one(lending: Lending) -> None:
    await lending.out("li", [await lending.file()])
    returned = await lending.out("ma", [await lending.file()])
    await lending.services.circulation.return_loan(person("wang"), returned.loan_id,
                                                   ReturnCheck(intact=True))
    lending.clock.set(end_of_day(7))  # due at this moment: not past it yet
    assert await lending.services.circulation.remind_past_due() == []
    lending.clock.advance(timedelta(days=1))
    assert [kind for kind, _ in await _told(lending, "ma")] == ["loan_approved"]


async def test_a_reminded_loan_is_overdue_but_not_escalated(lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    lending.clock.advance(timedelta(days=8))
    await lending.services.circulation.check_due()
    register = lending.services.lending
    assert [found.loan_id for found in await register.loans(
        person("wang"), LoanQuery(overdue=True))] == [loan.loan_id]
    assert await register.loans(person("wang"), LoanQuery(escalated=True)) == []
    assert (await register.loan(person("wang"), loan.loan_id)).escalated_at is None


async def test_a_reminder_is_on_the_feed_and_in_the_audit_log(lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    lending.clock.advance(timedelta(days=8))
    await lending.services.circulation.check_due()
    last = (await lending.services.journal.changes(INGEST, after=0, limit=100)
            ).changes[-1].event
    assert isinstance(last, LoanChanged)
    assert (last.loan_id, last.change) == (loan.loan_id, "past_due")
    rows = await lending.sql("SELECT username FROM audit_log WHERE action = 'loan_past_due'")
    assert rows == [("service:registry",)]
