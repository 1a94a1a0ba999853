"""The loan's rules, pure: its approval chain, its moves, and who may approve a step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.common.approvals import approval_refusal
from services.common.auth import Principal
from services.common.contracts.lending import LOAN_STATUSES, LoanStatus
from services.common.errors import Conflict
from services.common.models import SecurityLevel
from services.registry.lending.models import Move
from services.registry.lending.rules import (
    MOVES,
    LoanPeriods,
    approvals_needed,
    check_move,
)


@dataclass(frozen=True)
class Doc:
    security: SecurityLevel = "ordinary"
    personal_info: bool = False


CHAINS = [
    ("ordinary", [Doc()], ["manager", "archivist"]),
    ("personal_info", [Doc(personal_info=True)], ["manager", "center_head", "archivist"]),
    ("confidential", [Doc(security="confidential")], ["manager", "director", "archivist"]),
    ("secret", [Doc(security="secret")], ["manager", "director", "archivist"]),
    ("mixed", [Doc(), Doc(personal_info=True), Doc(security="confidential")],
     ["manager", "center_head", "director", "archivist"]),
    ("confidential_personal", [Doc(security="confidential", personal_info=True)],
     ["manager", "center_head", "director", "archivist"]),
]


@pytest.mark.parametrize(("documents", "chain"), [(d, c) for _, d, c in CHAINS],
                         ids=[name for name, _, _ in CHAINS])
def test_the_approval_chain_follows_the_documents(documents: list[Doc], chain: list[str]
                                                  ) -> None:
    assert approvals_needed(documents) == chain


# Every (move, state) pair: the state reached, or "409" for an illegal transition.
ALLOWED: dict[tuple[Move, LoanStatus], LoanStatus] = {
    ("approve", "requested"): "approved", ("reject", "requested"): "rejected",
    ("withdraw", "requested"): "rejected", ("withdraw", "approved"): "rejected",
    ("issue", "approved"): "out", ("acknowledge", "out"): "out", ("renew", "out"): "out",
    ("record_copy", "out"): "out", ("return", "out"): "returned",
}
PAIRS = [(move, status) for move in MOVES for status in LOAN_STATUSES]


@pytest.mark.parametrize(("move", "status"), PAIRS, ids=[f"{m}-from-{s}" for m, s in PAIRS])
def test_a_move_is_allowed_only_from_the_state_it_needs(move: Move, status: LoanStatus
                                                        ) -> None:
    if (move, status) in ALLOWED:
        assert check_move(move, status) == ALLOWED[(move, status)]
        return
    with pytest.raises(Conflict) as refused:
        check_move(move, status)
    assert refused.value.code == "invalid_transition"


@pytest.mark.parametrize(("move", "status", "said"), [
    ("approve", "approved",
     "the loan is approved, so it cannot be approved (only a loan that is requested can)"),
    ("withdraw", "out", "the loan is out, so it cannot be withdrawn (only a loan that is "
                        "requested or approved can)"),
    ("record_copy", "returned", "the loan is returned, so it cannot have a copy recorded "
                                "(only a loan that is out can)"),
])
def test_a_refused_move_says_what_the_loan_is_and_what_it_would_need(
        move: Move, status: LoanStatus, said: str) -> None:
    with pytest.raises(Conflict) as refused:
        check_move(move, status)
    assert refused.value.detail == said


def _principal(username: str, *roles: str, department: str = "customer_service",
               clearance: SecurityLevel = "ordinary") -> Principal:
    return Principal(username=username, roles=roles, department=department,
                     clearance=clearance)


REFUSALS = [
    # approver, the step's role, earlier approvers → refusal code (None: may approve)
    ("department head of the borrower", _principal("zhou", "manager"), "manager", [], None),
    ("own loan", _principal("li", "manager"), "manager", [], "own_loan"),
    ("staff approving", _principal("ma", "staff"), "manager", [], "role_required"),
    ("manager of another department", _principal("qian", "manager", department="engineering"),
     "manager", [], "wrong_department"),
    ("archivist before the manager", _principal("wang", "archivist", department="archive"),
     "manager", [], "role_required"),
    ("archivist at the archive step", _principal("wang", "archivist", department="archive"),
     "archivist", ["zhou"], None),
    ("one person signing two steps", _principal("hu", "manager", "archivist"), "archivist",
     ["hu"], "already_approved"),
    ("director at the director step", _principal("zhao", "director", department="management"),
     "director", ["zhou"], None),
    ("manager at the director step", _principal("zhou", "manager"), "director", ["hu"],
     "role_required"),
    ("admin", _principal("root", "admin"), "manager", [], "role_required"),
]
CONFIDENTIAL_REFUSALS = [
    # the same, on a loan of an ordinary and a confidential document
    ("department head not cleared", _principal("zhou", "manager"), "manager", [],
     "above_clearance"),
    ("department head cleared", _principal("zhou", "manager", clearance="confidential"),
     "manager", [], None),
    ("archivist not cleared", _principal("wang", "archivist", department="archive"),
     "archivist", ["zhou", "zhao"], "above_clearance"),
    ("own loan comes first", _principal("li", "manager"), "manager", [], "own_loan"),
]


@pytest.mark.parametrize(("approver", "role", "earlier", "expected"),
                         [case[1:] for case in REFUSALS], ids=[case[0] for case in REFUSALS])
def test_who_may_approve_a_step(approver: Principal, role: str, earlier: list[str],
                                expected: str | None) -> None:
    refusal = approval_refusal(approver, role=role, borrower="li",  # type: ignore[arg-type]
                               borrower_department="customer_service",
                               earlier_approvers=earlier, levels=["ordinary"])
    assert (None if refusal is None else refusal.code) == expected


@pytest.mark.parametrize(("approver", "role", "earlier", "expected"),
                         [case[1:] for case in CONFIDENTIAL_REFUSALS],
                         ids=[case[0] for case in CONFIDENTIAL_REFUSALS])
def test_a_step_of_a_confidential_loan_is_given_by_someone_cleared_for_it(
        approver: Principal, role: str, earlier: list[str], expected: str | None) -> None:
    refusal = approval_refusal(approver, role=role, borrower="li",  # type: ignore[arg-type]
                               borrower_department="customer_service",
                               earlier_approvers=earlier, levels=["ordinary", "confidential"])
    assert (None if refusal is None else refusal.code) == expected
    if expected == "above_clearance":
        assert refusal is not None
        assert refusal.extra == {"documents_above": 1, "clearance_needed": "confidential"}


def test_a_loan_is_due_by_the_end_of_its_seventh_day_and_escalated_after_fifteen() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    issued = datetime(2024, 6, 3, 23, 30, tzinfo=shanghai)  # 15:30 UTC: 3 June at the desk
    periods = LoanPeriods()
    due = periods.due(issued, shanghai)
    assert (due, periods.renewed(due, shanghai),
            periods.escalation_due(issued, due, shanghai)) == (
        datetime(2024, 6, 10, 23, 59, 59, tzinfo=shanghai),
        datetime(2024, 6, 17, 23, 59, 59, tzinfo=shanghai),
        datetime(2024, 6, 18, 23, 59, 59, tzinfo=shanghai))
    # Renewed twice on the first day: due after 21 days, and not escalated before then.
    assert periods.escalation_due(issued, due + timedelta(days=14), shanghai) == (
        due + timedelta(days=14))
    # Where the clocks change (London's last Sunday of March), the day's end is still 23:59:59.
    london = ZoneInfo("Europe/London")
    assert periods.due(datetime(2024, 3, 25, 12, tzinfo=london), london) == datetime(
        2024, 4, 1, 23, 59, 59, tzinfo=london)
