"""The accounts page's own checks of its forms, before the registry is asked, and how it
lists the users and names the loans a refused departure returns."""

from __future__ import annotations

from datetime import UTC, datetime

from services.common.contracts.accounts import User
from services.common.models import DEPARTMENT_NAMES
from services.web.accounts_page import (
    accounts_page,
    new_user_problem,
    open_loan_lines,
    password_problem,
)

GOOD = "correct horse battery"


def _user(username: str, *, active: bool = True, department: str | None = "archive"
          ) -> User:
    return User(username=username, roles=["archivist", "admin"], clearance="secret",
                department=department, active=active,
                created_at=datetime(2030, 1, 1, tzinfo=UTC))


def test_a_password_is_long_enough_and_entered_twice_alike() -> None:
    assert password_problem(GOOD, GOOD) == ""
    assert password_problem("short", "short") == "password_too_short"
    assert password_problem(GOOD, GOOD + "!") == "passwords_differ"
    assert password_problem("x" * 300, "x" * 300) == "password_too_long"


def test_a_new_user_needs_a_valid_name_a_known_role_and_clearance() -> None:
    assert new_user_problem("chen", ["staff"], "ordinary", "customer_service", GOOD, GOOD) == ""
    assert new_user_problem("chen", ["staff"], "ordinary", "", GOOD, GOOD) == ""
    assert new_user_problem("Chen", ["staff"], "ordinary", "", GOOD, GOOD) == "bad_username"
    assert new_user_problem("陈", ["staff"], "ordinary", "", GOOD, GOOD) == "bad_username"
    assert new_user_problem("chen", [], "ordinary", "", GOOD, GOOD) == "roles_required"
    assert new_user_problem("chen", ["owner"], "ordinary", "", GOOD, GOOD) == "roles_required"
    assert new_user_problem("chen", ["staff"], "top", "", GOOD, GOOD) == "clearance_required"
    assert new_user_problem("chen", ["staff"], "ordinary", "客服部", GOOD, GOOD) == \
        "bad_department"
    assert new_user_problem("chen", ["staff"], "ordinary", "", GOOD, "") == "passwords_differ"


def test_the_list_puts_active_users_first_with_clearance_by_name() -> None:
    page = accounts_page([_user("zz"), _user("aa", active=False), _user("mm", department=None)])
    assert [line.user.username for line in page.users] == ["mm", "zz", "aa"]
    assert page.users[0].clearance == "绝密"
    # The named departments and those in use, each once, as the form's suggestions.
    assert page.departments == sorted(DEPARTMENT_NAMES)
    assert accounts_page([_user("ll", department="legal")]).departments == sorted(
        [*DEPARTMENT_NAMES, "legal"])
    assert ("center_head", "客户服务中心负责人") in page.roles


def test_the_loans_of_a_refused_departure_link_to_their_pages_by_archive_number() -> None:
    listed = [{"loan_id": "L-1", "status": "out", "kind": "paper",
               "due_at": "2030-01-17T09:00:00Z", "archive_nos": ["A-1201-WS-2029-001"],
               "hidden": 1}]
    [line] = open_loan_lines(listed)
    assert (line.url, line.status, line.loan.archive_nos, line.loan.hidden) == (
        "/ui/loans/L-1", "借出中", ["A-1201-WS-2029-001"], 1)
    assert line.loan.due_at == datetime(2030, 1, 17, 9, 0, tzinfo=UTC)
    assert open_loan_lines(None) == open_loan_lines([{"loan_id": 3}]) == []
