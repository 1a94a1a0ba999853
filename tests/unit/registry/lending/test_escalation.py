"""Escalation (B4) on both engines: a loan out more than 15 days without renewal is
escalated once, whatever the number of runs or restarts, and the right people are told."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import msgspec

from services.common.clock import FixedClock
from services.common.contracts.lending import NoticeLoan
from services.common.contracts.registry import LoanChanged
from services.common.tasks import PeriodicTask
from services.registry.lending.models import LoanQuery, ReturnCheck
from tests.support.registry import INGEST, registry_services
from tests.support.waiting import eventually_async
from tests.unit.registry.lending.conftest import START, Lending, end_of_day, person

SIXTEEN_DAYS = timedelta(days=16)


async def test_a_loan_out_sixteen_days_is_escalated_once_per_loan(lending: Lending) -> None:
    loans = [await lending.out("li", [await lending.file()]),
             await lending.out("ma", [await lending.file()], kind="digital")]
    lending.clock.advance(SIXTEEN_DAYS)
    first = await lending.services.circulation.escalate_due()
    second = await lending.services.circulation.escalate_due()
    assert (sorted(first), second) == (sorted(loan.loan_id for loan in loans), [])
    assert await lending.sql("SELECT count(*) FROM loan_escalations") == [(2,)]


async def test_a_restarted_registry_does_not_escalate_again(lending: Lending) -> None:
    await lending.out("li", [await lending.file()])
    lending.clock.advance(SIXTEEN_DAYS)
    await lending.services.circulation.escalate_due()
    lending.clock.advance(timedelta(days=1))
    again = await lending.build().circulation.escalate_due()
    assert again == []
    # Four heads and archivists told of the escalation, the borrower of it and, before,
    # of the approval: each once.
    assert await lending.sql("SELECT count(*) FROM loan_notifications") == [(6,)]


async def test_two_registries_checking_at_once_escalate_once(lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    lending.clock.advance(SIXTEEN_DAYS)
    runs = await asyncio.gather(lending.services.circulation.escalate_due(),
                                lending.build().circulation.escalate_due())
    assert sorted(runs) == [[], [loan.loan_id]]


async def test_the_department_heads_the_archive_and_the_borrower_are_notified(
        lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    lending.clock.advance(SIXTEEN_DAYS)
    await lending.services.circulation.escalate_due()
    told = {}
    for username in ("zhou", "hu", "wang", "sun", "qian", "he", "li", "zhao"):
        found = await lending.services.lending.notifications(
            person(username), unread=None, limit=10, offset=0)
        told[username] = sorted((n.kind, n.loan_id) for n in found)
    escalated = [("loan_escalated", loan.loan_id)]
    # hu is a manager of customer_service and an archivist; qian and he head other
    # departments; the director is not told; the borrower is told to return it (and was
    # told of the approval).
    assert told == {"zhou": escalated, "hu": escalated, "wang": escalated, "sun": escalated,
                    "qian": [], "he": [], "zhao": [],
                    "li": [("loan_approved", loan.loan_id), ("loan_overdue", loan.loan_id)]}


async def test_the_escalation_notice_names_the_borrower_the_documents_and_the_due_date(
        lending: Lending) -> None:
    documents = [await lending.file(), await lending.file()]
    loan = await lending.out("li", documents)
    lending.clock.advance(SIXTEEN_DAYS)
    await lending.services.circulation.escalate_due()
    expected = NoticeLoan(borrower="li", borrower_department="customer_service",
                          due_at=loan.due_at,
                          archive_nos=sorted(document.archive_no for document in documents))
    for username, kind in (("zhou", "loan_escalated"), ("wang", "loan_escalated"),
                           ("li", "loan_overdue")):
        [notice] = [notice for notice in await lending.services.lending.notifications(
            person(username), unread=None, limit=10, offset=0) if notice.kind == kind]
        assert notice.loan is not None
        assert msgspec.structs.replace(notice.loan, archive_nos=sorted(
            notice.loan.archive_nos)) == expected


async def test_a_loan_within_fifteen_days_is_not_escalated(lending: Lending) -> None:
    await lending.out("li", [await lending.file()])
    lending.clock.advance(timedelta(days=15))
    assert await lending.services.circulation.escalate_due() == []


async def test_a_loan_is_escalated_once_its_fifteenth_day_is_over(lending: Lending) -> None:
    # B4, counted as the due date is: lent at 17:00 on 3 June, escalated after 18 June,
    # not at 17:00 that day.
    loan = await lending.out("li", [await lending.file()])
    lending.clock.set(end_of_day(15))
    assert await lending.services.circulation.escalate_due() == []
    lending.clock.advance(timedelta(seconds=1))
    assert await lending.services.circulation.escalate_due() == [loan.loan_id]


async def test_a_renewal_restarts_the_escalation_clock(lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    lending.clock.advance(timedelta(days=6))
    await lending.services.circulation.renew(person("li"), loan.loan_id)
    lending.clock.set(START + SIXTEEN_DAYS)
    assert await lending.services.circulation.escalate_due() == []


async def test_a_loan_renewed_twice_at_once_is_not_escalated_before_it_is_due(
        lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    lending.clock.advance(timedelta(days=1))
    for seen in range(2):
        renewed = await lending.services.circulation.renew(person("li"), loan.loan_id,
                                                           seen=seen)
    assert renewed.due_at == end_of_day(21)
    lending.clock.set(end_of_day(21))
    assert await lending.services.circulation.escalate_due() == []
    lending.clock.set(end_of_day(21) + timedelta(seconds=1))
    assert await lending.services.circulation.escalate_due() == [loan.loan_id]


async def test_the_borrower_is_told_the_decision_of_a_request(lending: Lending) -> None:
    document = await lending.file()
    approved = await lending.approved("li", [document])
    refused = await lending.request("li", [await lending.file()])
    await lending.services.lending.reject(person("zhou"), refused.loan_id, reason="用途不明")
    found = await lending.services.lending.notifications(person("li"), unread=True, limit=10,
                                                         offset=0)
    assert sorted((n.kind, n.loan_id) for n in found) == sorted([
        ("loan_approved", approved.loan_id), ("loan_rejected", refused.loan_id)])
    assert "用途不明" in next(n.message for n in found if n.kind == "loan_rejected")


async def test_a_returned_loan_is_not_escalated(lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    await lending.services.circulation.return_loan(person("wang"), loan.loan_id,
                                                ReturnCheck(intact=True))
    lending.clock.advance(SIXTEEN_DAYS)
    assert await lending.services.circulation.escalate_due() == []


async def test_the_register_lists_escalated_and_overdue_loans(lending: Lending) -> None:
    held = await lending.out("li", [await lending.file()])
    lending.clock.advance(timedelta(days=8))
    late = await lending.out("ma", [await lending.file()])
    lending.clock.advance(timedelta(days=8))
    await lending.services.circulation.escalate_due()
    register = lending.services.lending
    escalated = await register.loans(person("wang"), LoanQuery(escalated=True))
    overdue = await register.loans(person("wang"), LoanQuery(overdue=True))
    assert [loan.loan_id for loan in escalated] == [held.loan_id]
    assert [loan.loan_id for loan in overdue] == [late.loan_id, held.loan_id]
    assert escalated[0].escalated_at == START + timedelta(days=16)


async def test_the_register_not_overdue_lists_every_other_loan(lending: Lending) -> None:
    late = await lending.out("li", [await lending.file()])
    lending.clock.advance(timedelta(days=8))
    requested = await lending.request("li", [await lending.file()])
    returned = await lending.out("ma", [await lending.file()])
    await lending.services.circulation.return_loan(person("wang"), returned.loan_id,
                                                ReturnCheck(intact=True))
    in_time = await lending.out("ma", [await lending.file()])
    register = lending.services.lending
    on_time = await register.loans(person("wang"), LoanQuery(overdue=False))
    overdue = await register.loans(person("wang"), LoanQuery(overdue=True))
    assert {loan.loan_id for loan in on_time} == {requested.loan_id, returned.loan_id,
                                                  in_time.loan_id}
    assert [loan.loan_id for loan in overdue] == [late.loan_id]


async def test_an_escalation_is_on_the_feed_and_in_the_audit_log(lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    lending.clock.advance(SIXTEEN_DAYS)
    await lending.services.circulation.escalate_due()
    page = await lending.services.journal.changes(INGEST, after=0, limit=100)
    last = page.changes[-1].event
    assert isinstance(last, LoanChanged)
    assert (last.loan_id, last.change) == (loan.loan_id, "escalated")
    rows = await lending.sql("SELECT username FROM audit_log WHERE action = 'loan_escalated'")
    assert rows == [("service:registry",)]


async def test_a_starting_registry_escalates_what_fell_due_while_down(lending: Lending
                                                                      ) -> None:
    loan = await lending.out("li", [await lending.file()])
    started = registry_services(lending.engine, FixedClock(START + SIXTEEN_DAYS))
    await started.start()
    await started.stop()
    # Past due, the borrower reminded; held too long, escalated.
    assert await lending.sql("SELECT loan_id, kind FROM loan_escalations ORDER BY kind") == [
        (loan.loan_id, "past_due"), (loan.loan_id, "unrenewed")]


async def test_the_task_escalates_a_loan_falling_due_while_it_runs(lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    task = PeriodicTask("loan-escalation", 0.02, lending.services.circulation.escalate_due)
    task.start()
    try:
        lending.clock.advance(SIXTEEN_DAYS)
        # waits for the background run, not for time to pass
        await eventually_async(lambda: lending.sql("SELECT loan_id FROM loan_escalations"),
                               timeout_s=10, interval_s=0.02, what="no loan was escalated")
    finally:
        await task.stop()
    assert await lending.sql("SELECT loan_id FROM loan_escalations") == [(loan.loan_id,)]
