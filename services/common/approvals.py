"""Who may give a loan's approval step (B3): one rule, applied by the registry when a
step is given and by the staff pages to show each approver the requests that wait for
them (an inbox must list exactly what the registry would accept).

Every step is given by someone cleared for every document of the loan
(``common.clearance``): a department head without confidential clearance does not
approve a loan of a confidential document, and a request whose chain has nobody cleared
at some step is refused when asked, naming those steps (``steps_nobody_gives``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from services.common.auth import Principal
from services.common.clearance import clearance_refusal
from services.common.errors import Forbidden
from services.common.models import Role, SecurityLevel

APPROVERS = ("manager", "center_head", "director", "archivist")
"""Who may give some approval step; which step is the chain's to say. The API checks
it before looking the loan up, so that nobody else learns a loan's state."""
REGISTER_READERS = ("archivist", "manager", "center_head", "director", "compliance")
"""Who reads the whole loan register; anyone else sees the loans they borrow or asked
for."""
DESK = ("archivist",)
"""Who hands a loan over and checks it back in."""

STEP_NAMES: dict[str, str] = {
    "manager": "borrower's department head (部门负责人)",
    "center_head": "service-centre head (客户服务中心负责人)",
    "director": "director (总经理)",
    "archivist": "archive department (档案管理员)",
}
"""Each approval step by who gives it, for the API's refusals (the pages name roles by
``common.models.ROLE_NAMES``)."""


def approval_refusal(approver: Principal, *, role: Role, borrower: str,
                     borrower_department: str, earlier_approvers: Iterable[str],
                     levels: Iterable[SecurityLevel]) -> Forbidden | None:
    """Why ``approver`` may not give the ``role`` step of a loan of documents of
    ``levels`` (one a document), or None if they may.

    Nobody approves their own loan; the approver holds the step's role, and for the
    department head's step the borrower's department (B3); no one signs two steps,
    so every approval the loan needs is a different person's; and the approver is
    cleared for every document (``above_clearance``).
    """
    if approver.username == borrower:
        return Forbidden("nobody approves their own loan", code="own_loan")
    if not approver.has_role(role):
        return Forbidden(f"this loan waits for the {STEP_NAMES[role]}'s approval",
                         code="role_required")
    if role == "manager" and approver.department != borrower_department:
        return Forbidden(f"the head of the borrower's department ({borrower_department}) "
                         "approves this step (B3)", code="wrong_department")
    if approver.username in set(earlier_approvers):
        return Forbidden("you approved an earlier step of this loan; each step needs "
                         "another person", code="already_approved")
    return clearance_refusal(approver.clearance, levels, decision="this loan",
                             decided_by=f"gives the {STEP_NAMES[role]}'s approval")


def steps_nobody_gives(approvals_needed: Sequence[Role], *, borrower: str,
                       borrower_department: str, people: Iterable[Principal],
                       levels: Sequence[SecurityLevel],
                       earlier_approvers: Sequence[str] = ()) -> list[Role]:
    """The steps still to give, after those ``earlier_approvers`` gave, of a loan of
    documents of ``levels`` that none of ``people`` (the active users) may give, in
    chain order: a request nobody could approve would wait for ever (a department
    head's own loan when the department has no other head, or a confidential loan when
    no head of the department is cleared for it)."""
    everyone = list(people)
    return [role for role in approvals_needed[len(earlier_approvers):]
            if not any(approval_refusal(approver, role=role, borrower=borrower,
                                        borrower_department=borrower_department,
                                        earlier_approvers=earlier_approvers,
                                        levels=levels) is None
                       for approver in everyone)]


def step_nobody_gives(approvals_needed: Sequence[Role], *, borrower: str,
                      borrower_department: str, people: Iterable[Principal],
                      levels: Sequence[SecurityLevel],
                      earlier_approvers: Sequence[str] = ()) -> Role | None:
    """The first of ``steps_nobody_gives``, or None when every step has someone."""
    steps = steps_nobody_gives(approvals_needed, borrower=borrower,
                               borrower_department=borrower_department, people=people,
                               levels=levels, earlier_approvers=earlier_approvers)
    return steps[0] if steps else None


def is_awaited_from(approver: Principal, *, status: str, approvals_needed: Sequence[Role],
                    borrower: str, borrower_department: str,
                    earlier_approvers: Sequence[str], levels: Iterable[SecurityLevel]) -> bool:
    """Whether a loan in ``status`` with ``earlier_approvers`` (in step order), of
    documents of ``levels``, waits for a step ``approver`` may give: the registry's inbox
    filter (``awaiting=me``) and the staff pages' buttons ask this one question."""
    step = len(earlier_approvers)
    if status != "requested" or step >= len(approvals_needed):
        return False
    return approval_refusal(approver, role=approvals_needed[step], borrower=borrower,
                            borrower_department=borrower_department,
                            earlier_approvers=earlier_approvers, levels=levels) is None
