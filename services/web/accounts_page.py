"""The accounts page (``/ui/admin/users``): the users, the form to add one, a password
reset and a departure per user.

Only ``admin`` manages accounts; the registry decides every call again. What a form
lacks is found here first (``new_user_problem``, ``password_problem``) so the page can say
it in words before asking the registry; the registry's own refusals come back by their
codes (``account_refusal`` in the template says them).
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from services.common.auth import ACCOUNT_ADMINS, Principal
from services.common.contracts.accounts import MAX_PASSWORD, MIN_PASSWORD, User
from services.common.contracts.lending import OpenLoan
from services.common.models import (
    DEPARTMENT_NAMES,
    DEPARTMENT_RE,
    ROLE_NAMES,
    ROLES,
    SECURITY_LEVEL_NAMES,
    USERNAME_RE,
)
from services.web.document_page import LOAN_STATUS_NAMES
from services.web.loans_page import loan_url


def may_administer(principal: Principal) -> bool:
    """The accounts pages exist for the account administrators only (the registry's rule)."""
    return principal.has_role(*ACCOUNT_ADMINS)


@dataclass(frozen=True)
class UserLine:
    user: User
    clearance: str


@dataclass(frozen=True)
class AccountsPage:
    users: list[UserLine]
    roles: list[tuple[str, str]]
    """Every role the registry knows, as (code, name), for the form."""
    clearances: list[tuple[str, str]]
    departments: list[str]
    """The named departments and those already in use, offered as the form's
    suggestions."""


def accounts_page(users: list[User]) -> AccountsPage:
    """The active users first, each group by username."""
    ordered = sorted(users, key=lambda user: (not user.active, user.username))
    return AccountsPage(
        users=[UserLine(user, SECURITY_LEVEL_NAMES.get(user.clearance, user.clearance))
               for user in ordered],
        roles=[(role, ROLE_NAMES[role]) for role in ROLES],
        clearances=[(str(level), name) for level, name in SECURITY_LEVEL_NAMES.items()],
        departments=sorted({*DEPARTMENT_NAMES, *(user.department for user in users
                                                  if user.department)}))


def password_problem(password: str, again: str) -> str:
    """What is wrong with a new password entered twice ("" when nothing)."""
    if len(password) < MIN_PASSWORD:
        return "password_too_short"
    if len(password) > MAX_PASSWORD:
        return "password_too_long"
    if password != again:
        return "passwords_differ"
    return ""


PASSWORD_PROBLEMS = frozenset({"password_too_short", "password_too_long", "passwords_differ",
                               "password_too_common", "password_contains_username"})
"""The refusals of a new password, the form's or the registry's."""
NEW_USER_FIELDS = {"bad_username": "username", "reserved_username": "username",
                   "user_exists": "username", "clearance_required": "clearance",
                   "bad_department": "department"}
"""The field of the form to add a user each of its other refusals goes back to."""


def problem_field(problem: str, about: str) -> str:
    """The id of the field a refused form goes back to (focused, marked invalid and
    described by the refusal), "" when none is at fault: a password reset of user
    ``about`` or, with no ``about``, the form to add a user."""
    if problem in PASSWORD_PROBLEMS:
        return f"new-password-{about}" if about else "password"
    return "" if about else NEW_USER_FIELDS.get(problem, "")


def new_user_problem(username: str, roles: list[str], clearance: str, department: str,
                     password: str, again: str) -> str:
    """What the form to add a user lacks ("" when nothing)."""
    if not USERNAME_RE.match(username):
        return "bad_username"
    if not roles or any(role not in ROLE_NAMES for role in roles):
        return "roles_required"
    if clearance not in SECURITY_LEVEL_NAMES:
        return "clearance_required"
    if department and not DEPARTMENT_RE.match(department):
        return "bad_department"
    return password_problem(password, again)


@dataclass(frozen=True)
class OpenLoanLine:
    loan: OpenLoan
    url: str
    status: str


def open_loan_lines(listed: object) -> list[OpenLoanLine]:
    """The open loans a refused departure names (the registry's ``open_loans``): each
    with its documents' archive numbers, status and due date, linked to its page."""
    try:
        loans = msgspec.convert(listed, list[OpenLoan])
    except msgspec.ValidationError:
        return []
    return [OpenLoanLine(loan=loan, url=loan_url(loan.loan_id),
                         status=LOAN_STATUS_NAMES.get(loan.status, loan.status))
            for loan in loans]
