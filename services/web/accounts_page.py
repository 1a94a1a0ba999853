"""The accounts page (``/ui/admin/users``): the users, the form to add one, a password
reset and a departure per user.

Only ``admin`` manages accounts; the registry decides every call again. What a form
lacks is found here first (``new_user_problem``, ``password_problem``) so the page can say
it in words before asking the registry; the registry's own refusals come back by their
codes (``account_refusal`` in the template says them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

import msgspec

from services.common.auth import ACCOUNT_ADMINS, Principal
from services.common.contracts.accounts import MAX_PASSWORD, MIN_PASSWORD, User
from services.common.contracts.lending import OpenLoan, WaitingRequest
from services.common.contracts.operations import SIDE_NAMES, WaitingHandover
from services.common.models import (
    DEPARTMENT_NAMES,
    DEPARTMENT_RE,
    PERSON_NAME_RE,
    ROLE_NAMES,
    ROLES,
    SECURITY_LEVEL_NAMES,
    USERNAME_RE,
    SecurityLevel,
    security_rank,
)
from services.web.document_page import LOAN_STATUS_NAMES
from services.web.handover_page import handover_url


def may_administer(principal: Principal) -> bool:
    """The accounts pages exist for the account administrators only (the registry's rule)."""
    return principal.has_role(*ACCOUNT_ADMINS)


@dataclass(frozen=True)
class UserLine:
    user: User
    clearance: str
    resettable: bool
    """The reader may reset the password: the account is cleared no higher than they are
    (the registry refuses the others, ``above_own_clearance``)."""


@dataclass(frozen=True)
class AccountsPage:
    users: list[UserLine]
    roles: list[tuple[str, str]]
    """Every role the registry knows, as (code, name), for the form."""
    clearances: list[tuple[str, str]]
    departments: list[str]
    """The named departments and those already in use, offered as the form's
    suggestions."""
    other_admins: bool = True
    """Another active admin than the reader, who may change the reader's own rights."""


def accounts_page(users: list[User], *, clearance: SecurityLevel, reader: str = ""
                  ) -> AccountsPage:
    """The active users first, each group by username; ``clearance``: the reader's,
    ``reader`` their username."""
    ordered = sorted(users, key=lambda user: (not user.active, user.username))
    return AccountsPage(
        users=[UserLine(user, SECURITY_LEVEL_NAMES.get(user.clearance, user.clearance),
                        resettable=security_rank(user.clearance) <= security_rank(clearance))
               for user in ordered],
        roles=[(role, ROLE_NAMES[role]) for role in ROLES],
        clearances=[(str(level), name) for level, name in SECURITY_LEVEL_NAMES.items()],
        departments=sorted({*DEPARTMENT_NAMES, *(user.department for user in users
                                                  if user.department)}),
        other_admins=any(user.active and user.username != reader
                         and set(user.roles) & set(ACCOUNT_ADMINS) for user in users))


def level_name(level: object) -> str:
    """A refusal's ``clearance_needed`` by its Chinese name ("" when none)."""
    return SECURITY_LEVEL_NAMES.get(level, "") if isinstance(level, str) else ""  # type: ignore[call-overload]


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
                   "bad_department": "department", "bad_full_name": "full_name"}
"""The field of the form to add a user each of its other refusals goes back to."""


def problem_field(problem: str, about: str) -> str:
    """The id of the field a refused form goes back to (focused, marked invalid and
    described by the refusal), "" when none is at fault: a password reset of user
    ``about`` or, with no ``about``, the form to add a user."""
    if problem in PASSWORD_PROBLEMS:
        return f"new-password-{about}" if about else "password"
    return "" if about else NEW_USER_FIELDS.get(problem, "")


def new_user_problem(username: str, roles: list[str], clearance: str, department: str,
                     full_name: str, password: str, again: str) -> str:
    """What the form to add a user lacks ("" when nothing)."""
    if not USERNAME_RE.match(username):
        return "bad_username"
    return (change_problem(roles, clearance, department, full_name)
            or password_problem(password, again))


def change_problem(roles: list[str], clearance: str, department: str, full_name: str) -> str:
    """What the form changing an account lacks ("" when nothing)."""
    if not roles or any(role not in ROLE_NAMES for role in roles):
        return "roles_required"
    if clearance not in SECURITY_LEVEL_NAMES:
        return "clearance_required"
    if department and not DEPARTMENT_RE.match(department):
        return "bad_department"
    if full_name and not PERSON_NAME_RE.match(full_name):
        return "bad_full_name"
    return ""


@dataclass(frozen=True)
class OpenLoanLine:
    loan: OpenLoan
    status: str


@dataclass(frozen=True)
class HandoverLine:
    handover: WaitingHandover
    url: str
    side: str


@dataclass(frozen=True)
class RequestLine:
    request: WaitingRequest
    step: str


@dataclass(frozen=True)
class LeftWaiting:
    """What a refused departure or change names (the registry's ``open_loans``,
    ``handovers`` and ``requests``). The loans and requests are plain text: the admin does
    not read the loan register (``REGISTER_READERS``), an archivist takes a loan back; the
    handovers link to their pages, which the admin reads."""

    loans: list[OpenLoanLine]
    handovers: list[HandoverLine]
    requests: list[RequestLine]


def left_waiting(extra: Mapping[str, object]) -> LeftWaiting:
    return LeftWaiting(
        loans=[OpenLoanLine(loan=loan, status=LOAN_STATUS_NAMES.get(loan.status, loan.status))
               for loan in _listed(extra.get("open_loans"), OpenLoan)],
        handovers=[HandoverLine(handover=handover, url=handover_url(handover.handover_id),
                                side=SIDE_NAMES[handover.side])
                   for handover in _listed(extra.get("handovers"), WaitingHandover)],
        requests=[RequestLine(request=request, step=ROLE_NAMES.get(request.step, request.step))
                  for request in _listed(extra.get("requests"), WaitingRequest)])


Listed = TypeVar("Listed")


def _listed(listed: object, kind: type[Listed]) -> list[Listed]:
    """``listed`` as a list of ``kind``; none if it is not one."""
    try:
        return msgspec.convert(listed or [], list[kind])  # type: ignore[valid-type]
    except msgspec.ValidationError:
        return []
