"""Loans (借阅) in real Chromium (issue 17), each person in a browser context of their
own: a staff member asks for a confidential document from its page; the manager, the
director and the archivist each find it in their inbox (the count on every page) and
approve in turn; the archivist hands it over; the borrower confirms receipt, reads it
view-only (the text, never the original's download) and renews
it to the limit, where the page stops offering 续借 and says why; with the clock moved
past the due date the register lists it as overdue, and the archivist checks it back in
(a plain return: a view-only loan has no paper to damage), after which the
borrower's text is refused again. A request from a
household page for an external reader is rejected with a note the requester reads.
axe-core on every page; the inbox's screenshot is saved."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.axe import expect_no_serious_violations
from tests.browser.office import Office, documents_fixture, expect_not_found, office_fixture
from tests.fixtures.app import PASSWORD

CONFIDENTIAL = "漏水赔偿和解协议"
PLAIN = "阳台改造申请"


office = office_fixture("loans", loan_max_renewals=1)
"""One renewal allowed, so the second is past the limit."""


documents = documents_fixture(
    confidential=dict(title=CONFIDENTIAL, household="A-1202", category="correspondence",
                      security="confidential", filed_at="2029-05-01"),
    plain=dict(title=PLAIN, household="A-1203", category="application", filed_at="2029-06-01"),
)


def _waiting_count(page: Page) -> Any:
    """The count beside 借阅 in the top navigation (loaded after the page)."""
    return page.get_by_role("navigation", name="主导航").locator(".count.waiting")


def _nav_link(page: Page, name: str) -> Any:
    return page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name=re.compile(name))


def _approve_from_inbox(page: Page, note: str) -> None:
    expect(_waiting_count(page)).to_contain_text("1 项待您审批")
    _nav_link(page, "借阅").click()
    inbox = page.get_by_role("region", name=re.compile("待我审批"))
    expect(inbox.locator("tbody tr")).to_have_count(1)
    expect(inbox).to_contain_text(CONFIDENTIAL)
    expect_no_serious_violations(page)
    inbox.locator("tbody tr a").first.click()
    page.get_by_label("审批意见（可不填）").fill(note)
    page.get_by_role("button", name="批准").click()
    expect(page.get_by_role("status")).to_contain_text("已批准这一步")
    expect_no_serious_violations(page)


def _external_request_without_organisation(page: Page) -> None:
    """A paper loan of the household's plain document for an outside reader, sent with
    the reader's name only: refused, as every detail of an outside reader is needed."""
    page.get_by_role("checkbox", name=re.compile(PLAIN)).check()
    page.get_by_label("纸质借出").check()
    page.get_by_label("借阅目的").fill("业主委托查阅")
    page.get_by_label("理由").fill("律师事务所核对改造申请")
    page.get_by_text("为外部查阅人申请").click()
    page.get_by_label("姓名").fill("陈律师")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("alert")).to_contain_text("需要全部填写")
    # The first field left empty is focused; each one left empty is marked and says why.
    expect(page.get_by_label("单位")).to_be_focused()
    for empty in ("单位", "身份证件", "介绍信"):
        expect(page.get_by_label(empty)).to_have_attribute("aria-invalid", "true")
        expect(page.get_by_label(empty)).to_have_accessible_description(
            re.compile("需要全部填写"))
    expect(page.get_by_label("姓名")).not_to_have_attribute("aria-invalid", "true")


def _reads_view_only(page: Page, document_url: str) -> None:
    """A digital loan out: the page's text and image are shown, the original is not
    offered for download."""
    page.goto(document_url)
    expect(page.locator(".page-text .text")).not_to_be_empty()
    expect(page.get_by_role("link", name="下载原件")).to_have_count(0)
    expect(page.get_by_text("不能下载原件")).to_be_visible()
    expect_no_serious_violations(page)


def test_a_confidential_loan_goes_through_each_approver_and_is_renewed_to_the_limit(
        office: Office, documents: dict[str, Any], screenshots: Path) -> None:
    li = office.open_as("li")
    li.goto(f"/ui/documents/{documents['confidential']['document_id']}")
    li.get_by_role("link", name="申请借阅").click()
    expect(li.get_by_role("checkbox", name=re.compile(CONFIDENTIAL))).to_be_checked()
    expect_no_serious_violations(li)
    li.get_by_label("借阅目的").fill("核对赔偿金额")
    li.get_by_label("理由").fill("业主来电询问赔偿协议")
    li.get_by_role("button", name="提交申请").click()
    expect(li.get_by_role("status")).to_contain_text("申请已提交")
    expect(li.get_by_role("heading", level=1)).to_contain_text("待批准")
    expect(li.locator(".chain li")).to_have_count(3)
    expect(li.locator("main")).to_contain_text("li（客服部）")  # the department by its name
    expect_no_serious_violations(li)
    loan_url = li.url.split("?")[0]

    zhou = office.open_as("zhou")
    expect(_waiting_count(zhou)).to_contain_text("1 项待您审批")
    _nav_link(zhou, "借阅").click()
    expect(_waiting_count(zhou)).to_contain_text("1 项待您审批")
    zhou.screenshot(path=screenshots / "loan-inbox.png", full_page=True)
    zhou.goto("/ui/search")
    _approve_from_inbox(zhou, "同意，请注意保密")
    zhou.goto("/ui/loans")
    expect(zhou.get_by_text("现在没有等待您审批的申请")).to_be_visible()

    director = office.open_as("zhao")
    director.goto(loan_url)
    # The director sees why the loan waits for them: the document's level, marked.
    listed = director.get_by_role("region", name=re.compile("份文件"))
    expect(listed.locator(".badge")).to_contain_text("密级：机密")
    expect(director.get_by_role("heading", level=1)).to_contain_text(
        f"li 借阅 {documents['confidential']['archive_no']}")
    director.screenshot(path=screenshots / "loan-for-approval.png", full_page=True)
    _approve_from_inbox(director, "同意")
    wang = office.open_as("wang")
    _approve_from_inbox(wang, "同意借阅")
    expect(wang.get_by_role("heading", level=1)).to_contain_text("已批准")
    expect(wang.locator("nav.crumbs")).to_contain_text(
        f"li 借阅 {documents['confidential']['archive_no']}")
    wang.screenshot(path=screenshots / "loan-approved.png", full_page=True)
    wang.get_by_role("button", name="开通电子查阅").click()
    expect(wang.get_by_role("status")).to_contain_text("已开通电子查阅")

    li.goto("/ui/loans")
    mine = li.get_by_role("region", name="我的借阅")
    expect(mine).to_contain_text("查阅中")
    expect_no_serious_violations(li)
    li.goto(loan_url)
    expect(li.locator(".chain")).to_contain_text("zhou 已批准（同意，请注意保密）")
    li.get_by_role("button", name="确认收到").click()
    expect(li.get_by_role("status")).to_contain_text("已确认收到")
    document_url = f"/ui/documents/{documents['confidential']['document_id']}"
    _reads_view_only(li, document_url)
    li.goto(loan_url)
    li.get_by_role("button", name="续借").click()
    expect(li.get_by_role("status")).to_contain_text("已续借")
    expect(li.get_by_text("已续借 1 次")).to_be_visible()
    # At the limit the page no longer offers 续借 and says why beside where it was.
    expect(li.get_by_role("button", name="续借")).to_have_count(0)
    expect(li.locator(".loan-actions")).to_contain_text("不能续借：")
    expect(li.locator(".loan-actions")).to_contain_text("已经续借到最多次数")
    expect(li.locator(".loan-actions")).to_contain_text("重新申请借阅")
    expect_no_serious_violations(li)

    office.clock.advance(timedelta(days=30))
    wang.goto("/ui/loans?show=overdue")
    register = wang.get_by_role("region", name="借阅登记簿")
    expect(register.locator("tbody tr")).to_have_count(1)
    expect(register).to_contain_text("已超期")
    expect(register).to_contain_text("li")
    expect_no_serious_violations(wang)

    register.locator("tbody tr a").first.click()
    # A view-only loan has no paper to damage: a plain return, no damage check.
    expect(wang.get_by_label("有损坏或遗失（将登记事故）")).to_have_count(0)
    wang.get_by_role("button", name="结束电子查阅").click()
    expect(wang.get_by_role("status")).to_contain_text("已结束电子查阅")
    expect(wang.get_by_role("heading", level=1)).to_contain_text("查阅已结束")
    expect(wang.locator("dl.record")).to_contain_text("结束时间")
    wang.goto("/ui/loans?show=overdue")
    expect(wang.get_by_text("没有超期的借阅。")).to_be_visible()
    # Returned: the borrower's view-only reading ends with the loan (B6).
    li.goto(document_url)
    expect(li.locator(".page-text")).to_have_count(0)
    expect(li.locator("#page-heading + .refusal")).to_be_visible()
    expect(li.get_by_role("link", name="下载原件")).to_have_count(0)


def test_a_household_request_for_an_external_reader_is_rejected_with_a_note(
        office: Office, documents: dict[str, Any]) -> None:
    li = office.open_as("li")
    li.goto("/ui/households/A-1203")
    li.get_by_role("link", name="申请借阅这一户的文件").click()
    _external_request_without_organisation(li)
    li.get_by_label("单位").fill("明德律师事务所")
    li.get_by_label("身份证件").fill("律师执业证 1101")
    li.get_by_label("介绍信").fill("明律函〔2030〕12号")
    li.get_by_role("button", name="提交申请").click()
    expect(li.get_by_role("status")).to_contain_text("申请已提交")
    expect(li.get_by_text("陈律师 · 明德律师事务所")).to_be_visible()

    zhou = office.open_as("zhou")
    zhou.goto(li.url.split("?")[0])
    zhou.get_by_role("button", name="驳回").click()  # the reason is required first
    expect(zhou.get_by_label("驳回理由（必填，借阅人会看到）")).to_be_focused()
    zhou.get_by_label("驳回理由（必填，借阅人会看到）").fill("请附介绍信原件扫描件")
    zhou.get_by_role("button", name="驳回").click()
    expect(zhou.get_by_role("status")).to_contain_text("已驳回")

    li.reload()
    expect(li.get_by_role("heading", level=1)).to_contain_text("已驳回")
    rejection = li.get_by_role("region", name="驳回理由")
    expect(rejection).to_contain_text("请附介绍信原件扫描件")
    expect(rejection).to_contain_text("zhou")
    expect_no_serious_violations(li)


def test_someone_who_may_not_see_a_loan_gets_the_same_404_and_a_move_needs_its_token(
        office: Office, documents: dict[str, Any]) -> None:
    qian = office.open_as("qian")  # compliance reads the register, approves nothing
    qian.goto("/ui/loans")
    expect(qian.get_by_role("region", name=re.compile("待我审批"))).to_have_count(0)
    li = office.open_as("li")
    expect_not_found(li, "/ui/loans/no-such-loan")
    li.goto("/ui/loans")
    loan_url = li.get_by_role("region", name="我的借阅").locator("tbody tr a").first
    forged = li.request.post(f"{loan_url.get_attribute('href')}/renew", form={"note": ""},
                             max_redirects=0)
    assert forged.status == 403
    assert "表单已失效" in forged.text()


def test_a_request_sent_after_the_session_ended_is_there_again_after_signing_in(
        office: Office, documents: dict[str, Any], screenshots: Path) -> None:
    li = office.open_as("li")
    li.goto("/ui/households/A-1203")
    li.get_by_role("link", name="申请借阅这一户的文件").click()
    form_page = li.url
    _external_request_without_organisation(li)
    # Shown at the form's POST address, the refusal stands for the form's page.
    expect(li).to_have_url(form_page)
    li.get_by_label("单位").fill("明德律师事务所")

    li.context.clear_cookies(name="archive_session")  # the session ran out with its cookie
    li.get_by_role("button", name="提交申请").click()
    expect(li.get_by_role("alert")).to_contain_text("刚才的表单没有提交")
    expect_no_serious_violations(li)
    li.get_by_label("用户名").fill("li")
    li.get_by_label("密码").fill(PASSWORD)
    li.get_by_role("button", name="登录").click()

    expect(li).to_have_url(form_page)
    expect(li.get_by_role("checkbox", name=re.compile(PLAIN))).to_be_checked()
    expect(li.get_by_label("纸质借出")).to_be_checked()
    expect(li.get_by_label("借阅目的")).to_have_value("业主委托查阅")
    expect(li.get_by_label("理由")).to_have_value("律师事务所核对改造申请")
    expect(li.get_by_label("姓名")).to_have_value("陈律师")
    expect(li.get_by_label("单位")).to_have_value("明德律师事务所")
    expect(li.get_by_label("姓名")).to_be_visible()  # its folded part opened to show it
    li.screenshot(path=screenshots / "loan-request-put-back.png", full_page=True)
    li.reload()  # kept until the next page only
    expect(li.get_by_label("借阅目的")).to_have_value("")
