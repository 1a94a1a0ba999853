"""The corrections page (更正审批) in real Chromium, from the keyboard: the director opens
it from the top bar (its count heard in the link's name), reads the lowering the
archivist proposed (its document, each field's value now and the one asked for, the
reason), approves it with a note, confirms,
and the page says what was done; the archivist then finds it applied among their own.
axe-core on each state; the list's screenshot is saved (``corrections.png``)."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.axe import expect_no_serious_violations
from tests.browser.office import Office, nav_link, office_fixture

office = office_fixture("corrections")
"""The office's people: ``wang`` (archivist) and ``zhao`` (director)."""


def test_a_director_approves_a_lowering_from_the_keyboard(office: Office,
                                                          screenshots: Path) -> None:
    filed = office.file(title="业主身份证复印件说明", household="A-1201",
                        category="supplement", filed_at="2024-03-01", security="confidential")
    wang = office.open_as("wang")
    wang.goto(f"/ui/documents/{filed['document_id']}")
    wang.get_by_label("密级").select_option("ordinary")
    wang.get_by_label("更正理由").fill("经核对，复印件已遮盖身份证号，不涉密")
    wang.get_by_role("button", name="提交更正").click()
    expect(wang.get_by_role("status").first).to_contain_text("“更正审批”页上批准或驳回")

    zhao = office.open_as("zhao")
    expect(nav_link(zhao, "更正审批")).to_have_accessible_name(
        re.compile(r"^更正审批\s*（1 项更正待您审批）\s*$"))
    nav_link(zhao, "更正审批").click()
    item = zhao.locator("article.correction")
    expect(item.get_by_role("heading", level=3)).to_contain_text(filed["archive_no"])
    expect(item).to_contain_text("机密")
    expect(item).to_contain_text("普通")
    expect(item).to_contain_text("理由：经核对，复印件已遮盖身份证号，不涉密")
    expect(item).to_contain_text("待您审批")
    expect_no_serious_violations(zhao)
    zhao.screenshot(path=screenshots / "corrections.png", full_page=True)

    zhao.get_by_label("审批意见（驳回时必填，提出人会看到）").focus()
    zhao.keyboard.type("同意")
    zhao.keyboard.press("Tab")
    expect(zhao.get_by_role("button", name="批准", exact=True)).to_be_focused()
    zhao.keyboard.press("Enter")
    confirm = zhao.get_by_role("region", name=f"确认批准：{filed['archive_no']}")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("wang 会收到通知")
    expect_no_serious_violations(zhao)
    confirm.get_by_role("button", name="确认批准").focus()
    zhao.keyboard.press("Enter")
    expect(zhao.get_by_role("status").first).to_contain_text(
        f"已批准 {filed['archive_no']} 的更正，记录已成为第 2 版")
    expect(zhao.get_by_text("现在没有等待审批的更正")).to_be_visible()
    expect_no_serious_violations(zhao)

    wang.goto("/ui/corrections")
    expect(wang.locator("table.mine")).to_contain_text("已生效 · zhao 于")
    wang.goto("/ui/loans")
    expect(wang.locator("ul.notices")).to_contain_text("您提出的更正已由 zhao 批准")
