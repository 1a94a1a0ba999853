"""The inbox filter (``awaiting=me``) on both engines: each approver is listed exactly the
requests whose next step the registry would let them give (B3), oldest first, and
nothing once a request is decided."""

from __future__ import annotations

from datetime import timedelta

from services.registry.lending.models import LoanQuery
from tests.unit.registry.lending.conftest import Lending, person


async def _inbox(lending: Lending, username: str, **query: object) -> list[str]:
    """The inbox as listed, checked against the inbox as counted."""
    service = lending.services.lending
    found = await service.loans(person(username),
                                LoanQuery(awaiting="me", **query))  # type: ignore[arg-type]
    if not query:
        count = await service.awaiting_count(person(username))
        assert count.awaiting == len(found), username
    return [loan.loan_id for loan in found]


async def test_each_approver_is_listed_the_requests_at_their_step_oldest_first(
        lending: Lending) -> None:
    older = await lending.request("li", [await lending.file()])
    lending.clock.advance(timedelta(minutes=5))
    fresh = await lending.request("ma", [await lending.file()])
    lending.clock.advance(timedelta(minutes=5))
    confidential = await lending.request("li", [await lending.file(security="confidential")])
    at_director = await lending.approve_all(confidential, "zhou")
    lending.clock.advance(timedelta(minutes=5))
    at_archive = await lending.approve_all(await lending.request(
        "li", [await lending.file()]), "zhou")
    assert await _inbox(lending, "zhou") == [older.loan_id, fresh.loan_id]
    assert await _inbox(lending, "zhao") == [at_director.loan_id]
    assert await _inbox(lending, "wang") == [at_archive.loan_id]
    # hu heads customer_service and is an archivist: both kinds of step are his.
    assert await _inbox(lending, "hu") == [older.loan_id, fresh.loan_id,
                                           at_archive.loan_id]
    assert await _inbox(lending, "li") == []
    assert await _inbox(lending, "zhou", limit=1, offset=1) == [fresh.loan_id]


async def test_another_department_the_borrower_and_an_earlier_approver_see_nothing(
        lending: Lending) -> None:
    mine = await lending.request("zhou", [await lending.file()])
    assert await _inbox(lending, "qian") == []  # heads engineering
    assert await _inbox(lending, "zhou") == []  # nobody approves their own loan
    assert await _inbox(lending, "hu") == [mine.loan_id]
    # hu gives the department head's step; the archive's step then needs another person.
    await lending.approve_all(mine, "hu")
    assert await _inbox(lending, "hu") == []
    assert await _inbox(lending, "wang") == [mine.loan_id]


async def test_a_decided_request_waits_for_nobody(lending: Lending) -> None:
    approved = await lending.approved("li", [await lending.file()])
    rejected = await lending.request("ma", [await lending.file()])
    await lending.services.lending.reject(person("zhou"), rejected.loan_id, reason="不需要")
    assert approved.status == "approved"
    for username in ("zhou", "wang", "hu", "zhao"):
        assert await _inbox(lending, username) == []
