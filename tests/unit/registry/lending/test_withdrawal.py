"""Withdrawal (撤回) on both engines: the borrower, or whoever registered the request,
closes it before it is out; it ends ``rejected``, marked withdrawn, with who did it."""

from __future__ import annotations

import pytest

from services.common.errors import ArchiveError, Conflict
from services.registry.lending.models import LoanQuery
from tests.unit.registry.lending.conftest import Lending, person


async def test_the_borrower_withdraws_a_waiting_request(lending: Lending) -> None:
    loan = await lending.request("li", [await lending.file()])
    withdrawn = await lending.services.lending.withdraw(person("li"), loan.loan_id)
    assert (withdrawn.status, withdrawn.next_approval) == ("rejected", None)
    assert withdrawn.rejection is not None
    assert (withdrawn.rejection.rejected_by, withdrawn.rejection.reason,
            withdrawn.rejection.withdrawn) == ("li", "申请人撤回", True)
    assert await lending.services.lending.loans(person("zhou"),
                                                LoanQuery(awaiting="me")) == []


async def test_the_archivist_who_registered_it_withdraws_an_approved_request(
        lending: Lending) -> None:
    loan = await lending.request("wang", [await lending.file()], borrower="ma")
    approved = await lending.approve_all(loan, "zhou", "sun")
    assert approved.status == "approved"
    withdrawn = await lending.services.lending.withdraw(person("wang"), loan.loan_id)
    assert withdrawn.rejection is not None
    assert (withdrawn.status, withdrawn.rejection.rejected_by) == ("rejected", "wang")


async def test_a_refusal_is_recorded_as_not_withdrawn(lending: Lending) -> None:
    loan = await lending.request("li", [await lending.file()])
    refused = await lending.services.lending.reject(person("zhou"), loan.loan_id,
                                                    reason="不需要")
    assert refused.rejection is not None
    assert not refused.rejection.withdrawn


@pytest.mark.parametrize(("who", "status", "code"), [
    ("zhou", 403, "not_applicant"), ("sun", 403, "not_applicant"),
    ("ma", 404, "unknown_loan")])
async def test_nobody_else_withdraws_a_request(lending: Lending, who: str, status: int,
                                               code: str) -> None:
    loan = await lending.request("li", [await lending.file()])
    with pytest.raises(ArchiveError) as refused:
        await lending.services.lending.withdraw(person(who), loan.loan_id)
    assert (refused.value.status, refused.value.code) == (status, code)


async def test_a_loan_out_is_returned_not_withdrawn(lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    with pytest.raises(Conflict) as refused:
        await lending.services.lending.withdraw(person("li"), loan.loan_id)
    assert refused.value.code == "invalid_transition"
