"""Access follows the loans (B1, B2, B8): what ``can()`` decides through the registry's
decision route once loans supply the grants, on both engines."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from services.common.auth import Principal
from services.common.contracts.lending import Loan
from services.registry.lending.models import ReturnCheck
from tests.unit.registry.lending.conftest import Lending, end_of_day, person


async def _code(lending: Lending, username: str, document_id: str, action: str) -> str:
    answer = await lending.services.catalogue.decide(person(username), document_id,
                                                     action)  # type: ignore[arg-type]
    if answer.allowed:
        return "view" if answer.view_only else "allowed"
    return answer.code


async def test_an_ordinary_document_is_read_without_a_loan_and_the_read_registered(
        lending: Lending) -> None:
    document = await lending.file()
    assert await _code(lending, "ma", document.document_id, "read_text") == "allowed"
    rows = await lending.sql("SELECT username, action FROM audit_log WHERE document_id = :d "
                             "AND action = 'read_text'", d=document.document_id)
    assert [tuple(row) for row in rows] == [("ma", "read_text")]


async def test_a_confidential_document_needs_a_loan_even_within_clearance(lending: Lending
                                                                          ) -> None:
    document = await lending.file(security="confidential")
    assert await _code(lending, "li", document.document_id, "read_text") == "needs_grant"


async def test_an_issued_digital_loan_grants_view_only_access(lending: Lending) -> None:
    document = await lending.file(security="confidential")
    await lending.out("li", [document], kind="digital")
    codes = [await _code(lending, "li", document.document_id, action)
             for action in ("read_text", "download")]
    assert codes == ["view", "view_only"]


async def test_personal_information_is_read_through_a_digital_loan(lending: Lending) -> None:
    document = await lending.file(personal_info=True)
    before = await _code(lending, "ma", document.document_id, "read_text")
    await lending.out("ma", [document], kind="digital")
    assert (before, await _code(lending, "ma", document.document_id, "read_text")) == (
        "needs_grant", "view")


@pytest.mark.parametrize(("lend", "kind", "reader"), [
    pytest.param(Lending.approved, "digital", "li", id="an_approved_loan_not_yet_issued"),
    pytest.param(Lending.out, "paper", "li", id="a_paper_loan_in_the_system"),
    pytest.param(Lending.out, "digital", "zhou", id="a_loan_to_anyone_but_its_borrower"),
])
async def test_grants_nothing(lending: Lending, lend: Callable[..., Awaitable[Loan]],
                              kind: str, reader: str) -> None:
    document = await lending.file(security="confidential")
    await lend(lending, "li", [document], kind=kind)
    assert await _code(lending, reader, document.document_id, "read_text") == "needs_grant"


async def test_access_ends_when_the_loan_is_returned(lending: Lending) -> None:
    document = await lending.file(security="confidential")
    loan = await lending.out("li", [document], kind="digital")
    await lending.services.circulation.return_loan(person("wang"), loan.loan_id,
                                                ReturnCheck(intact=True))
    assert await _code(lending, "li", document.document_id, "read_text") == "needs_grant"


async def test_access_ends_at_the_due_time_and_a_renewal_extends_it(lending: Lending) -> None:
    document = await lending.file(security="confidential")
    loan = await lending.out("li", [document], kind="digital")
    lending.clock.set(end_of_day(7))
    at_due = await _code(lending, "li", document.document_id, "read_text")
    await lending.services.circulation.renew(person("li"), loan.loan_id)
    assert (at_due, await _code(lending, "li", document.document_id, "read_text")) == (
        "needs_grant", "view")


async def test_a_document_above_the_borrowers_clearance_stays_invisible_whatever_the_loan(
        lending: Lending) -> None:
    document = await lending.file(security="secret")
    loan = await lending.out("chen", [document], kind="digital")
    # The borrower's clearance was lowered after the loan went out: the grant does not
    # lift the ceiling.
    lowered = Principal(username="chen", roles=("center_head",), clearance="confidential",
                        department="customer_service")
    answer = await lending.services.catalogue.decide(lowered, document.document_id,
                                                     "read_text")
    assert (loan.status, answer.code) == ("out", "not_visible")


async def test_the_search_filter_lists_the_documents_on_digital_loans(lending: Lending
                                                                      ) -> None:
    document = await lending.file(security="confidential")
    await lending.out("li", [document], kind="digital")
    found = await lending.services.catalogue.access_filter(person("li"))
    assert found.granted == [document.document_id]
