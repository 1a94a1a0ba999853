"""The accounts page's own checks of its forms, before the registry is asked, and how it
lists the users and names the loans a refused departure returns."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from services.common.contracts.accounts import User
from services.common.models import DEPARTMENT_NAMES, SecurityLevel
from services.common.names import tidied_full_name
from services.web.accounts_page import (
    accounts_page,
    left_waiting,
    new_user_problem,
    password_problem,
    problem_field,
)
from services.web.navigation import layout
from tests.unit.web.conftest import shared_pages

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
    assert new_user_problem("chen", ["staff"], "ordinary", "customer_service", "", GOOD, GOOD) == ""
    assert new_user_problem("chen", ["staff"], "ordinary", "", "", GOOD, GOOD) == ""
    assert new_user_problem("Chen", ["staff"], "ordinary", "", "", GOOD, GOOD) == "bad_username"
    assert new_user_problem("陈", ["staff"], "ordinary", "", "", GOOD, GOOD) == "bad_username"
    assert new_user_problem("chen", [], "ordinary", "", "", GOOD, GOOD) == "roles_required"
    assert new_user_problem("chen", ["owner"], "ordinary", "", "", GOOD, GOOD) == "roles_required"
    assert new_user_problem("chen", ["staff"], "top", "", "", GOOD, GOOD) == "clearance_required"
    assert new_user_problem("chen", ["staff"], "ordinary", "客服部", "", GOOD, GOOD) == \
        "bad_department"
    assert new_user_problem("chen", ["staff"], "ordinary", "", "", GOOD, "") == "passwords_differ"
    assert new_user_problem("chen", ["staff"], "ordinary", "", "陈晨", GOOD, GOOD) == ""
    assert new_user_problem("chen", ["staff"], "ordinary", "", "陈" * 33, GOOD, GOOD) == \
        "bad_full_name"
    assert new_user_problem("chen", ["staff"], "ordinary", "", "陈\x07", GOOD, GOOD) == \
        "bad_full_name"
    assert tidied_full_name("  Chen \t Chen\n") == "Chen Chen"


def test_the_list_puts_active_users_first_with_clearance_by_name() -> None:
    page = accounts_page([_user("zz"), _user("aa", active=False), _user("mm", department=None)],
                         clearance="secret")
    assert [line.user.username for line in page.users] == ["mm", "zz", "aa"]
    assert page.users[0].clearance == "绝密"
    # The named departments and those in use, each once, as the form's suggestions.
    assert page.departments == sorted(DEPARTMENT_NAMES)
    assert accounts_page([_user("ll", department="legal")],
                         clearance="secret").departments == sorted(
        [*DEPARTMENT_NAMES, "legal"])
    assert ("center_head", "客户服务中心负责人") in page.roles


REFUSED_DEPARTURE = {
    "open_loans": [{"loan_id": "L-1", "status": "out", "kind": "paper",
                    "due_at": "2030-01-17T09:00:00Z", "archive_nos": ["A-1201-WS-2029-001"],
                    "hidden": 1}],
    "handovers": [{"handover_id": "H-1", "service_centre": "第一客户服务中心",
                   "side": "handing", "created_at": "2030-01-10T09:00:00Z"}],
    "requests": [{"loan_id": "L-2", "borrower": "ma.eng", "borrower_department": "engineering",
                  "requested_at": "2030-01-11T09:00:00Z", "step": "manager"}]}


def test_a_refused_departure_names_its_loans_and_requests_and_links_its_handovers() -> None:
    waiting = left_waiting(REFUSED_DEPARTURE)
    [loan] = waiting.loans
    assert (loan.status, loan.loan.archive_nos, loan.loan.hidden) == (
        "借出中", ["A-1201-WS-2029-001"], 1)
    assert loan.loan.due_at == datetime(2030, 1, 17, 9, 0, tzinfo=UTC)
    [handover] = waiting.handovers
    assert (handover.url, handover.side) == ("/ui/handovers/H-1", "移交人")
    [request] = waiting.requests
    assert (request.request.borrower, request.step) == ("ma.eng", "部门负责人")
    assert left_waiting({"open_loans": [{"loan_id": 3}]}).loans == []


def test_the_admin_is_sent_to_no_loan_page_they_may_not_read() -> None:
    """The admin does not read the loan register: the loans and requests are text."""
    page = _page([_user("admin"), _user("chen")], problem="open_loans", about="chen",
                 waiting=left_waiting(REFUSED_DEPARTURE))
    assert "/ui/loans/" not in page
    assert '<a href="/ui/handovers/H-1">' in page
    assert "借阅 → 归还" in page
    assert "ma.eng（工程部） 2030年1月11日 申请，等部门负责人审批" in page


def test_a_password_above_the_readers_clearance_is_not_offered_for_reset() -> None:
    secret = _user("chen")
    plain = User(username="admin", roles=["admin"], clearance="ordinary", department=None,
                 active=True, created_at=datetime(2030, 1, 1, tzinfo=UTC))
    page = _page([plain, secret], problem="", clearance="ordinary")
    assert 'action="/ui/admin/users/chen/password"' not in page
    assert 'action="/ui/admin/users/admin/password"' in page
    assert "由密级权限为绝密的系统管理员重设密码" in page


def test_a_refusal_above_clearance_says_the_clearance_needed() -> None:
    page = _page([_user("admin"), _user("chen")], problem="above_own_clearance", about="chen",
                 needed="绝密")
    assert "这需要密级权限为绝密的系统管理员办理" in page


def _page(users: list[User], *, problem: str, about: str = "",
          clearance: SecurityLevel = "secret", **shown: object) -> str:
    admin = users[0].principal()
    return shared_pages().html("zh", "admin_users.html", layout(admin, "/ui/admin/users", "t") | {
        "view": accounts_page(users, clearance=clearance, reader=admin.username),
        "problem": problem, "about": about,
        "waiting": left_waiting({}), "needed": "", "values": {}, "roles_chosen": set(),
        "done": "", **shown,
        "problem_field": problem_field(problem, about)})


def _marked(page: str) -> list[str]:
    """The ids of the fields marked invalid, focused and described by the refusal."""
    return re.findall(r'<(?:input|select) id="([^"]+)"[^>]* aria-invalid="true" '
                      r'aria-describedby="problem" autofocus', page)


@pytest.mark.parametrize(("problem", "about", "field"), [
    ("password_too_common", "", "password"),
    ("passwords_differ", "", "password"),
    ("user_exists", "", "username"),
    ("bad_department", "", "department"),
    ("clearance_required", "", "clearance"),
    ("password_too_common", "chen", "new-password-chen"),
    ("roles_required", "", None),
    ("open_loans", "chen", None),
])
def test_a_refused_field_is_marked_focused_and_described_by_the_refusal(
        problem: str, about: str, field: str | None) -> None:
    page = _page([_user("admin"), _user("chen")], problem=problem, about=about)
    assert '<div class="refusal" role="alert" id="problem">' in page
    assert _marked(page) == ([field] if field else [])


def test_a_refused_password_reset_opens_that_user_s_form() -> None:
    page = _page([_user("admin"), _user("chen")], problem="password_too_short", about="chen")
    opened = re.findall(r'<details open>\s*<summary>重设密码<span class="visually-hidden"> '
                        r'(\w+)</span>', page)
    assert opened == ["chen"]


def test_the_only_admin_is_told_how_their_own_rights_change() -> None:
    """No other admin may change them: the server's operator does, at its console."""
    clerk = User(username="chen", roles=["archivist"], clearance="secret",
                 department="archive", active=True, created_at=datetime(2030, 1, 1, tzinfo=UTC))
    alone = _page([_user("admin"), clerk], problem="")
    assert "您是唯一在用的系统管理员" in alone
    assert "archive user change" in alone
    assert "由另一位系统管理员修改" not in alone
    with_another = _page([_user("admin"), _user("root")], problem="")
    assert "您自己的角色和密级权限由另一位系统管理员修改" in with_another
