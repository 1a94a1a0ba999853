"""Two archivists at the desk at the same moment, on both engines (real concurrent
transactions: separate connections from the engine's pool)."""

from __future__ import annotations

import asyncio
from typing import Any

from services.common.contracts.lending import Loan
from services.common.errors import Conflict
from tests.unit.registry.lending.conftest import Lending, person


async def _outcomes(*attempts: Any) -> list[str]:
    """Each attempt's outcome: ``ok`` or the conflict's code."""
    results = await asyncio.gather(*attempts, return_exceptions=True)
    outcomes = []
    for result in results:
        if isinstance(result, Conflict):
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
