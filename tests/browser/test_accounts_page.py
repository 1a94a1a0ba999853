"""Accounts (``/ui/admin/users``, issue 17) in real Chromium: the admin adds a user, who
then signs in; the admin tries to deactivate a user who still holds a loan and is
refused with the loan listed and linked (B9); once the archivist has taken it back the
departure, confirmed by a second button, goes through and the user can no longer sign in
until the admin takes them back; a password reset ends the old password; an admin's own
departure is refused in words; anyone but an admin gets the "not found" page. Anyone
changes their own password on 我的账户 by keyboard and stays signed in. axe-core on the
pages; their screenshots are saved."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.axe import expect_no_serious_violations
from tests.browser.office import Office, Person, expect_not_found, office_fixture
from tests.browser.phone import PHONE, expect_no_sideways_scroll
from tests.fixtures.app import PASSWORD

APPROVERS = {"manager": "zhou", "director": "zhao", "archivist": "wang"}
"""Who of the office gives each approval step."""


office = office_fixture("accounts", [Person("root", "admin", clearance="secret",
                                            department="it"),
                                     Person("xu", "staff", department="customer_service")])
"""``root`` is cleared as the office's staff are: an admin resets no password of an
account cleared above their own clearance. ``xu`` is the one whose rights change."""


def _issued_loan(office: Office, borrower: str) -> tuple[str, str]:
    """A paper loan ``borrower`` asked for, approved along its chain and handed over: its
    id and its document's archive number."""
    server = office.archive.server
    document = office.file(title="阳台改造申请", household="A-1203",
                           category="application", filed_at="2029-06-01")
    token = office.run(server.login, borrower)
    with server.client(token) as client:
        asked = client.post("/registry/loans", json={
            "documents": [document["document_id"]], "kind": "paper",
            "purpose": "核对", "reason": "业主来电"})
        assert asked.status_code == 201, asked.text
    loan: dict[str, Any] = asked.json()
    while loan["status"] == "requested":
        with office.archive.as_(APPROVERS[loan["next_approval"]]) as client:
            approved = client.post(f"/registry/loans/{loan['loan_id']}/approve", json={})
        assert approved.status_code == 200, approved.text
        loan = approved.json()
    with office.archive.as_("wang") as client:
        assert client.post(f"/registry/loans/{loan['loan_id']}/issue").status_code == 200
    return str(loan["loan_id"]), str(document["archive_no"])


def _deactivate(admin: Page, username: str) -> None:
    """A departure takes two steps: the row's 停用（离职） opens what it will do, and a
    second button, naming the person, does it."""
    row = admin.get_by_role("row", name=re.compile(f"^{re.escape(username)}"))
    opening = row.locator("summary", has_text="停用（离职）")
    expect(opening).to_have_accessible_name(f"停用（离职） {username}")
    opening.click()
    expect(row).to_contain_text("不能再登录")
    expect(row).to_contain_text("借阅申请会被撤回")
    row.get_by_role("button", name=f"确认停用 {username}").click()


def _signs_in(office: Office, username: str, password: str) -> bool:
    context = office.browser.new_context(base_url=office.archive.server.url, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto("/ui/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        return "/ui/search" in page.url
    finally:
        context.close()


def test_an_admin_adds_a_user_who_signs_in_and_a_departure_waits_for_the_loans(
        office: Office, screenshots: Path) -> None:
    root = office.open_as("root")
    root.get_by_role("navigation", name="主导航").get_by_role("link", name="账号").click()
    expect(root.get_by_role("heading", level=1)).to_have_text("账号")
    users = root.get_by_role("region", name=re.compile("个用户"))
    expect(users.get_by_role("row", name=re.compile("zhou"))).to_contain_text("客服部")
    expect_no_serious_violations(root)

    form = root.get_by_role("region", name="添加用户")
    form.get_by_label("用户名").fill("chen")
    form.get_by_label(re.compile("^姓名（")).fill(" 陈  晨 ")
    form.get_by_role("checkbox", name="员工").check()
    form.get_by_label(re.compile("^部门（")).fill("客服部")  # a usual department by its name
    form.get_by_label("初始密码（至少 8 个字符）").fill(PASSWORD)
    form.get_by_label("再输入一次初始密码").fill(PASSWORD + "x")
    form.get_by_role("button", name="添加用户").click()
    expect(root.get_by_role("alert")).to_contain_text("两次输入的密码不一样")
    form = root.get_by_role("region", name="添加用户")
    expect(form.get_by_label("用户名")).to_have_value("chen")
    expect(form.get_by_role("checkbox", name="员工")).to_be_checked()
    expect(form.get_by_label(re.compile("^部门（"))).to_have_value("customer_service")
    form.get_by_label("初始密码（至少 8 个字符）").fill(PASSWORD)
    form.get_by_label("再输入一次初始密码").fill(PASSWORD)
    form.get_by_role("button", name="添加用户").click()
    expect(root.get_by_role("status")).to_contain_text("已添加用户 陈 晨（chen）")
    row = root.get_by_role("row", name=re.compile("^chen"))
    expect(row.get_by_role("cell").first).to_have_text("陈 晨")  # its spaces tidied
    expect(row).to_contain_text("员工")
    expect(row).to_contain_text("客服部")
    expect(row).to_contain_text("在用")
    expect_no_serious_violations(root)

    chen = office.open_as("chen")
    expect(chen.locator(".who")).to_have_text("陈 晨（chen）")  # the top bar names them
    expect_not_found(chen, "/ui/admin/users")
    # still signed in, and the bar says so
    expect(chen.locator(".who")).to_have_text("陈 晨（chen）")
    expect(chen.get_by_role("navigation", name="主导航")).to_be_visible()

    loan_id, archive_no = _issued_loan(office, "chen")
    _deactivate(root, "chen")
    refusal = root.get_by_role("alert")
    expect(refusal).to_contain_text("还有借阅没有归还")
    expect(refusal).to_contain_text("请先让他归还下列借阅")
    listed = refusal.locator(".open-loans li")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("借出中")
    expect(listed).to_contain_text("应还 ")
    # Named as text, not linked: the admin does not read the loan register (an archivist
    # takes it back), so a link would only lead to "not found".
    expect(listed).to_contain_text(archive_no)
    expect(refusal.get_by_role("link", name=archive_no)).to_have_count(0)
    expect(refusal).to_contain_text("请档案管理员在“借阅 → 归还”办理")
    expect_no_serious_violations(root)
    root.screenshot(path=screenshots / "accounts.png", full_page=True)

    with office.archive.as_("wang") as client:
        returned = client.post(f"/registry/loans/{loan_id}/return", json={"intact": True})
        assert returned.status_code == 200, returned.text
    root.goto("/ui/admin/users")
    _deactivate(root, "chen")
    expect(root.get_by_role("status")).to_contain_text("已停用 陈 晨（chen） 的账号")
    expect(root.get_by_role("row", name=re.compile("^chen"))).to_contain_text("已停用")
    assert not _signs_in(office, "chen", PASSWORD)
    chen.goto("/ui/search")  # the session of someone who left ends too
    chen.wait_for_url(re.compile("/ui/login"))

    root.get_by_role("button", name="重新启用 chen").click()
    expect(root.get_by_role("status")).to_contain_text("已重新启用 陈 晨（chen） 的账号")
    expect(root.get_by_role("row", name=re.compile("^chen"))).to_contain_text("在用")
    assert _signs_in(office, "chen", PASSWORD)  # the same password; no earlier sign-in


def test_a_password_reset_ends_the_old_password(office: Office) -> None:
    root = office.open_as("root")
    root.goto("/ui/admin/users")
    row = root.get_by_role("row", name=re.compile("^li"))
    # Each row's link says whose password it resets (WCAG 2.4.6, 2.5.3).
    expect(row.locator("summary", has_text="重设密码")).to_have_accessible_name("重设密码 li")
    row.locator("summary", has_text="重设密码").click()
    row.get_by_label("新密码（至少 8 个字符）").fill("新的密码 2030")
    row.get_by_label("再输入一次新密码").fill("新的密码 2030")
    row.get_by_role("button", name="保存新密码").click()
    expect(root.get_by_role("status")).to_contain_text("已重设 li 的密码")
    assert not _signs_in(office, "li", PASSWORD)
    assert _signs_in(office, "li", "新的密码 2030")
    forged = root.request.post("/ui/admin/users/li/deactivate", form={}, max_redirects=0)
    assert forged.status == 403


def test_an_admin_changes_someones_roles_and_clearance_and_their_sign_in_ends(
        office: Office, screenshots: Path) -> None:
    xu = office.open_as("xu")
    root = office.open_as("root")
    root.goto("/ui/admin/users")
    row = root.get_by_role("row", name=re.compile("^xu"))
    opening = row.locator("summary", has_text="修改姓名、角色与权限")
    expect(opening).to_have_accessible_name("修改姓名、角色与权限 xu")
    opening.click()
    # The form shows the account as it is.
    expect(row.get_by_role("checkbox", name="员工", exact=True)).to_be_checked()
    expect(row.get_by_label("密级权限")).to_have_value("ordinary")
    expect(row.get_by_label("部门（可不填）")).to_have_value("客服部")
    # None of the roles: refused, said, and the form open again at that row.
    row.get_by_role("checkbox", name="员工", exact=True).uncheck()
    row.get_by_role("button", name="保存 xu 的姓名、角色与权限").click()
    expect(root.get_by_role("alert")).to_contain_text("请至少选择一个角色")
    row = root.get_by_role("row", name=re.compile("^xu"))
    expect(row.get_by_role("button", name="保存 xu 的姓名、角色与权限")).to_be_visible()
    row.get_by_role("checkbox", name="部门负责人").check()
    row.get_by_label("密级权限").select_option("confidential")
    expect_no_serious_violations(root)
    root.screenshot(path=screenshots / "account-change.png", full_page=True)
    row.get_by_role("button", name="保存 xu 的姓名、角色与权限").click()
    expect(root.get_by_role("status")).to_contain_text("已保存 xu 的角色、密级权限和部门")
    row = root.get_by_role("row", name=re.compile("^xu"))
    expect(row).to_contain_text("部门负责人")
    expect(row).to_contain_text("机密")
    expect(row).to_contain_text("客服部")  # the department, shown by its name, kept
    # Their sign-in ended: the next page asks them to sign in again.
    xu.goto("/ui/search")
    expect(xu).to_have_url(re.compile("/ui/login"))
    # No form on one's own row: another admin, or the server's operator, changes it.
    mine = root.get_by_role("row", name=re.compile("^root"))
    expect(mine.locator("summary", has_text="修改姓名、角色与权限")).to_have_count(0)
    expect(mine).to_contain_text("您是唯一在用的系统管理员")  # root is the only admin here


def test_a_new_full_name_alone_is_saved_without_ending_the_persons_sign_in(
        office: Office) -> None:
    xu = office.open_as("xu")
    root = office.open_as("root")
    root.goto("/ui/admin/users")
    row = root.get_by_role("row", name=re.compile("^xu"))
    row.locator("summary", has_text="修改姓名、角色与权限").click()
    row.get_by_label(re.compile("^姓名（")).fill("许\u0007")  # a control character
    row.get_by_role("button", name="保存 xu 的姓名、角色与权限").click()
    expect(root.get_by_role("alert")).to_contain_text("不能有换行等控制字符")
    row = root.get_by_role("row", name=re.compile("^xu"))
    row.get_by_label(re.compile("^姓名（")).fill("许文强")
    row.get_by_role("button", name="保存 xu 的姓名、角色与权限").click()
    expect(root.get_by_role("status")).to_contain_text("已保存 许文强（xu） 的姓名")
    expect(root.get_by_role("status")).to_contain_text("登录继续有效")
    expect(root.get_by_role("row", name=re.compile("^xu"))).to_contain_text("许文强")
    xu.goto("/ui/search")
    expect(xu).to_have_url(re.compile("/ui/search"))  # still signed in


def test_an_admin_is_told_why_their_own_departure_is_refused(office: Office) -> None:
    """The page offers no departure of one's own account; asked all the same, the registry
    refuses and the page says why in Chinese."""
    root = office.open_as("root")
    root.goto("/ui/admin/users")
    mine = root.get_by_role("row", name=re.compile("^root"))
    expect(mine.locator("summary", has_text="停用（离职）")).to_have_count(0)
    token = root.locator('meta[name="csrf-token"]').get_attribute("content")
    assert token is not None
    asked = root.request.post("/ui/admin/users/root/deactivate",
                              form={"_csrf_token": token}, max_redirects=0)
    assert asked.status == 403
    assert "不能更改自己的角色或密级权限，也不能停用自己的账号" in asked.text()


def _type_password_change(page: Page, current: str, new: str, again: str) -> None:
    """Into the focused current-password field, then Tab to each new one, then Enter."""
    page.keyboard.type(current)
    page.keyboard.press("Tab")
    page.keyboard.type(new)
    page.keyboard.press("Tab")
    page.keyboard.type(again)
    page.keyboard.press("Enter")


def test_a_person_changes_their_own_password_by_keyboard_and_stays_signed_in(
        office: Office, screenshots: Path) -> None:
    """我的账户 from the name in the top bar: a wrong current password is said and its
    field focused again; the change keeps this browser signed in with a new session
    cookie, while a copy of the old one signs nobody in."""
    office.add_user("he.ping", "staff", department="customer_service")
    page = office.open_as("he.ping")
    old_cookies = page.context.cookies()
    # The account name's link, its purpose said to screen readers (WCAG 2.4.4).
    mine = page.get_by_role("link", name=re.compile(r"^he\.ping\s*（我的账户）$"))
    mine.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/ui/account")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的账户")
    expect(page.get_by_role("link", name=re.compile("我的账户"))).to_have_attribute(
        "aria-current", "page")
    details = page.locator("dl.record")
    expect(details).to_contain_text("员工")
    expect(details).to_contain_text("客服部")
    expect_no_serious_violations(page)

    page.get_by_label("现在的密码").focus()
    _type_password_change(page, "not my password", "三只猫在阳台晒太阳", "三只猫在阳台晒太阳")
    expect(page.get_by_role("alert")).to_contain_text("现在的密码不正确，密码没有更改")
    current = page.get_by_label("现在的密码")
    expect(current).to_be_focused()
    expect(current).to_have_attribute("aria-invalid", "true")
    expect(current).to_have_accessible_description(re.compile("现在的密码不正确"))
    expect(current).to_have_value("")  # nothing typed into a password field comes back
    expect_no_serious_violations(page)
    page.screenshot(path=screenshots / "own-account-refused.png", full_page=True)

    _type_password_change(page, PASSWORD, "三只猫在阳台晒太阳", "三只猫在阳台晒太阳")
    expect(page.get_by_role("status")).to_contain_text("密码已更改。您在这里仍然登录着")
    assert page.url.endswith("/ui/account?done=password")
    expect_no_serious_violations(page)
    page.screenshot(path=screenshots / "own-account.png", full_page=True)
    page.set_viewport_size(PHONE)
    expect_no_sideways_scroll(page)
    page.screenshot(path=screenshots / "phone-own-account.png", full_page=True)
    page.goto("/ui/search")
    expect(page.locator(".who")).to_have_text("he.ping")

    copy = office.browser.new_context(base_url=office.archive.server.url, locale="zh-CN")
    try:
        copy.add_cookies(old_cookies)
        replayed = copy.new_page()
        replayed.goto("/ui/account")
        replayed.wait_for_url(re.compile("/ui/login"))
    finally:
        copy.close()
    assert _signs_in(office, "he.ping", "三只猫在阳台晒太阳")
    assert not _signs_in(office, "he.ping", PASSWORD)


def test_by_keyboard_a_wrong_password_is_marked_and_escape_closes_a_confirmation(
        office: Office, screenshots: Path) -> None:
    """Sign-in by keyboard: a wrong password is said, its field marked invalid, described
    by the refusal and focused; the search page then starts in its box; on 账号, 停用
    opened with Enter closes on Escape, from the summary or from its button, and focus is
    back on the summary."""
    context = office.browser.new_context(base_url=office.archive.server.url, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto("/ui/login")
        expect(page.get_by_label("用户名")).to_be_focused()
        page.keyboard.type("root")
        page.keyboard.press("Tab")
        page.keyboard.type("not the password")
        page.keyboard.press("Enter")
        expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确")
        password = page.get_by_label("密码")
        expect(password).to_be_focused()
        expect(password).to_have_attribute("aria-invalid", "true")
        expect(password).to_have_accessible_description("用户名或密码不正确。")
        expect_no_serious_violations(page)
        page.screenshot(path=screenshots / "login-refused.png", full_page=True)
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url("**/ui/search")
        expect(page.get_by_role("searchbox", name="检索词")).to_be_focused()

        page.goto("/ui/admin/users")
        row = page.get_by_role("row", name=re.compile("^li"))
        summary = row.locator("summary", has_text="停用（离职）")
        confirm = row.get_by_role("button", name="确认停用 li")
        summary.focus()
        page.keyboard.press("Enter")
        expect(confirm).to_be_visible()
        page.keyboard.press("Escape")
        expect(confirm).to_be_hidden()
        expect(summary).to_be_focused()
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        expect(confirm).to_be_focused()
        page.screenshot(path=screenshots / "deactivate-open.png", full_page=True)
        page.keyboard.press("Escape")
        expect(confirm).to_be_hidden()
        expect(summary).to_be_focused()
        reset = row.locator("summary", has_text="重设密码")
        reset.focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        expect(row.get_by_label("新密码（至少 8 个字符）")).to_be_focused()
        page.keyboard.press("Escape")
        expect(row.get_by_label("新密码（至少 8 个字符）")).to_be_hidden()
        expect(reset).to_be_focused()
        expect(row).to_contain_text("在用")  # nothing was sent
    finally:
        context.close()
