"""Retention and destruction (R1–R7) in real Chromium (issue 17), each person in a browser
context of their own: the compliance officer makes engineering documents short-term in
the schedule, puts a legal hold on one document, previews a sweep (the held document is
kept out) and starts it; the manager, the compliance officer and an engineering
appraiser appraise, the page saying what each item still needs; the director approves;
a register drawn up before the six-month wait is refused, and — the clock moved past it
— drawn up, signed by two witnesses in their own sessions (a wrong password refused
first; the second a center head, who reads the register and no other retention page),
executed item by item; the register downloads as PDF and CSV and reads back;
the hold is released. axe-core on every page; the appraisal and the signing are saved
as screenshots."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.axe import expect_no_serious_violations
from tests.browser.office import (
    Office,
    Person,
    documents_fixture,
    download,
    expect_not_found,
    nav_link,
    office_fixture,
    pdf_text,
    sign_after_a_wrong_password,
)
from tests.fixtures.app import PASSWORD

REPAIR = "卫生间漏水维修记录"
DRAWINGS = "二次供水改造竣工图"
COMPLAINT = "噪音投诉处理记录"


office = office_fixture("retention", [
    Person("gao", "manager", clearance="secret", department="engineering"),
    Person("ma", "center_head", clearance="secret", department="customer_service"),
])


documents = documents_fixture(
    repair=dict(title=REPAIR, category="repair", household="A-1201", filed_at="2015-03-01"),
    drawings=dict(title=DRAWINGS, category="engineering", household="A-1202",
                  filed_at="2016-04-01"),
    complaint=dict(title=COMPLAINT, category="complaint", household="A-1203",
                   filed_at="2015-05-01"),
)


def _item(page: Page, document: dict[str, Any]) -> Any:
    return page.locator(f"#item-{document['document_id']}")


def _appraise(page: Page, document: dict[str, Any], opinion: str) -> None:
    item = _item(page, document)
    item.get_by_label("予以销毁", exact=True).check()
    item.get_by_label(re.compile("鉴定意见")).fill(opinion)
    item.get_by_role("button", name="提交鉴定").click()
    # Said in the item the page opens at, not at the top of a long page, out of view.
    said = _item(page, document).get_by_role("status")
    expect(said).to_contain_text("您的鉴定意见已记录")
    expect(said).to_be_in_viewport()


def test_a_sweep_is_appraised_approved_and_destroyed_before_two_witnesses(
        office: Office, documents: dict[str, Any], screenshots: Path,
        tmp_path: Path) -> None:
    repair, drawings, complaint = (documents[name] for name in ("repair", "drawings",
                                                               "complaint"))
    qian = office.open_as("qian")
    nav_link(qian, "保管与销毁").click()
    expect_no_serious_violations(qian)
    # R1: engineering documents are permanent by default; compliance makes them short.
    qian.get_by_role("combobox", name="工程档案").select_option("short")
    qian.get_by_role("button", name="保存保管期限表").click()
    expect(qian.get_by_role("status")).to_contain_text("保管期限表已保存")

    # R7: a hold keeps a document out of the sweep.
    qian.goto(f"/ui/holds?document={complaint['document_id']}")
    # The form asks for archive numbers (档号): the one on the folder, not the id.
    expect(qian.get_by_label(re.compile("^档号"))).to_have_value(complaint["archive_no"])
    qian.get_by_label("保全理由（必填）").fill("业主诉讼，保全噪音投诉材料")
    qian.get_by_role("button", name="设置保全").click()
    expect(qian.get_by_role("status")).to_contain_text("保全已设置")
    expect(qian.get_by_role("region", name="保全记录")).to_contain_text("保全中")
    # The list names what a hold holds, by the number on the folder, linked; the
    # document's page says it is held, and why.
    held = qian.get_by_role("region", name="保全记录").get_by_role(
        "link", name=complaint["archive_no"])
    expect(held).to_have_attribute("href", f"/ui/documents/{complaint['document_id']}")
    held.click()
    expect(qian.locator("dl.record")).to_contain_text("保全中：qian 于")
    expect(qian.locator("dl.record")).to_contain_text("业主诉讼，保全噪音投诉材料")
    expect_no_serious_violations(qian)

    nav_link(qian, "保管与销毁").click()
    qian.get_by_role("button", name="预览今天到期的文件").click()
    preview = qian.locator("#preview")
    expect(preview).to_contain_text("将列入 2 份文件")
    expect(preview).to_contain_text(repair["archive_no"])
    expect(preview).to_contain_text(drawings["archive_no"])
    expect(preview).to_contain_text(DRAWINGS)
    expect(preview).not_to_contain_text(complaint["archive_no"])
    expect_no_serious_violations(qian)
    qian.get_by_role("button", name="开始清理，交付鉴定").click()
    expect(qian.get_by_role("status")).to_contain_text("清理已开始")
    sweep_url = qian.url.split("?")[0]
    expect(_item(qian, drawings).locator(".missing")).to_contain_text("还需要工程部鉴定人的意见")
    expect(_item(qian, repair).locator(".missing")).to_contain_text("还需要另一位鉴定人")
    expect(_item(qian, repair).get_by_role("heading")).to_contain_text(REPAIR)
    _appraise(qian, repair, "已过保管期限，无查考价值")
    _appraise(qian, drawings, "已有新版竣工图，同意销毁")
    expect(_item(qian, repair).locator(".missing")).to_contain_text("部门负责人")
    # The document's own page says where it stands, and leads to its item.
    qian.goto(f"/ui/documents/{repair['document_id']}")
    standing = qian.locator("dl.record").get_by_role("link", name=re.compile("已列入到期鉴定"))
    standing.click()
    expect(_item(qian, repair)).to_be_in_viewport()

    zhou = office.open_as("zhou")
    zhou.goto(sweep_url)
    # An opinion of spaces only is refused, said in the item the page scrolls back to.
    _item(zhou, drawings).get_by_label("继续保存", exact=True).check()
    _item(zhou, drawings).get_by_label(re.compile("鉴定意见")).fill("   ")
    _item(zhou, drawings).get_by_role("button", name="提交鉴定").click()
    refusal = _item(zhou, drawings).get_by_role("alert")
    expect(refusal).to_contain_text("请写下鉴定意见")
    expect(refusal).to_be_in_viewport()
    opinion = _item(zhou, drawings).get_by_label(re.compile("鉴定意见"))
    assert zhou.evaluate("document.activeElement.id") == opinion.get_attribute("id")
    expect(opinion).to_have_accessible_description(re.compile("请写下鉴定意见"))
    _appraise(zhou, repair, "同意销毁")
    _appraise(zhou, drawings, "同意销毁")
    expect(_item(zhou, repair).locator(".missing")).to_have_count(0)
    expect(_item(zhou, repair)).to_contain_text("决定：予以销毁")
    expect(_item(zhou, drawings).locator(".missing")).to_have_text(
        re.compile("还需要工程部鉴定人的意见"))
    expect_no_serious_violations(zhou)
    # Decided, the item and the document's page say the director approves next.
    expect(_item(zhou, repair)).to_contain_text("鉴定完成，待总经理审批")
    zhou.goto(f"/ui/documents/{repair['document_id']}")
    expect(zhou.locator("dl.record")).to_contain_text("鉴定完成，决定予以销毁，等待总经理审批")

    gao = office.open_as("gao")
    gao.goto(sweep_url)
    _appraise(gao, drawings, "工程部确认：图纸已归入新版")
    opinions = _item(gao, drawings).locator("table.opinions tbody tr")
    expect(opinions).to_have_count(3)
    expect(_item(gao, drawings)).to_contain_text("决定：予以销毁")
    gao.screenshot(path=screenshots / "sweep-appraisal.png", full_page=True)

    zhao = office.open_as("zhao")
    zhao.goto(sweep_url)
    # Every item decided: the sweep's own page says it waits for the director, as the
    # list of sweeps and the director's header do; sending it back needs a reason.
    expect(zhao.get_by_role("heading", level=1)).to_contain_text("鉴定完成，待总经理审批")
    expect(nav_link(zhao, re.compile("保管与销毁"))).to_contain_text(
        "1 份清理清单待您审批")
    expect(zhao.get_by_label("退回理由（必填，合规专员和鉴定人会看到）")).to_have_attribute(
        "required", "")
    zhao.screenshot(path=screenshots / "sweep-awaiting-approval.png", full_page=True)
    zhao.get_by_label("审批意见（可不填）").fill("同意销毁")
    zhao.get_by_role("button", name="批准清单").click()
    expect(zhao.get_by_role("status")).to_contain_text(  # the configured wait's end
        re.compile(r"清单已批准。.*2030年7月\d+日 起才能编制销毁清册"))
    expect(_item(zhao, repair)).to_contain_text("可销毁日期")
    expect_no_serious_violations(zhao)
    zhao.goto(f"/ui/documents/{repair['document_id']}")
    expect(zhao.locator("dl.record")).to_contain_text(
        re.compile(r"经鉴定批准销毁；2030年7月\d+日 起可列入销毁清册，销毁前仍可查阅"))

    # R5: six months apart before anything is destroyed; the page offers no register yet.
    qian.goto(sweep_url)
    expect(qian.get_by_role("region", name="编制销毁清册")).to_contain_text(
        re.compile(r"现在还不能编制销毁清册：请于 2030年7月\d+日 起再来本页编制"))
    expect(qian.get_by_role("button", name="编制销毁清册")).to_have_count(0)
    office.clock.advance(timedelta(days=200))
    qian.goto(sweep_url)
    qian.get_by_role("button", name="编制销毁清册").click()
    expect(qian.get_by_role("status")).to_contain_text("销毁清册已编制")
    register_url = qian.url.split("?")[0]
    expect(qian.locator(".missing")).to_contain_text("还需要 2 位监销人签字")
    qian.goto(f"/ui/documents/{repair['document_id']}")
    on_register = qian.locator("dl.record").get_by_role(
        "link", name="已列入销毁清册：等待监销人签字")
    expect(on_register).to_have_attribute("href", "/ui/" + register_url.split("/ui/")[1])
    qian.screenshot(path=screenshots / "document-on-register.png")
    qian.goto(register_url)
    qian.get_by_role("button", name="执行销毁").click()
    expect(qian.get_by_role("alert")).to_contain_text("还需要两位不同的监销人签字")
    expect_no_serious_violations(qian)

    # R6: each witness signs in their own session with their own password.
    wang = office.open_as("wang")
    wang.goto(register_url)
    sign_after_a_wrong_password(wang, "以监销人身份签字", unsigned="还没有监销人签字。")
    expect(wang.locator(".missing")).to_contain_text("还需要 1 位监销人签字")
    expect_no_serious_violations(wang)

    # A center head witnesses: they read the register they sign, and no other retention
    # page (R6; services.common.retention.REGISTER_READERS).
    ma = office.open_as("ma")
    expect(nav_link(ma, "保管与销毁")).to_have_count(0)
    for closed in ("/ui/retention", "/ui/holds", sweep_url):
        assert ma.goto(closed).status == 404, closed  # type: ignore[union-attr]
    # The center head finds the register waiting for them, not from a typed address:
    # the count beside 借阅 on every page, then the list on the loans page.
    ma.goto("/ui/search")
    signatures = ma.get_by_role("navigation", name="主导航").locator(".count.signatures")
    expect(signatures).to_contain_text("1")
    expect(signatures).to_contain_text("1 份销毁清册待您监销签字")
    nav = ma.get_by_role("navigation", name="主导航")
    nav.get_by_role("link", name=re.compile("^借阅")).click()
    to_witness = ma.get_by_role("region", name=re.compile("待我监销签字"))
    expect(to_witness.locator("tbody tr")).to_have_count(1)
    expect(to_witness.locator("tbody tr")).to_contain_text("2 件")
    expect_no_serious_violations(ma)
    ma.screenshot(path=screenshots / "witness-list.png", full_page=True)
    to_witness.get_by_role("link").click()
    assert ma.url.split("?")[0] == register_url
    expect(ma.get_by_role("heading", name=re.compile("销毁清册"))).to_be_visible()
    expect(ma.get_by_role("link", name="保管与销毁")).to_have_count(0)
    expect(ma.locator("table.register")).to_contain_text(repair["archive_no"])
    expect(ma.locator(".witnesses")).to_contain_text("wang 已签字")
    ma.get_by_label("您的登录密码（签字确认）").fill(PASSWORD)
    expect_no_serious_violations(ma)
    ma.screenshot(path=screenshots / "destruction-signing.png", full_page=True)
    ma.get_by_role("button", name="以监销人身份签字").click()
    expect(ma.get_by_role("status")).to_contain_text("您的签字已记录")
    expect(ma.locator(".missing")).to_have_count(0)
    expect(ma.get_by_role("button", name="执行销毁")).to_have_count(0)
    # Signed: the register no longer waits for them, nor for anyone (two signatures).
    ma.goto("/ui/loans")
    expect(ma.get_by_role("region", name=re.compile("待我监销签字"))).to_contain_text(
        "现在没有等待您监销签字的销毁清册")
    expect(ma.locator(".count.signatures")).to_have_count(0)

    qian.goto(register_url)
    qian.get_by_role("button", name="执行销毁").click()
    states = qian.locator("table.register td.item-state")
    expect(states).to_have_count(2)
    for number in range(2):
        expect(states.nth(number)).to_contain_text("已销毁", timeout=30_000)
        expect(states.nth(number)).to_contain_text("监销人：ma、wang")
    expect(qian.locator("#progress .status-line")).to_contain_text("已销毁", timeout=30_000)
    expect_no_serious_violations(qian)

    text = pdf_text(download(qian, "销毁清册（PDF）", tmp_path))
    for needed in (repair["archive_no"], drawings["archive_no"], "wang", "ma", "已销毁"):
        assert needed in text, needed
    csv = download(qian, "销毁清册（CSV）", tmp_path).read_text(encoding="utf-8-sig")
    for needed in (repair["archive_no"], drawings["archive_no"], "已销毁"):
        assert needed in csv, needed

    # R7: a hold on what is already destroyed is refused, saying when and before whom.
    qian.goto(f"/ui/holds?document={repair['document_id']}")
    qian.get_by_label("保全理由（必填）").fill("诉讼：装修纠纷证据")
    qian.get_by_role("button", name="设置保全").click()
    expect(qian.get_by_role("alert")).to_contain_text("证据已不存在")
    gone = qian.get_by_role("list", name="已经销毁的文件")
    expect(gone).to_contain_text(repair["archive_no"])
    expect(gone).to_contain_text("监销人：")
    expect(gone.get_by_role("link", name="查看销毁清册")).to_have_attribute(
        "href", re.compile(re.escape(register_url.split("/ui/")[1]) + "$"))
    expect(qian.get_by_role("region", name="保全记录")).not_to_contain_text("诉讼：装修纠纷证据")
    expect_no_serious_violations(qian)

    # The hold kept the complaint out; released, it may be swept again.
    qian.goto("/ui/holds")
    holds = qian.get_by_role("region", name="保全记录")
    holds.get_by_label("解除理由").fill("诉讼已结案")
    holds.get_by_role("button", name="解除保全").click()
    expect(qian.get_by_role("status")).to_contain_text("保全已解除")
    expect(holds).to_contain_text("已解除")
    expect(holds).to_contain_text("诉讼已结案")
    nav_link(qian, "保管与销毁").click()
    qian.get_by_role("button", name="预览今天到期的文件").click()
    expect(qian.locator("#preview")).to_contain_text(complaint["archive_no"])

    # Swept from another tab, the preview is stale: starting it records nothing.
    other_tab = office.open_as("qian")
    other_tab.goto("/ui/retention?preview=1#preview")
    other_tab.get_by_role("button", name="开始清理，交付鉴定").click()
    expect(other_tab.get_by_role("status")).to_contain_text("清理已开始")
    other_tab.goto("/ui/retention")
    sweeps = other_tab.locator("a[href^='/ui/sweeps/']").count()
    qian.get_by_role("button", name="开始清理，交付鉴定").click()
    expect(qian.get_by_role("alert")).to_contain_text("今天没有到期的文件")
    expect(qian.locator("a[href^='/ui/sweeps/']")).to_have_count(sweeps)


def test_someone_without_a_retention_role_sees_no_entry_and_the_same_404(
        office: Office) -> None:
    li = office.open_as("li")
    expect(nav_link(li, "保管与销毁")).to_have_count(0)
    for path in ("/ui/retention", "/ui/holds", "/ui/sweeps/any", "/ui/destructions/any"):
        expect_not_found(li, path)
    qian = office.open_as("qian")
    forged = qian.request.post("/ui/holds", form={"reason": "x", "documents": "y"},
                               max_redirects=0)
    assert forged.status == 403
