"""The archive desk's rules, pure: who may hand a loan over and check it back in (the
desk, ``services.common.approvals.DESK``), who renews, who may have approved a copy (B6),
who is told of an escalation (B4)."""

from __future__ import annotations

from collections.abc import Iterable

from services.common.approvals import DESK
from services.common.auth import Principal
from services.common.contracts.accounts import User
from services.common.errors import ArchiveError, Forbidden, ValidationFailed
from services.registry.lending.models import LoanRow, Move

RENEWERS = ("archivist",)
"""Besides the borrower, who registers a renewal."""
COPY_APPROVERS = ("manager", "center_head", "director")
"""B6: who may have approved a copy."""
CLEARED_MOVES: tuple[Move, ...] = ("issue",)
"""Desk moves given only by an archivist cleared for every document of the loan: handing
it over puts the documents in the borrower's hands. Checking a loan back in is not one:
a return only ends access, and refusing it would keep a file out."""


def desk_refusal(principal: Principal, loan: LoanRow, move: Move) -> ArchiveError | None:
    """Why ``principal`` may not hand ``loan`` over or check it in, or None if they may."""
    if not principal.has_role(*DESK):
        return Forbidden(f"an archivist does this ({move.replace('_', ' ')})",
                         code="role_required")
    if principal.username == loan.borrower:
        return Forbidden("an archivist does not hand over or check in their own loan",
                         code="own_loan")
    return None


def copy_approver_refusal(approver: User | None, loan: LoanRow) -> ArchiveError | None:
    """B6: a copy is approved by an active manager, centre head or director who is not
    the borrower."""
    if approver is None or not approver.active or approver.username == loan.borrower \
            or not set(approver.roles) & set(COPY_APPROVERS):
        return ValidationFailed(
            f"a copy is approved by a {', '.join(COPY_APPROVERS)} other than the "
            "borrower (B6); name who approved it", code="copy_approver")
    return None


def escalation_recipients(loan: LoanRow, people: Iterable[User]) -> list[str]:
    """B4: the borrower's department head(s) and the archive department."""
    return sorted(
        person.username for person in people
        if ("manager" in person.roles and person.department == loan.borrower_department)
        or "archivist" in person.roles)
