"""My account (我的账户, ``/ui/account``): the form's own checks before the registry is
asked, the field a refusal sends the person back to, and the page in each state: who the
person is, the change-password form, each refusal said in words with what to do, the
change done; reached from the account name in every page's top bar."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from services.common.auth import Principal
from services.common.contracts.accounts import User
from services.web.navigation import layout
from services.web.own_account_page import own_account, own_password_problem, problem_field
from services.web.render import Language
from tests.unit.web.conftest import shared_pages

GOOD = "correct horse battery"
WANG = User(username="wang", roles=["archivist", "admin"], clearance="confidential",
            department="archive", active=True, created_at=datetime(2030, 1, 1, tzinfo=UTC),
            full_name="王芳")
READER = WANG.principal()


def _page(*, language: Language = "zh", problem: str = "", done: str = "",
          wait_s: int | None = None, user: User = WANG) -> str:
    return shared_pages().html(language, "account.html", layout(READER, "/ui/account", "t") | {
        "view": own_account(user), "problem": problem, "problem_field": problem_field(problem),
        "wait_s": wait_s, "done": done, "refused": ""})


def _input(page: str, field_id: str) -> str:
    found = re.search(rf'<input id="{field_id}"[^>]*>', page)
    assert found is not None, field_id
    return found.group(0)


def test_a_change_needs_the_current_password_and_a_new_one_entered_twice_alike() -> None:
    assert own_password_problem("old one", GOOD, GOOD) == ""
    assert own_password_problem("", GOOD, GOOD) == "current_password_required"
    assert own_password_problem("old one", "short", "short") == "password_too_short"
    assert own_password_problem("old one", GOOD, GOOD + "!") == "passwords_differ"
    assert own_password_problem("old one", "x" * 300, "x" * 300) == "password_too_long"


@pytest.mark.parametrize(("problem", "field"), [
    ("", ""), ("wrong_password", "current-password"),
    ("current_password_required", "current-password"),
    ("login_rate_limited", "current-password"), ("password_too_common", "new-password"),
    ("password_contains_username", "new-password"), ("passwords_differ", "new-password"),
])
def test_a_refusal_goes_back_to_the_field_to_correct(problem: str, field: str) -> None:
    assert problem_field(problem) == field


def test_the_page_says_who_the_person_is_by_chinese_names() -> None:
    page = _page()
    record = page[page.index('<dl class="record">'):page.index("</dl>")]
    said = " ".join(re.sub(r"<[^>]+>", " ", record).split())
    assert said == "用户名 wang 姓名 王芳 角色 档案管理员、系统管理员 密级权限 机密 部门 档案室"
    unnamed = " ".join(re.sub(r"<[^>]+>", " ", _page(user=User(
        username="li", roles=["staff"], clearance="ordinary", department=None, active=True,
        created_at=WANG.created_at))).split())
    assert "部门 未登记" in unnamed
    assert "姓名 未登记（打印的移交清单等只印用户名；请系统管理员在“账号”里填写）" in unnamed
    assert 'role="alert"' not in page
    assert "autofocus" not in page


def test_the_form_masks_each_password_for_password_managers_and_sends_its_csrf_token(
        ) -> None:
    page = _page()
    assert re.search(r'<form method="post" action="/ui/account/password"[^>]*>\s*'
                     r'<input type="hidden" name="_csrf_token" value="t">', page)
    fields = {field_id: _input(page, field_id)
              for field_id in ("current-password", "new-password", "new-password-again")}
    assert all('type="password"' in tag and "required" in tag for tag in fields.values())
    assert 'autocomplete="current-password"' in fields["current-password"]
    assert 'autocomplete="new-password"' in fields["new-password"]
    assert 'autocomplete="new-password"' in fields["new-password-again"]
    for field_id in fields:
        assert f'<label for="{field_id}">' in page


@pytest.mark.parametrize(("problem", "said", "field"), [
    ("wrong_password", "现在的密码不正确，密码没有更改。请重新输入", "current-password"),
    ("current_password_required", "请输入您现在的密码", "current-password"),
    ("password_too_short", "密码至少要 8 个字符。请输入更长的密码。", "new-password"),
    ("password_too_long", "密码最多 256 个字符。请输入短一些的密码。", "new-password"),
    ("password_too_common", "这个密码太常见了", "new-password"),
    ("password_contains_username", "密码里含有用户名", "new-password"),
    ("passwords_differ", "两次输入的密码不一样。请重新输入。", "new-password"),
])
def test_a_refusal_is_said_in_chinese_and_focuses_the_field_to_correct(
        problem: str, said: str, field: str) -> None:
    page = _page(problem=problem)
    alert = re.search(r'<p class="refusal" role="alert" id="problem">(.*?)</p>', page, re.S)
    assert alert is not None
    assert said in alert.group(1)
    marked = [field_id for field_id in ("current-password", "new-password",
                                        "new-password-again")
              if 'aria-invalid="true" aria-describedby="problem" autofocus'
              in _input(page, field_id)]
    assert marked == [field]


def test_too_many_wrong_passwords_say_how_long_to_wait() -> None:
    page = _page(problem="login_rate_limited", wait_s=42)
    assert "密码没有更改。尝试次数过多，请 42 秒后再试。" in page
    assert "请一分钟后再试" in _page(problem="login_rate_limited")
    english = _page(language="en", problem="login_rate_limited", wait_s=42)
    assert "Your password was not changed. Too many attempts; try again in 42 seconds." in \
        english


def test_a_change_done_says_the_person_stays_signed_in_here_only() -> None:
    notice = re.search(r'<p class="notice" role="status" tabindex="-1" autofocus>(.*?)</p>',
                       _page(done="password"))
    assert notice is not None
    assert notice.group(1).startswith("密码已更改。您在这里仍然登录着")
    assert "My account" in _page(language="en", done="password")
    assert "Your password has been changed" in _page(language="en", done="password")


def test_every_pages_top_bar_leads_to_ones_own_account_by_ones_name() -> None:
    elsewhere = shared_pages().html("zh", "failure.html", layout(
        Principal(username="li", roles=("staff",)), "/ui/loans", "t") | {
        "status": 404, "code": "not_found", "retry": None, "back": None, "home": None})
    assert re.search(r'<a href="/ui/account"><span class="who">li</span>'
                     r'<span class="visually-hidden">（我的账户）</span></a>', elsewhere)
    assert '<a href="/ui/account" aria-current="page"><span class="who">wang</span>' in _page()
