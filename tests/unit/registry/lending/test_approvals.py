"""Borrow requests and their approval chains on both engines (B3, B8, B2)."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from services.common.contracts.lending import ExternalReader
from services.common.contracts.registry import LoanChanged
from services.common.errors import ArchiveError, Conflict, Forbidden, NotFound, ValidationFailed
from services.registry.journal.models import AuditQuery
from tests.support.registry import INGEST, named_in
from tests.unit.registry.lending.conftest import Lending, person

CHAINS = [
    # the documents' (security, personal_info), the approvers in order
    ("ordinary", [("ordinary", False)], ["zhou", "wang"]),
    ("personal_info", [("ordinary", True)], ["zhou", "chen", "wang"]),
    ("confidential", [("confidential", False)], ["zhou", "zhao", "wang"]),
    ("mixed", [("ordinary", False), ("ordinary", True), ("confidential", False)],
     ["zhou", "chen", "zhao", "wang"]),
]


@pytest.mark.parametrize(("documents", "approvers"), [c[1:] for c in CHAINS],
                         ids=[c[0] for c in CHAINS])
async def test_a_loan_is_approved_after_each_step_of_its_chain_in_order(
        lending: Lending, documents: list[tuple[str, bool]], approvers: list[str]) -> None:
    filed = [await lending.file(security=security, personal_info=personal,
                                household=f"A-{1201 + n}")
             for n, (security, personal) in enumerate(documents)]
    loan = await lending.request("li", filed, kind="digital")
    statuses = [loan.status]
    for approver in approvers:
        loan = await lending.services.lending.approve(person(approver), loan.loan_id,
                                                      note="同意")
        statuses.append(loan.status)
    assert statuses == ["requested"] * len(approvers) + ["approved"]
    assert [(a.role, a.approver) for a in loan.approvals] == list(
        zip(loan.approvals_needed, approvers, strict=True))
    assert loan.next_approval is None


async def test_a_request_answers_with_the_approvals_it_needs(lending: Lending) -> None:
    loan = await lending.request("li", [await lending.file(personal_info=True)])
    assert (loan.status, loan.approvals_needed, loan.next_approval, loan.borrower,
            loan.borrower_department) == (
        "requested", ["manager", "center_head", "archivist"], "manager", "li",
        "customer_service")


async def test_documents_from_several_households_go_on_one_loan(lending: Lending) -> None:
    filed = [await lending.file(household="A-1201"), await lending.file(household="B-0302")]
    loan = await lending.request("li", filed)
    assert [(d.document_id, d.household) for d in loan.documents] == [
        (filed[0].document_id, "A-1201"), (filed[1].document_id, "B-0302")]


async def test_an_external_reader_is_recorded_with_the_employee_responsible(
        lending: Lending) -> None:
    reader = ExternalReader(name="张伟", organisation="城建律师事务所",
                            id_document="身份证 4401******1234",
                            introduction_letter="介绍信 2024-17")
    loan = await lending.request("li", [await lending.file()], external=reader)
    assert (loan.borrower, loan.external) == ("li", reader)


async def test_an_archivist_registers_a_loan_for_another_borrower(lending: Lending) -> None:
    loan = await lending.request("wang", [await lending.file()], borrower="li")
    assert (loan.borrower, loan.requested_by) == ("li", "wang")


async def test_staff_cannot_ask_a_loan_in_someone_elses_name(lending: Lending) -> None:
    with pytest.raises(Forbidden) as refused:
        await lending.request("ma", [await lending.file()], borrower="li")
    assert refused.value.code == "role_required"


async def test_a_document_above_the_borrowers_clearance_cannot_be_asked_for(
        lending: Lending) -> None:
    secret = await lending.file(security="secret")
    with pytest.raises(NotFound) as refused:
        await lending.request("li", [secret], kind="digital")
    assert refused.value.code == "unknown_document"
    entries = await lending.services.journal.entries(INGEST, AuditQuery(username="li"))
    assert [(e.action, e.outcome, e.document_id) for e in entries] == [
        ("loan_requested", "refused", secret.document_id)]


async def test_a_borrower_without_a_department_is_refused(lending: Lending) -> None:
    await lending.sql("UPDATE users SET department = NULL WHERE username = 'li'")
    with pytest.raises(ValidationFailed) as refused:
        await lending.request("li", [await lending.file()])
    assert refused.value.code == "no_department"


@pytest.mark.parametrize(("borrower", "security", "step"), [
    ("qian", "ordinary", "manager"),  # the only head of engineering
    ("zhao", "ordinary", "manager"),  # management has no head but the director
    ("chen", "ordinary", None),  # customer_service has other heads
    ("li", "confidential", None),
])
async def test_a_request_nobody_could_approve_is_refused_at_once(
        lending: Lending, borrower: str, security: str, step: str | None) -> None:
    document = await lending.file(security=security)
    if step is None:
        assert (await lending.request(borrower, [document])).status == "requested"
        return
    with pytest.raises(Conflict) as refused:
        await lending.request(borrower, [document])
    assert (refused.value.code, refused.value.extra) == (
        "no_approver", {"step": step, "steps": [step], "clearance_needed": security})
    assert await lending.sql("SELECT count(*) FROM loans") == [(0,)]


@pytest.mark.parametrize(("borrower", "said"), [
    ("qian", "nobody but the borrower qian heads the department engineering"),
    ("zhao", "nobody heads the department management"),  # a director, no manager
])
async def test_no_approver_names_the_borrower_only_when_they_hold_the_steps_role(
        lending: Lending, borrower: str, said: str) -> None:
    with pytest.raises(Conflict) as refused:
        await lending.request(borrower, [await lending.file()])
    assert said in refused.value.detail
    assert "an admin gives the department another head (a manager) first" in (
        refused.value.detail)


async def test_a_step_nobody_else_holds_is_refused(lending: Lending) -> None:
    # chen is the only service-centre head: a document with personal information needs
    # that step, which chen cannot give to chen.
    with pytest.raises(Conflict) as refused:
        await lending.request("chen", [await lending.file(personal_info=True)])
    assert (refused.value.code, refused.value.extra) == (
        "no_approver", {"step": "center_head", "steps": ["center_head"],
                        "clearance_needed": "ordinary"})


async def test_a_refusal_names_every_step_nobody_but_the_borrower_could_give(
        lending: Lending) -> None:
    # qian is the only head of engineering; with chen gone, nobody heads the centre.
    await lending.sql("UPDATE users SET active = false WHERE username = 'chen'")
    with pytest.raises(Conflict) as refused:
        await lending.request("qian", [await lending.file(personal_info=True)])
    assert (refused.value.extra["step"], refused.value.extra["steps"]) == (
        "manager", ["manager", "center_head"])


REFUSED_APPROVALS: list[tuple[str, str, str, str]] = [
    # borrower, approver of the first step, expected code
    ("own loan", "zhou", "zhou", "own_loan"),
    ("staff", "li", "ma", "role_required"),
    ("archivist before the manager", "li", "wang", "role_required"),
    ("manager of another department", "li", "qian", "wrong_department"),
    ("director before the manager", "li", "zhao", "role_required"),
]


@pytest.mark.parametrize(("borrower", "approver", "code"), [c[1:] for c in REFUSED_APPROVALS],
                         ids=[c[0] for c in REFUSED_APPROVALS])
async def test_an_approval_out_of_turn_is_refused_and_audited(
        lending: Lending, borrower: str, approver: str, code: str) -> None:
    loan = await lending.request(borrower, [await lending.file()])
    with pytest.raises(Forbidden) as refused:
        await lending.services.lending.approve(person(approver), loan.loan_id, note=None)
    assert refused.value.code == code
    entries = await lending.services.journal.entries(INGEST, AuditQuery(username=approver))
    assert [(e.action, e.outcome, e.code) for e in entries][-1:] == [
        ("loan_approved", "refused", code)]
    again = await lending.services.lending.loan(person(borrower), loan.loan_id)
    assert (again.status, again.approvals) == ("requested", [])


async def test_one_person_cannot_sign_two_steps(lending: Lending) -> None:
    loan = await lending.request("li", [await lending.file()])
    await lending.services.lending.approve(person("hu"), loan.loan_id, note=None)
    with pytest.raises(Forbidden) as refused:
        await lending.services.lending.approve(person("hu"), loan.loan_id, note=None)
    assert refused.value.code == "already_approved"


async def test_an_approver_rejects_with_a_reason_and_the_loan_ends(lending: Lending) -> None:
    loan = await lending.request("li", [await lending.file(security="confidential")])
    loan = await lending.approve_all(loan, "zhou")
    rejected = await lending.services.lending.reject(person("zhao"), loan.loan_id,
                                                     reason="用途不明")
    assert rejected.status == "rejected"
    assert rejected.rejection is not None
    assert (rejected.rejection.rejected_by, rejected.rejection.reason) == ("zhao", "用途不明")


async def test_only_the_awaited_approver_may_reject(lending: Lending) -> None:
    loan = await lending.request("li", [await lending.file()])
    with pytest.raises(Forbidden) as refused:
        await lending.services.lending.reject(person("wang"), loan.loan_id, reason="不行")
    assert refused.value.code == "role_required"


async def test_every_step_appends_a_loan_event_and_audit_entries(lending: Lending) -> None:
    document = await lending.file()
    loan = await lending.out("li", [document])
    page = await lending.services.journal.changes(INGEST, after=0, limit=100)
    events: list[Any] = [c.event for c in page.changes if isinstance(c.event, LoanChanged)]
    assert [(e.change, e.status) for e in events] == [
        ("requested", "requested"), ("approved", "requested"), ("approved", "approved"),
        ("issued", "out")]
    assert {tuple(e.documents) for e in events} == {(document.document_id,)}
    entries = await lending.services.journal.entries(
        INGEST, AuditQuery(document_id=document.document_id))
    assert [e.action for e in entries if e.action.startswith("loan_")] == [
        "loan_requested", "loan_approved", "loan_approved", "loan_issued"]
    assert {e.detail["loan_id"] for e in entries if e.action.startswith("loan_")} == {
        loan.loan_id}
    assert (await lending.services.journal.verify()).intact


async def test_a_loan_is_hidden_from_a_reader_who_is_not_part_of_it(lending: Lending) -> None:
    loan = await lending.request("li", [await lending.file()])
    with pytest.raises(ArchiveError) as refused:
        await lending.services.lending.loan(person("ma"), loan.loan_id)
    assert (refused.value.status, refused.value.code) == (404, "unknown_loan")


async def test_an_approval_refused_for_clearance_is_audited_without_naming_the_documents(
        lending: Lending) -> None:
    document = await lending.file(security="confidential", title="某业主诉讼材料")
    loan = await lending.request("li", [document])
    # zhou as a token cleared only to ordinary names them (every approver here is secret)
    uncleared = msgspec.structs.replace(person("zhou"), clearance="ordinary")
    with pytest.raises(Forbidden) as refused:
        await lending.services.lending.approve(uncleared, loan.loan_id, note=None)
    assert refused.value.code == "above_clearance"
    [entry] = await lending.services.journal.entries(INGEST, AuditQuery(username="zhou"))
    assert (entry.action, entry.outcome, entry.code, entry.document_id) == (
        "loan_approved", "refused", "above_clearance", None)
    assert named_in(entry, document) == []
