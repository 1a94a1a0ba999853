"""The register's escalations and the archivist's desk in real Chromium (issue 17): a
paper loan held past the escalation period without renewal (B4) is escalated by the
registry's own check, with the clock moved (never a sleep); the register lists it as
escalated; the borrower's department head and the archivists find the notification
unread — the count beside 借阅 on every page says so — and opening their notifications
marks it read; the borrower is not told. Returned damaged, the loan's incident is on
the archivist's desk with its documents' archive numbers, where another archivist
resolves it with what was done, which the loan's page then shows (B5). axe-core on
every page; the desk's screenshots are saved."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import expect_no_serious_violations
from tests.browser.office import Office, office_fixture

TITLE = "二次装修押金收据"


office = office_fixture("desk")


@pytest.fixture(scope="module")
def loan(office: Office) -> dict[str, Any]:
    """li's paper loan of one receipt, approved and handed over at the office's start."""
    document = office.file(title=TITLE, household="B-0305",
                           category="decoration", filed_at="2029-04-01")

    def lend() -> dict[str, Any]:
        with office.archive.as_("li") as li:
            asked = li.post("/registry/loans", json={
                "documents": [document["document_id"]], "kind": "paper",
                "purpose": "核对押金", "reason": "业主申请退还装修押金"})
        assert asked.status_code == 201, asked.text
        loan_id = asked.json()["loan_id"]
        for person, move in (("zhou", "approve"), ("wang", "approve"), ("wang", "issue")):
            with office.archive.as_(person) as client:
                moved = client.post(f"/registry/loans/{loan_id}/{move}", json={})
            assert moved.status_code == 200, moved.text
        return {"loan_id": loan_id, "archive_no": document["archive_no"]}

    return office.run(lend)


def _count(page: Page, kind: str) -> Any:
    """A count beside 借阅 in the top navigation (loaded after the page)."""
    return page.get_by_role("navigation", name="主导航").locator(f".count.{kind}")


def test_an_unrenewed_loan_is_escalated_and_its_notice_read_by_those_told(
        office: Office, loan: dict[str, Any], screenshots: Path) -> None:
    sun = office.open_as("sun")
    sun.goto("/ui/loans?show=escalated")
    expect(sun.get_by_role("region", name="借阅登记簿")).to_contain_text("没有超期的借阅。")
    expect(sun.get_by_role("region", name="通知")).to_contain_text("没有通知。")
    expect(sun.get_by_role("region", name=re.compile("借阅事故"))).to_contain_text(
        "没有未处理的借阅事故")
    expect_no_serious_violations(sun)

    office.clock.advance(timedelta(days=16))
    assert office.escalate() == [loan["loan_id"]]

    zhou = office.open_as("zhou")
    expect(_count(zhou, "notices")).to_contain_text("1 条未读通知")
    zhou.get_by_role("navigation", name="主导航").get_by_role(
        "link", name=re.compile("借阅")).click()
    notices = zhou.get_by_role("region", name=re.compile("通知"))
    expect(notices).to_contain_text("1 条新通知")
    expect(notices.locator("li.unread")).to_have_count(1)
    # B4: the notice names whose loan, when it was due and which documents.
    expect(notices.locator("li.unread")).to_contain_text(re.compile(
        r"li（客服部）的借阅超期未还，已上报；应在 2030年\d+月\d+日 \d+:\d\d:\d\d 前归还。"))
    expect(notices.locator("li.unread")).to_contain_text(f"文件：{loan['archive_no']}")
    expect_no_serious_violations(zhou)
    notices.screenshot(path=screenshots / "loan-escalation-notice.png")
    # Opened, the notice is read: the count is gone and the notice is no longer new.
    expect(_count(zhou, "notices")).to_have_count(0)
    zhou.reload()
    expect(notices.locator("li")).to_have_count(1)
    expect(notices.locator("li.unread")).to_have_count(0)
    notices.get_by_role("link", name="查看 li 的借阅").click()
    expect(zhou.get_by_role("heading", level=1)).to_contain_text("借出中")

    li = office.open_as("li")  # the borrower is told to return it, and was of the approval
    expect(_count(li, "notices")).to_contain_text("2 条未读通知")
    li.goto("/ui/loans")
    told = li.get_by_role("region", name="通知")
    expect(told).to_contain_text(re.compile(
        r"您的借阅已超期未还（应在 2030年\d+月\d+日 \d+:\d\d:\d\d 前归还），"
        r"已上报部门负责人和档案室。请尽快归还。"))
    expect(told).to_contain_text("您的借阅申请已全部批准。")
    expect(told).not_to_contain_text("请联系借阅人")  # the heads' advice is not theirs

    sun.goto("/ui/search")
    expect(_count(sun, "notices")).to_contain_text("1 条未读通知")
    sun.goto("/ui/loans?show=escalated")
    register = sun.get_by_role("region", name="借阅登记簿")
    expect(register.locator("tbody tr")).to_have_count(1)
    expect(register).to_contain_text("已上报")
    expect(register).to_contain_text("已超期")
    expect(register).to_contain_text(TITLE)
    expect_no_serious_violations(sun)


def test_a_damaged_return_puts_its_incident_on_the_archivists_desk(
        office: Office, loan: dict[str, Any], screenshots: Path) -> None:
    wang = office.open_as("wang")
    wang.goto(f"/ui/loans/{loan['loan_id']}")
    wang.get_by_label("有损坏或遗失（将登记事故）").check()
    wang.get_by_label("备注").fill("收据右下角缺损")
    wang.get_by_role("button", name="归还注销").click()
    expect(wang.get_by_role("status")).to_contain_text("已归还注销")

    wang.goto("/ui/loans")
    desk = wang.get_by_role("region", name=re.compile("借阅事故"))
    expect(desk.locator("tbody tr")).to_have_count(1)
    row = desk.locator("tbody tr")
    expect(row).to_contain_text(loan["archive_no"])
    expect(row).to_contain_text("收据右下角缺损")
    expect(row).to_contain_text("wang")
    expect_no_serious_violations(wang)
    wang.screenshot(path=screenshots / "loan-desk.png", full_page=True)
    # Keyboard: the incident's loan is reached by tabbing to its link; open, it says so.
    link = row.get_by_role("link")
    link.focus()
    wang.keyboard.press("Enter")
    expect(wang.get_by_role("heading", level=1)).to_contain_text("已归还")
    incidents = wang.get_by_role("region", name=re.compile("借阅事故"))
    expect(incidents).to_contain_text("收据右下角缺损")
    expect(incidents).to_contain_text("未处理")

    # B5: another archivist resolves it at the desk with what was done.
    sun = office.open_as("sun")
    sun.goto("/ui/loans")
    desk = sun.get_by_role("region", name=re.compile("借阅事故"))
    desk.get_by_label(re.compile("处理结果")).fill("已送修复，借阅人签字确认")
    desk.get_by_role("button", name="处理完毕，关闭事故").click()
    expect(sun.get_by_role("status")).to_contain_text("事故已关闭")
    expect(desk.locator("tbody tr")).to_have_count(0)
    expect(desk).to_contain_text("没有未处理的借阅事故")
    expect_no_serious_violations(sun)
    # The resolution stays readable on the loan's page: who, when, what was done.
    sun.goto(f"/ui/loans/{loan['loan_id']}")
    resolved = sun.get_by_role("region", name=re.compile("借阅事故"))
    expect(resolved).to_contain_text("已处理")
    expect(resolved).to_contain_text("sun 处理：已送修复，借阅人签字确认")
    expect(resolved).to_contain_text("收据右下角缺损")
    expect_no_serious_violations(sun)
    sun.screenshot(path=screenshots / "loan-incident-resolved.png", full_page=True)

    qian = office.open_as("qian")  # compliance reads the register, works no desk
    qian.goto("/ui/loans")
    expect(qian.get_by_role("region", name=re.compile("借阅事故"))).to_have_count(0)
