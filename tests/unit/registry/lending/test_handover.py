"""The archive desk on both engines: issue, acknowledge, renew, copies, return (B3–B7)."""

from __future__ import annotations

from datetime import timedelta

import msgspec
import pytest

from services.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.registry.journal.models import AuditQuery
from services.registry.lending.models import CopyRequest, ReturnCheck
from tests.support.registry import INGEST, named_in
from tests.unit.registry.lending.conftest import START, Lending, end_of_day, person


async def test_issue_puts_the_loan_out_due_by_the_end_of_the_seventh_day(
        lending: Lending) -> None:
    """Lent at 17:00 on 3 June, due back by the end of 10 June on the company's clocks,
    the day the pages show: returned at 18:00 that day, it is in time."""
    loan = await lending.out("li", [await lending.file()])
    assert (loan.status, loan.issued_by, loan.issued_at, loan.due_at, loan.overdue) == (
        "out", "wang", START, end_of_day(7), False)
    assert loan.due_at is not None
    assert loan.due_at.astimezone(lending.clock.zone).isoformat() == \
        "2024-06-10T23:59:59+08:00"
    lending.clock.set(START + timedelta(days=7, hours=1))
    late_on_the_day = await lending.services.lending.loan(person("wang"), loan.loan_id)
    renewed = await lending.services.circulation.renew(person("li"), loan.loan_id)
    assert (late_on_the_day.overdue, renewed.due_at) == (False, end_of_day(14))


async def test_the_borrower_acknowledges_receipt_once(lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    lending.clock.advance(timedelta(hours=1))
    acknowledged = await lending.services.circulation.acknowledge(person("li"), loan.loan_id)
    assert acknowledged.acknowledged_at == START + timedelta(hours=1)
    with pytest.raises(Conflict) as refused:
        await lending.services.circulation.acknowledge(person("li"), loan.loan_id)
    assert refused.value.code == "invalid_transition"


async def test_only_the_borrower_acknowledges(lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    with pytest.raises(Forbidden) as refused:
        await lending.services.circulation.acknowledge(person("wang"), loan.loan_id)
    assert refused.value.code == "not_borrower"


async def test_a_renewal_moves_the_due_date_seven_days_on(lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    lending.clock.advance(timedelta(days=6))
    renewed = await lending.services.circulation.renew(person("li"), loan.loan_id)
    assert (renewed.due_at, renewed.renewals, renewed.renewed_at) == (
        end_of_day(14), 1, START + timedelta(days=6))


async def test_a_third_renewal_is_refused(lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    for seen in range(2):
        await lending.services.circulation.renew(person("li"), loan.loan_id, seen=seen)
    with pytest.raises(Conflict) as refused:
        await lending.services.circulation.renew(person("li"), loan.loan_id, seen=2)
    again = await lending.services.lending.loan(person("wang"), loan.loan_id)
    assert (refused.value.code, again.renewals, again.due_at) == (
        "renewals_exhausted", 2, end_of_day(21))


async def test_an_expired_loan_is_not_renewed(lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    lending.clock.set(end_of_day(7) + timedelta(seconds=1))
    with pytest.raises(Conflict) as refused:
        await lending.services.circulation.renew(person("wang"), loan.loan_id)
    assert refused.value.code == "loan_expired"
    # When, on the company's clocks, as every page and command says a time.
    assert loan.due_at is not None
    assert f"expired on {loan.due_at.astimezone(lending.clock.zone):%Y-%m-%d %H:%M} " \
        f"{lending.clock.zone}" in refused.value.detail
    assert str(lending.clock.zone) == "Asia/Shanghai"


async def test_a_loan_past_its_due_date_is_overdue(lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    lending.clock.set(end_of_day(7) + timedelta(seconds=1))
    again = await lending.services.lending.loan(person("wang"), loan.loan_id)
    assert again.overdue


async def test_a_manager_cannot_renew_someone_elses_loan(lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    with pytest.raises(Forbidden) as refused:
        await lending.services.circulation.renew(person("zhou"), loan.loan_id)
    assert refused.value.code == "not_borrower"


@pytest.mark.parametrize("move", ["acknowledge", "renew"])
async def test_a_stranger_to_the_loan_is_told_it_does_not_exist(lending: Lending, move: str
                                                                ) -> None:
    loan = await lending.out("li", [await lending.file()])
    attempt = getattr(lending.services.circulation, move)(person("ma"), loan.loan_id)
    with pytest.raises(NotFound) as refused:
        await attempt
    assert refused.value.code == "unknown_loan"


async def test_an_intact_return_closes_the_loan_without_an_incident(lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    returned = await lending.services.circulation.return_loan(
        person("sun"), loan.loan_id, ReturnCheck(intact=True))
    assert returned.status == "returned"
    assert returned.returned is not None
    assert (returned.returned.returned_by, returned.returned.intact, returned.incidents) == (
        "sun", True, [])


async def test_a_damaged_return_opens_an_incident_that_stays_on_the_register(
        lending: Lending) -> None:
    loan = await lending.out("li", [await lending.file()])
    returned = await lending.services.circulation.return_loan(
        person("wang"), loan.loan_id, ReturnCheck(intact=False, note="第3页撕破"))
    incidents = await lending.services.lending.incidents(limit=10, offset=0)
    assert [(i.loan_id, i.note, i.reported_by) for i in incidents] == [
        (loan.loan_id, "第3页撕破", "wang")]
    assert returned.incidents == incidents


@pytest.mark.parametrize("note", [None, "", "  "])
async def test_a_damaged_return_says_what_is_wrong(lending: Lending, note: str | None) -> None:
    loan = await lending.out("li", [await lending.file()])
    with pytest.raises(ValidationFailed) as refused:
        await lending.services.circulation.return_loan(
            person("wang"), loan.loan_id, ReturnCheck(intact=False, note=note))
    assert (refused.value.status, refused.value.code) == (422, "damage_note_required")
    still = await lending.services.lending.loan(person("wang"), loan.loan_id)
    assert (still.status, still.incidents) == ("out", [])


WRONG_DESK = [
    # move, borrower, who tries, refusal code
    ("staff issues", "issue", "li", "ma", "role_required"),
    ("archivist issues own loan", "issue", "wang", "wang", "own_loan"),
    ("manager returns", "return", "li", "zhou", "role_required"),
    ("archivist returns own loan", "return", "wang", "wang", "own_loan"),
]


@pytest.mark.parametrize(("move", "borrower", "who", "code"), [c[1:] for c in WRONG_DESK],
                         ids=[c[0] for c in WRONG_DESK])
async def test_the_desk_is_the_archivists_and_never_for_their_own_loan(
        lending: Lending, move: str, borrower: str, who: str, code: str) -> None:
    circulation = lending.services.circulation
    loan = await lending.approved(borrower, [await lending.file()])
    if move == "return":
        loan = await circulation.issue(person("sun"), loan.loan_id)
    attempt = circulation.issue(person(who), loan.loan_id) if move == "issue" else \
        circulation.return_loan(person(who), loan.loan_id, ReturnCheck(intact=True))
    with pytest.raises(Forbidden) as refused:
        await attempt
    assert refused.value.code == code


# (how far the loan got, the illegal move) → 409 invalid_transition; one or two per state
# through the services (every move × state pair is in test_rules.py).
ILLEGAL = [
    ("requested", "issue"), ("requested", "return"), ("approved", "approve"),
    ("approved", "acknowledge"), ("out", "reject"), ("out", "issue"), ("rejected", "issue"),
    ("returned", "return"), ("returned", "renew"),
]


@pytest.mark.parametrize(("state", "move"), ILLEGAL, ids=[f"{m}-when-{s}" for s, m in ILLEGAL])
async def test_an_illegal_transition_is_a_conflict_and_changes_nothing(
        lending: Lending, state: str, move: str) -> None:
    loan = await lending.request("li", [await lending.file()])
    services = lending.services
    if state != "requested":
        loan = await lending.approve_all(loan, "zhou") if state == "rejected" else \
            await lending.approve_all(loan, "zhou", "wang")
    if state == "rejected":
        loan = await services.lending.reject(person("wang"), loan.loan_id, reason="不行")
    if state in ("out", "returned"):
        loan = await services.circulation.issue(person("wang"), loan.loan_id)
    if state == "returned":
        loan = await services.circulation.return_loan(person("wang"), loan.loan_id,
                                                   ReturnCheck(intact=True))
    moves = {
        "approve": lambda: services.lending.approve(person("wang"), loan.loan_id, note=None),
        "reject": lambda: services.lending.reject(person("wang"), loan.loan_id, reason="x"),
        "issue": lambda: services.circulation.issue(person("wang"), loan.loan_id),
        "acknowledge": lambda: services.circulation.acknowledge(person("li"), loan.loan_id),
        "renew": lambda: services.circulation.renew(person("li"), loan.loan_id),
        "return": lambda: services.circulation.return_loan(person("wang"), loan.loan_id,
                                                        ReturnCheck(intact=True)),
    }
    with pytest.raises(Conflict) as refused:
        await moves[move]()
    assert refused.value.code == "invalid_transition"
    assert (await services.lending.loan(person("wang"), loan.loan_id)) == loan


async def test_a_policy_document_is_not_lent_on_paper(lending: Lending) -> None:
    policy = await lending.file(category="policy", household=None)
    with pytest.raises(Conflict) as refused:
        await lending.request("li", [policy], kind="paper")
    assert refused.value.code == "not_lendable"


async def test_a_policy_document_may_be_viewed_through_a_digital_loan(lending: Lending
                                                                      ) -> None:
    policy = await lending.file(category="policy", household=None, security="confidential")
    loan = await lending.request("li", [policy], kind="digital")
    assert loan.status == "requested"


async def test_a_file_out_on_paper_cannot_be_asked_for_on_paper_again(lending: Lending
                                                                     ) -> None:
    document = await lending.file()
    await lending.out("li", [document])
    with pytest.raises(Conflict) as refused:
        await lending.request("ma", [document], kind="paper")
    assert refused.value.code == "already_on_loan"


async def test_a_file_out_on_paper_cannot_be_issued_on_a_second_loan(lending: Lending
                                                                    ) -> None:
    document = await lending.file()
    first = await lending.approved("li", [document])
    second = await lending.approved("ma", [document])
    await lending.services.circulation.issue(person("wang"), first.loan_id)
    with pytest.raises(Conflict) as refused:
        await lending.services.circulation.issue(person("wang"), second.loan_id)
    assert refused.value.code == "already_on_loan"
    assert (await lending.services.lending.loan(person("wang"), second.loan_id)).status == \
        "approved"


async def test_a_returned_file_can_go_out_again(lending: Lending) -> None:
    document = await lending.file()
    first = await lending.out("li", [document])
    await lending.services.circulation.return_loan(person("wang"), first.loan_id,
                                                ReturnCheck(intact=True))
    second = await lending.out("ma", [document])
    assert second.status == "out"


async def test_a_digital_loan_does_not_hold_the_paper_file(lending: Lending) -> None:
    document = await lending.file()
    await lending.out("li", [document], kind="digital")
    assert (await lending.out("ma", [document], kind="paper")).status == "out"


async def test_an_approved_copy_is_recorded_with_who_checked_it(lending: Lending) -> None:
    document = await lending.file()
    loan = await lending.out("li", [document])
    recorded = await lending.services.circulation.record_copy(person("sun"), loan.loan_id,
                                                           CopyRequest(
        document_id=document.document_id, description="复印第1-2页", approved_by="zhou"))
    assert [(c.document_id, c.approved_by, c.checked_by) for c in recorded.copies] == [
        (document.document_id, "zhou", "sun")]


COPY_REFUSALS = [
    ("approved by the borrower", "li", "copy_approver"),
    ("approved by staff", "ma", "copy_approver"),
    ("approved by nobody known", "nobody", "copy_approver"),
]


@pytest.mark.parametrize(("approver", "code"), [c[1:] for c in COPY_REFUSALS],
                         ids=[c[0] for c in COPY_REFUSALS])
async def test_a_copy_needs_an_approver_other_than_the_borrower(
        lending: Lending, approver: str, code: str) -> None:
    document = await lending.file()
    loan = await lending.out("li", [document])
    with pytest.raises(ValidationFailed) as refused:
        await lending.services.circulation.record_copy(person("wang"), loan.loan_id, CopyRequest(
            document_id=document.document_id, description="复印", approved_by=approver))
    assert refused.value.code == code


async def test_nothing_is_copied_from_a_digital_loan(lending: Lending) -> None:
    document = await lending.file()
    loan = await lending.out("li", [document], kind="digital")
    with pytest.raises(Conflict) as refused:
        await lending.services.circulation.record_copy(person("wang"), loan.loan_id, CopyRequest(
            document_id=document.document_id, description="截图", approved_by="zhou"))
    assert refused.value.code == "view_only"


async def test_a_document_destroyed_after_approval_is_not_handed_over(lending: Lending
                                                                     ) -> None:
    document = await lending.file()
    loan = await lending.approved("li", [document])
    await lending.sql("UPDATE documents SET status = 'destroyed' WHERE document_id = :d",
                      d=document.document_id)
    with pytest.raises(Conflict) as refused:
        await lending.services.circulation.issue(person("wang"), loan.loan_id)
    assert refused.value.code == "document_destroyed"


async def test_an_issue_refused_for_clearance_is_audited_without_naming_the_documents(
        lending: Lending) -> None:
    document = await lending.file(security="confidential", title="某业主诉讼材料")
    loan = await lending.approved("li", [document])
    # wang as a token cleared only to ordinary names them (every approver here is secret)
    uncleared = msgspec.structs.replace(person("wang"), clearance="ordinary")
    with pytest.raises(Forbidden) as refused:
        await lending.services.circulation.issue(uncleared, loan.loan_id)
    assert refused.value.code == "above_clearance"
    entries = await lending.services.journal.entries(INGEST, AuditQuery(username="wang"))
    [entry] = [e for e in entries if e.outcome == "refused"]
    assert (entry.action, entry.code, entry.document_id) == (
        "loan_issued", "above_clearance", None)
    assert named_in(entry, document) == []
