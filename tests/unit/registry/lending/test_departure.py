"""Departure clearance (B9) on both engines: no account closes while a loan is out."""

from __future__ import annotations

import pytest

from services.common.errors import Conflict
from services.registry.accounts.service import AccountsService
from services.registry.lending.models import LoanQuery, ReturnCheck
from tests.unit.registry.lending.conftest import Lending, person


def _accounts(lending: Lending) -> AccountsService:
    return lending.services.accounts


async def test_departure_is_refused_with_the_loans_still_out(lending: Lending) -> None:
    first = await lending.out("li", [await lending.file()])
    second = await lending.out("li", [await lending.file(security="confidential")],
                               kind="digital")
    with pytest.raises(Conflict) as refused:
        await _accounts(lending).deactivate("li")
    assert (refused.value.code, refused.value.extra["loans"]) == (
        "open_loans", [first.loan_id, second.loan_id])
    listed = refused.value.extra["open_loans"]
    assert [(loan["loan_id"], loan["status"], loan["kind"], loan["due_at"] is not None,
             loan["archive_nos"], loan["hidden"]) for loan in listed] == [
        (first.loan_id, "out", "paper", True, [first.documents[0].archive_no], 0),
        (second.loan_id, "out", "digital", True, [second.documents[0].archive_no], 0)]
    assert (await _accounts(lending).get_user("li")).active


async def test_a_refusal_names_no_document_above_the_askers_clearance(
        lending: Lending) -> None:
    plain = await lending.out("li", [await lending.file(),
                                     await lending.file(security="confidential")],
                              kind="digital")
    with pytest.raises(Conflict) as refused:
        await _accounts(lending).deactivate("li", clearance="ordinary")
    [listed] = refused.value.extra["open_loans"]
    ordinary = next(d for d in plain.documents if d.security == "ordinary")
    assert (listed["archive_nos"], listed["hidden"]) == ([ordinary.archive_no], 1)


async def test_departure_is_allowed_once_every_loan_is_returned(lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    await lending.services.circulation.return_loan(person("wang"), loan.loan_id,
                                                ReturnCheck(intact=True))
    assert not (await _accounts(lending).deactivate("li")).active


async def test_the_register_shows_a_users_open_loans(lending: Lending) -> None:
    out = await lending.out("li", [await lending.file()])
    await lending.request("li", [await lending.file()])
    await lending.out("ma", [await lending.file()])
    found = await lending.services.lending.loans(person("wang"), LoanQuery(
        borrower="li", status="out"))
    assert [loan.loan_id for loan in found] == [out.loan_id]


async def test_a_loan_is_not_issued_to_someone_who_has_left(lending: Lending) -> None:
    loan = await lending.approved("li", [await lending.file()])
    await _accounts(lending).deactivate("li")
    with pytest.raises(Conflict) as refused:
        await lending.services.circulation.issue(person("wang"), loan.loan_id)
    assert refused.value.code == "borrower_inactive"


async def test_staff_see_only_their_own_loans_in_the_register(lending: Lending) -> None:
    own = await lending.request("ma", [await lending.file()])
    await lending.request("li", [await lending.file()])
    found = await lending.services.lending.loans(person("ma"), LoanQuery())
    assert [loan.loan_id for loan in found] == [own.loan_id]
