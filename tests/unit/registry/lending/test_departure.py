"""Departure clearance (B9) on both engines: no account closes while a loan is out, and
the requests not yet out close with it; nor, as no change of roles, clearance or
department does, while a request only they could approve waits (B3) or a handover waits
for their signature (O1), until an archivist cancels it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from services.common.contracts.lending import Loan, LoanRequest
from services.common.contracts.operations import Handover, HandoverRequest
from services.common.contracts.registry import LoanChanged
from services.common.errors import Conflict, ValidationFailed
from services.registry.accounts.models import UserChange
from services.registry.accounts.service import AccountsService
from services.registry.journal.models import AuditQuery
from services.registry.lending.models import LoanQuery, ReturnCheck
from tests.support.registry import INGEST, person_in
from tests.unit.registry.lending.conftest import PEOPLE, Lending, person


def _accounts(lending: Lending) -> AccountsService:
    return lending.services.accounts


async def _departure_refused(lending: Lending, username: str, **by: Any) -> Conflict:
    """What refuses closing ``username``'s account (``by``: who closes it, at what
    clearance)."""
    with pytest.raises(Conflict) as refused:
        await _accounts(lending).deactivate(username, **by)
    return refused.value


async def test_departure_is_refused_with_the_loans_still_out(lending: Lending) -> None:
    first = await lending.out("li", [await lending.file()])
    second = await lending.out("li", [await lending.file(security="confidential")],
                               kind="digital")
    refused = await _departure_refused(lending, "li")
    assert (refused.code, refused.extra["loans"]) == (
        "open_loans", [first.loan_id, second.loan_id])
    listed = refused.extra["open_loans"]
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
    refused = await _departure_refused(lending, "li", clearance="ordinary")
    [listed] = refused.extra["open_loans"]
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


async def test_departure_closes_the_requests_not_yet_out_as_withdrawn(
        lending: Lending) -> None:
    waiting = await lending.request("li", [await lending.file()])
    approved = await lending.approved("li", [await lending.file()])
    await _accounts(lending).deactivate("li", by="admin")
    for loan_id in (waiting.loan_id, approved.loan_id):
        closed = await lending.services.lending.loan(person("wang"), loan_id)
        assert closed.status == "rejected"
        assert closed.rejection is not None
        assert (closed.rejection.rejected_by, closed.rejection.reason,
                closed.rejection.withdrawn) == ("admin", "借阅人已离职", True)
    with pytest.raises(Conflict) as refused:
        await lending.services.circulation.issue(person("wang"), approved.loan_id)
    assert refused.value.code == "invalid_transition"


async def test_a_request_closed_at_departure_is_audited_and_on_the_feed(
        lending: Lending) -> None:
    document = await lending.file()
    loan = await lending.request("li", [document])
    await _accounts(lending).deactivate("li", by="admin")
    entries = await lending.services.journal.entries(
        INGEST, AuditQuery(document_id=document.document_id))
    [withdrawn] = [e for e in entries if e.action == "loan_withdrawn"]
    assert (withdrawn.username, withdrawn.detail["loan_id"], withdrawn.detail["reason"]
            ) == ("admin", loan.loan_id, "借阅人已离职")
    page = await lending.services.journal.changes(INGEST, after=0, limit=100)
    assert [(c.event.change, c.event.status) for c in page.changes
            if isinstance(c.event, LoanChanged)][-1] == ("withdrawn", "rejected")
    assert (await lending.services.journal.verify()).intact


async def test_a_refused_departure_leaves_the_requests_waiting(lending: Lending) -> None:
    await lending.out("li", [await lending.file()])
    waiting = await lending.request("li", [await lending.file()])
    with pytest.raises(Conflict):
        await _accounts(lending).deactivate("li")
    still = await lending.services.lending.loan(person("wang"), waiting.loan_id)
    assert (still.status, still.rejection) == ("requested", None)


async def test_a_departure_refused_for_a_loan_out_is_audited_naming_the_user(
        lending: Lending) -> None:
    await lending.out("li", [await lending.file()])
    with pytest.raises(Conflict):
        await _accounts(lending).deactivate("li", by="admin")
    [entry] = await lending.services.journal.entries(
        INGEST, AuditQuery(action="user_deactivated"))
    assert (entry.username, entry.outcome, entry.code, entry.detail["user"]) == (
        "admin", "refused", "open_loans", "li")


async def test_departure_and_a_hand_over_at_once_never_both_succeed(
        lending: Lending) -> None:
    loan = await lending.approved("li", [await lending.file()])
    issued, departed = await asyncio.gather(
        lending.services.circulation.issue(person("wang"), loan.loan_id),
        _accounts(lending).deactivate("li"), return_exceptions=True)
    after = await lending.services.lending.loan(person("wang"), loan.loan_id)
    if isinstance(issued, Conflict):
        assert (issued.code, after.status) == ("invalid_transition", "rejected")
        assert not isinstance(departed, BaseException)
    else:
        assert isinstance(departed, Conflict)
        assert departed.code == "open_loans"
        assert after.status == "out"


async def test_the_inbox_never_lists_a_request_of_someone_who_has_left(
        lending: Lending) -> None:
    # A request left waiting by a departure recorded before requests were closed at it.
    await lending.request("li", [await lending.file()])
    await lending.sql("UPDATE users SET active = false WHERE username = 'li'")
    service = lending.services.lending
    assert await service.loans(person("zhou"), LoanQuery(awaiting="me")) == []
    assert (await service.awaiting_count(person("zhou"))).awaiting == 0


async def test_staff_see_only_their_own_loans_in_the_register(lending: Lending) -> None:
    own = await lending.request("ma", [await lending.file()])
    await lending.request("li", [await lending.file()])
    found = await lending.services.lending.loans(person("ma"), LoanQuery())
    assert [loan.loan_id for loan in found] == [own.loan_id]


async def _only_head_of_engineering(lending: Lending) -> Loan:
    """A request of ``ma`` moved to engineering, whose only head is ``qian``."""
    await _accounts(lending).change_user("ma", UserChange(department="engineering"),
                                         by="admin", clearance="secret")
    return await lending.services.lending.request(
        person_in({**PEOPLE, "ma": (("staff",), "ordinary", "engineering")}, "ma"),
        LoanRequest(documents=[(await lending.file()).document_id], kind="paper",
                    purpose="核对", reason="查询"))


async def test_the_departure_of_the_only_head_a_request_waits_for_is_refused(
        lending: Lending) -> None:
    waiting = await _only_head_of_engineering(lending)
    refused = await _departure_refused(lending, "qian", by="admin")
    assert refused.code == "last_approver"
    assert [(r["loan_id"], r["borrower"], r["step"]) for r in refused.extra["requests"]
            ] == [(waiting.loan_id, "ma", "manager")]
    assert "an admin first gives the step's role" in refused.detail
    assert (await _accounts(lending).get_user("qian")).active
    still = await lending.services.lending.loan(person("wang"), waiting.loan_id)
    assert still.status == "requested"


async def test_taking_the_head_role_from_the_only_head_a_request_waits_for_is_refused(
        lending: Lending) -> None:
    await _only_head_of_engineering(lending)
    for change in (UserChange(roles=["staff"]), UserChange(department="archive")):
        with pytest.raises(Conflict) as refused:
            await _accounts(lending).change_user("qian", change, by="admin",
                                                 clearance="secret")
        assert refused.value.code == "last_approver"
    assert (await _accounts(lending).get_user("qian")).roles == ["manager"]


async def test_a_head_leaves_once_the_department_has_another(lending: Lending) -> None:
    waiting = await _only_head_of_engineering(lending)
    await _accounts(lending).change_user("he", UserChange(department="engineering"),
                                         by="admin", clearance="secret")
    assert not (await _accounts(lending).deactivate("qian", by="admin")).active
    still = await lending.services.lending.loan(person("wang"), waiting.loan_id)
    assert still.status == "requested"


async def _handover(lending: Lending) -> Handover:
    """A handover from ``chen`` to the archivist ``sun``, drawn up by ``wang``."""
    return await lending.services.handovers.create(person("wang"), HandoverRequest(
        service_centre="第一客户服务中心", handed_over_by="chen", received_by="sun",
        documents=[(await lending.file(security="confidential")).document_id]))


async def test_a_signer_of_a_handover_not_signed_may_not_leave_until_it_is_cancelled(
        lending: Lending) -> None:
    handover = await _handover(lending)
    refused = await _departure_refused(lending, "chen", by="admin")
    assert refused.code == "unsigned_handovers"
    assert [(h["handover_id"], h["side"]) for h in refused.extra["handovers"]] == [
        (handover.handover_id, "handing")]
    assert "an archivist cancels the handover" in refused.detail
    with pytest.raises(Conflict) as lowered:
        await _accounts(lending).change_user("sun", UserChange(clearance="ordinary"),
                                             by="admin", clearance="secret")
    assert lowered.value.code == "unsigned_handovers"

    cancelled = await lending.services.handovers.cancel(person("wang"), handover.handover_id,
                                                        " 移交人离职 ")
    assert (cancelled.status, cancelled.cancelled_by, cancelled.cancel_reason) == (
        "cancelled", "wang", "移交人离职")
    assert not (await _accounts(lending).deactivate("chen", by="admin")).active
    shown = await lending.services.handovers.get(person("wang"), handover.handover_id)
    assert shown.signers_left == ["chen"]
    entries = await lending.services.journal.entries(
        INGEST, AuditQuery(action="handover_cancelled"))
    assert [(e.username, e.detail["reason"]) for e in entries] == [("wang", "移交人离职")]


async def test_a_handover_cancelled_or_completed_is_not_cancelled_again(
        lending: Lending) -> None:
    handover = await _handover(lending)
    with pytest.raises(ValidationFailed) as empty:
        await lending.services.handovers.cancel(person("wang"), handover.handover_id, " ")
    assert empty.value.code == "reason_required"
    await lending.services.handovers.cancel(person("wang"), handover.handover_id, "重做")
    with pytest.raises(Conflict) as again:
        await lending.services.handovers.cancel(person("wang"), handover.handover_id, "重做")
    assert again.value.code == "invalid_transition"
