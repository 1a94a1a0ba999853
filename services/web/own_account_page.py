"""A person's own account (我的账户, ``/ui/account``): who they are as the registry holds
them, and the form to change their own password.

What the form lacks is found here first (``own_password_problem``) so the page can say it
in words before asking the registry; the registry's refusals come back by their codes
(``account_refusal`` in the template says them), a wrong current password as
``wrong_password`` and too many wrong ones as ``login_rate_limited``.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.common.auth import ACCOUNT_ADMINS
from services.common.contracts.accounts import User
from services.common.models import SECURITY_LEVEL_NAMES
from services.web.accounts_page import password_problem

PROBLEM_FIELDS = {"current_password_required": "current-password",
                  "wrong_password": "current-password",
                  "login_rate_limited": "current-password"}
"""The field a refused change goes back to (focused, marked invalid); any other problem
is the new password's."""


@dataclass(frozen=True)
class OwnAccount:
    user: User
    clearance: str
    """The clearance by its Chinese name."""
    administers: bool
    """They are an admin themselves: another admin changes their roles (``own_account``)."""


def own_account(user: User) -> OwnAccount:
    return OwnAccount(user=user,
                      clearance=SECURITY_LEVEL_NAMES.get(user.clearance, user.clearance),
                      administers=any(role in ACCOUNT_ADMINS for role in user.roles))


def own_password_problem(current: str, new: str, again: str) -> str:
    """What is wrong with a change of one's own password ("" when nothing): the current
    password is needed, the new one as for any new password."""
    if not current:
        return "current_password_required"
    return password_problem(new, again)


def problem_field(problem: str) -> str:
    """The id of the field at fault for ``problem`` ("" when there is none)."""
    return PROBLEM_FIELDS.get(problem, "new-password") if problem else ""
