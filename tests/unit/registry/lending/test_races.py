"""Two archivists at the desk at the same moment, on both engines (real concurrent
transactions: separate connections from the engine's pool)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from services.common.contracts.lending import Loan, LoanRequest
from services.common.errors import ArchiveError, Conflict
from services.registry.lending.rules import RENEWAL_SENT_AGAIN_WITHIN
from tests.unit.registry.lending.conftest import Lending, person


async def _outcomes(*attempts: Any) -> list[str]:
    """Each attempt's outcome: ``ok`` or the refusal's (403, 409) code."""
    results = await asyncio.gather(*attempts, return_exceptions=True)
    outcomes = []
    for result in results:
        if isinstance(result, ArchiveError) and result.status in (403, 409):
            outcomes.append(result.code)
        elif isinstance(result, BaseException):
            raise result
        else:
            assert isinstance(result, Loan)
            outcomes.append("ok")
    return sorted(outcomes)


async def test_issuing_one_loan_twice_at_once_has_one_winner(lending: Lending) -> None:
    loan = await lending.approved("li", [await lending.file()])
    circulation = lending.services.circulation
    outcomes = await _outcomes(circulation.issue(person("wang"), loan.loan_id),
                               circulation.issue(person("sun"), loan.loan_id))
    assert outcomes == ["invalid_transition", "ok"]


async def test_the_same_paper_file_issued_on_two_loans_at_once_goes_out_once(
        lending: Lending) -> None:
    shared, other = await lending.file(), await lending.file()
    first = await lending.approved("li", [other, shared])
    second = await lending.approved("ma", [shared])
    circulation = lending.services.circulation
    outcomes = await _outcomes(circulation.issue(person("wang"), first.loan_id),
                               circulation.issue(person("sun"), second.loan_id))
    assert outcomes == ["already_on_loan", "ok"]
    assert len(await lending.sql("SELECT document_id FROM active_paper_loans "
                                 "WHERE document_id = :d", d=shared.document_id)) == 1


async def test_the_losing_issue_leaves_its_loan_approved_and_its_files_in(lending: Lending
                                                                          ) -> None:
    shared, other = await lending.file(), await lending.file()
    first = await lending.approved("li", [other, shared])
    second = await lending.approved("ma", [shared])
    circulation = lending.services.circulation
    await asyncio.gather(circulation.issue(person("wang"), first.loan_id),
                         circulation.issue(person("sun"), second.loan_id),
                         return_exceptions=True)
    loans = [await lending.services.lending.loan(person("wang"), loan.loan_id)
             for loan in (first, second)]
    (winner,) = [loan for loan in loans if loan.status == "out"]
    (loser,) = [loan for loan in loans if loan.status != "out"]
    files_out = await lending.sql("SELECT loan_id FROM active_paper_loans")
    assert (loser.status, loser.issued_at) == ("approved", None)
    assert files_out == [(winner.loan_id,)] * len(winner.documents)


async def test_two_archivists_approving_the_last_step_at_once_sign_it_once(
        lending: Lending) -> None:
    loan = await lending.approve_all(await lending.request("li", [await lending.file()]),
                                     "zhou")
    approve = lending.services.lending.approve
    outcomes = await _outcomes(approve(person("wang"), loan.loan_id, note=None),
                               approve(person("sun"), loan.loan_id, note=None))
    after = await lending.services.lending.loan(person("li"), loan.loan_id)
    assert outcomes == ["invalid_transition", "ok"]
    assert (after.status, [a.role for a in after.approvals]) == (
        "approved", ["manager", "archivist"])


async def test_the_same_renewal_sent_twice_at_once_renews_once(lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    renew = lending.services.circulation.renew
    outcomes = await _outcomes(renew(person("li"), loan.loan_id, seen=0),
                               renew(person("li"), loan.loan_id, seen=0))
    after = await lending.services.lending.loan(person("li"), loan.loan_id)
    assert outcomes == ["already_renewed", "ok"]
    assert after.renewals == 1


async def test_a_renewal_without_its_count_sent_many_times_at_once_renews_once(
        lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    renew = lending.services.circulation.renew
    outcomes = await _outcomes(*(renew(person(who), loan.loan_id)
                                 for who in ("li", "li", "wang", "li")))
    after = await lending.services.lending.loan(person("li"), loan.loan_id)
    assert outcomes == ["already_renewed"] * 3 + ["ok"]
    assert (after.renewals, after.due_at) == (1, loan.due_at + timedelta(days=7))


async def test_a_renewal_without_its_count_renews_again_minutes_later(lending: Lending
                                                                      ) -> None:
    loan = await lending.out("li", [await lending.file()])
    renew = lending.services.circulation.renew
    await renew(person("li"), loan.loan_id)
    lending.clock.advance(RENEWAL_SENT_AGAIN_WITHIN)
    again = await renew(person("li"), loan.loan_id)
    assert again.renewals == 2


async def test_a_second_renewal_at_once_that_gives_the_count_it_saw_renews(lending: Lending
                                                                           ) -> None:
    loan = await lending.out("li", [await lending.file()])
    renew = lending.services.circulation.renew
    await renew(person("li"), loan.loan_id)
    again = await renew(person("li"), loan.loan_id, seen=1)
    assert again.renewals == 2


async def test_a_renewal_that_saw_an_older_count_is_refused_not_counted(lending: Lending
                                                                         ) -> None:
    loan = await lending.out("li", [await lending.file()])
    await lending.services.circulation.renew(person("li"), loan.loan_id, seen=0)
    with pytest.raises(Conflict) as refused:
        await lending.services.circulation.renew(person("wang"), loan.loan_id, seen=0)
    after = await lending.services.lending.loan(person("li"), loan.loan_id)
    assert (refused.value.code, refused.value.extra["renewals"]) == ("already_renewed", 1)
    assert after.renewals == 1


async def test_the_same_request_sent_twice_at_once_makes_one_loan(lending: Lending) -> None:
    document = await lending.file()
    results = await asyncio.gather(lending.request("li", [document]),
                                   lending.request("li", [document]), return_exceptions=True)
    (made,) = [result for result in results if isinstance(result, Loan)]
    (refused,) = [result for result in results if isinstance(result, Conflict)]
    assert (refused.code, refused.extra["loan_id"]) == ("already_requested", made.loan_id)
    assert await lending.sql("SELECT loan_id FROM loans") == [(made.loan_id,)]


async def test_a_different_request_for_the_same_documents_is_its_own_loan(lending: Lending
                                                                          ) -> None:
    document = await lending.file()
    first = await lending.request("li", [document])
    digital = await lending.request("li", [document], kind="digital")
    other_reason = await lending.services.lending.request(person("li"), LoanRequest(
        documents=[document.document_id], kind="paper", purpose="核对装修押金",
        reason="业主再次来电"))
    assert len({first.loan_id, digital.loan_id, other_reason.loan_id}) == 3


async def test_the_same_approval_sent_twice_says_it_was_given_already(lending: Lending
                                                                      ) -> None:
    loan = await lending.request("li", [await lending.file()])
    approve = lending.services.lending.approve
    outcomes = await _outcomes(approve(person("zhou"), loan.loan_id, note=None),
                               approve(person("zhou"), loan.loan_id, note=None))
    again = await _outcomes(approve(person("zhou"), loan.loan_id, note=None))
    after = await lending.services.lending.loan(person("li"), loan.loan_id)
    assert (outcomes, again) == (["already_approved", "ok"], ["already_approved"])
    assert [a.approver for a in after.approvals] == ["zhou"]
