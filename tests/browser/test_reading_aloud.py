"""The staff pages as a person without a mouse, or hearing them through a screen reader,
or reading them on a phone, meets them, in real Chromium: every page has its language,
one ``h1``, its headings in order, a skip link to its main landmark, everything in a
landmark, every field labelled and every button and link named (axe, all impacts), and
fits a phone's width; after a form is sent by the keyboard, focus is on what the page
says of it, in view (a live region a page opens with is not read out, and the
keyboard would start again at the top); on the English pages, what people typed in
Chinese is marked as Chinese (``lang``), so that a screen reader says it in a Chinese
voice instead of spelling it out or skipping it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import expect_no_serious_violations, violations
from tests.browser.office import Office, handed_over_moved_out_and_counted, office_fixture
from tests.browser.phone import FITS
from tests.fixtures.app import Person

SHELF = {"building": "A", "room": "档案室", "cabinet": "12"}

office = office_fixture("reading-aloud", [Person("root", "admin", department="it")])


@pytest.fixture(scope="module")
def filed(office: Office) -> dict[str, Any]:
    """Three paper loans returned damaged (their incidents open: one to close), two holds,
    a box never checked, a sweep approved today (its six months' wait ahead), a handover
    and a transfer out, an inventory with a box missing: the typed words each page shows."""
    archive = office.archive
    lent = [office.file(title=title, household="A-1202", filed_at="2029-05-01",
                        location={**SHELF, "box": box})
            for title, box in (("门锁维修申请", "3"), ("门禁卡申请", "4"), ("车位租赁合同", "5"))]
    handed = office.file(title="入住资料", household="A-1301", filed_at="2029-02-01")
    office.file(title="装修申请", household="B-0502", filed_at="2029-03-01")
    due = office.file(title="过期的维修记录", household="A-1203", filed_at="2015-03-01")

    def set_up() -> dict[str, Any]:
        sweep = archive.approved([due])["sweep_id"]
        loans = [archive.issued_loan([document], "paper") for document in lent]
        with archive.as_("wang") as wang:
            for loan, note in zip(loans, ("第3页右下角缺损，水渍", "封面撕裂", "缺第5页"),
                                  strict=True):
                returned = wang.post(f"/registry/loans/{loan}/return",
                                     json={"intact": False, "note": note})
                assert returned.status_code == 200, returned.text
            inventory = handed_over_moved_out_and_counted(wang, handed, "B-0502")
        with archive.as_("qian") as qian:
            for reason, household in (("保险理赔", "A-1201"), ("投诉调查", "A-1301")):
                held = qian.post("/registry/holds", json={"reason": reason,
                                                          "household": household})
                assert held.status_code == 201, held.text
        return {"inventory": inventory, "sweep": sweep, "document": lent[0]["document_id"]}

    return office.run(set_up)


def _place_a_hold(page: Page, filed: dict[str, Any]) -> None:
    page.goto("/ui/holds")
    page.get_by_label("保全理由（必填）").fill("诉讼保全：漏水纠纷")
    page.get_by_label("户号（如 A-1201）").fill("A-1202")
    page.get_by_role("button", name="设置保全").focus()


def _resolve_the_incident(page: Page, filed: dict[str, Any]) -> None:
    page.goto("/ui/loans")
    torn = page.get_by_role("region", name="借阅事故（损坏或遗失）").get_by_role("row").filter(
        has_text="封面撕裂")
    torn.get_by_role("textbox").fill("已修复")
    torn.get_by_role("button", name="处理完毕，关闭事故").focus()


def _record_a_condition_check(page: Page, filed: dict[str, Any]) -> None:
    page.goto("/ui/inventories/conditions")
    page.get_by_role("region", name="待检查的档案盒").get_by_role("link").first.click()
    page.get_by_role("button", name="保存检查记录").focus()


def _hold_nothing(page: Page, filed: dict[str, Any]) -> None:
    page.goto("/ui/holds")
    page.get_by_label("保全理由（必填）").fill("诉讼保全：范围未填")
    page.get_by_role("button", name="设置保全").focus()


FillIn = Callable[[Page, dict[str, Any]], None]
SENT: dict[str, tuple[str, FillIn, Literal["status", "alert"], str]] = {
    "hold": ("qian", _place_a_hold, "status", "保全已设置。"),
    # These pages were opened at the part of the page the form was in (#incidents,
    # #history): what the top of the page said was out of view, and autofocus is
    # skipped at a fragment.
    "incident": ("wang", _resolve_the_incident, "status", "已登记处理结果，事故已关闭。"),
    "condition check": ("wang", _record_a_condition_check, "status", "检查已记录。"),
}


@pytest.mark.parametrize("form", list(SENT))
def test_after_a_form_sent_by_the_keyboard_focus_is_on_what_the_page_says_of_it(
        office: Office, filed: dict[str, Any], form: str) -> None:
    who, fill_in, role, said = SENT[form]
    page = office.open_as(who)
    fill_in(page, filed)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    outcome = page.locator("main").get_by_role(role).filter(has_text=said)
    expect(outcome).to_be_focused()
    expect(outcome).to_be_in_viewport()
    assert "#" not in page.url, page.url


def test_a_form_refused_for_a_field_focuses_the_field_the_refusal_describes(
        office: Office, filed: dict[str, Any]) -> None:
    """A hold of no documents (no archive number, household or category): the first field
    to put right is focused, its description the refusal, both in view."""
    page = office.open_as("qian")
    _hold_nothing(page, filed)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    refusal = page.locator("main").get_by_role("alert").filter(
        has_text="请填写档号，或者填写户号和/或类别")
    expect(refusal).to_be_in_viewport()
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("aria-invalid", "true")
    expect(focused).to_be_in_viewport()
    described = (focused.get_attribute("aria-describedby") or "").split()
    assert refusal.get_attribute("id") in described, described
    assert "#" not in page.url, page.url


# What people typed in Chinese, as the English pages show it (WCAG 3.1.2, language of parts).
TYPED = {
    ("wang", "/ui/loans"): "第3页右下角缺损，水渍",
    ("wang", "/ui/handovers"): "新物业公司",
    ("wang", "/ui/inventories"): "柜内未见",
    ("qian", "/ui/audit"): "第一客户服务中心",
}
UNMARKED_CHINESE = r"""() => {
  const unmarked = [];
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const parent = node.parentElement;
    if (/[\u3400-\u9fff]/.test(text) && parent.getClientRects().length
        && !parent.closest("[lang]").lang.startsWith("zh")) {
      unmarked.push(text.slice(0, 60));
    }
  }
  return unmarked;
}"""


def test_on_the_english_pages_chinese_that_people_typed_is_marked_as_chinese(
        office: Office, filed: dict[str, Any]) -> None:
    pages = {**TYPED, ("wang", f"/ui/inventories/{filed['inventory']}"): "档案室"}
    for (who, address), typed in pages.items():
        page = office.sessions.open(who, locale="en-US")
        office.contexts.append(page.context)
        page.goto(address)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("main [lang^=zh]").filter(has_text=typed).first).to_be_visible()
        assert page.evaluate(UNMARKED_CHINESE) == [], address


def test_a_documents_history_opened_by_its_link_is_a_page_of_its_own(
        office: Office, filed: dict[str, Any]) -> None:
    """The document page loads its history into itself; its link (no script, a new tab)
    opened the bare part: no language, no title, no heading or landmark to find it by."""
    page = office.open_as("wang")
    page.goto(f"/ui/documents/{filed['document']}/history")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page).to_have_title("文件的历史 · 客户档案")
    expect(page.get_by_role("heading", level=1)).to_have_text("文件的历史")
    expect(page.get_by_role("main").get_by_role("heading", name="著录版本")).to_be_visible()
    expect_no_serious_violations(page)
    page.get_by_role("link", name="返回文件").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("门锁维修申请")


def _pages(filed: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Each staff page by name: (who reads it, its address)."""
    return {
        "search": ("wang", "/ui/search?q=维修"), "households": ("wang", "/ui/households"),
        "household": ("wang", "/ui/households/A-1202"),
        "document": ("wang", f"/ui/documents/{filed['document']}"),
        "history": ("wang", f"/ui/documents/{filed['document']}/history"),
        "ingest": ("wang", "/ui/ingest"), "review": ("wang", "/ui/review"),
        "corrections": ("wang", "/ui/corrections"), "loans desk": ("wang", "/ui/loans"),
        "my loans": ("li", "/ui/loans"), "loan request": ("li", "/ui/loans/new?household=A-1202"),
        "retention": ("qian", "/ui/retention?preview=1"),
        "sweep": ("qian", f"/ui/sweeps/{filed['sweep']}"), "holds": ("qian", "/ui/holds"),
        "handovers": ("wang", "/ui/handovers"), "new handover": ("wang", "/ui/handovers/new"),
        "accounts": ("root", "/ui/admin/users"), "my account": ("li", "/ui/account"),
        "catalogues": ("wang", "/ui/catalogues"),
        "statistics": ("wang", "/ui/statistics?year=2030"),
        "inventories": ("wang", "/ui/inventories"),
        "inventory": ("wang", f"/ui/inventories/{filed['inventory']}"),
        "conditions": ("wang", "/ui/inventories/conditions"), "audit": ("qian", "/ui/audit"),
        "audit check": ("qian", "/ui/audit/verify"), "not found": ("wang", "/ui/documents/none"),
    }


PAGE_NAMES = list(_pages({"document": "", "sweep": "", "inventory": ""}))


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_every_page_reads_by_keyboard_and_screen_reader_and_on_a_phone(
        office: Office, filed: dict[str, Any], name: str) -> None:
    who, address = _pages(filed)[name]
    page = office.open_as(who)
    page.goto(address, wait_until="networkidle")  # with what htmx loads after it
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_role("link", name="跳到正文")).to_have_attribute("href", "#main")
    expect(page.locator("main#main")).to_have_count(1)
    assert violations(page) == [], address
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(FITS), address


NAMED = re.compile(r'- (textbox|button) "([^"]*)"')


@pytest.mark.parametrize(("who", "address", "rows"), [
    ("wang", "/ui/loans", "借阅事故（损坏或遗失）"), ("qian", "/ui/holds", "保全记录")],
    ids=["loan incidents", "holds"])
def test_each_rows_form_is_named_apart_from_the_other_rows(
        office: Office, filed: dict[str, Any], who: str, address: str, rows: str) -> None:
    """Going from field to field, a screen reader says which incident, which hold: each
    row's note and button were named alike (处理结果…, 解除保全) whatever the row."""
    page = office.open_as(who)
    page.goto(address)
    named = NAMED.findall(page.get_by_role("region", name=rows).aria_snapshot())
    assert len(named) >= 4, named
    assert len(set(named)) == len(named), named
