"""Every staff table on a phone (375 × 800) in real Chromium: each page with data in its
tables reads without scrolling sideways, each row a card whose cells are led by their
column's header (the cell's data-label, shown before it), the tables keeping their roles
for screen readers. axe-core on every page; each page is saved as a screenshot
(``phone-<page>.png``)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import expect_no_serious_violations
from tests.browser.office import Office, Person, handed_over_moved_out_and_counted, office_fixture
from tests.browser.phone import PHONE, expect_fits_a_phone, expect_no_sideways_scroll

SHELF = {"building": "A", "room": "档案室", "cabinet": "12"}
LONG_TITLE = "关于二〇二九年度A座十二层公共区域卫生间漏水及楼上住户装修防水层破损的维修记录"

office = office_fixture("narrow", [Person("root", "admin", department="it")])


@pytest.fixture(scope="module")
def filed(office: Office) -> dict[str, Any]:
    """Each staff table with rows: loans out and one returned damaged (its incident open),
    an approved sweep with its register awaiting witnesses and a document due after it,
    a hold, a handover and a transfer out, an inventory with a box missing."""
    archive = office.archive
    placed = [office.file(title=LONG_TITLE, household="A-1201", filed_at="2029-04-01",
                          location={**SHELF, "box": "3"}),
              office.file(title="门锁维修申请", household="A-1202", filed_at="2029-05-01",
                          location={**SHELF, "box": "4"})]
    due = office.file(title="过期的维修记录", household="A-1203", filed_at="2015-03-01",
                      location={**SHELF, "box": "5"})
    handed = office.file(title="入住资料", household="A-1301", filed_at="2029-02-01")
    office.file(title="装修申请", household="B-0502", filed_at="2029-03-01")

    def set_up() -> dict[str, Any]:
        sweep = archive.approved([due])
        damaged = archive.issued_loan([placed[0]], "paper")
        lent = archive.issued_loan([placed[1]], "digital")
        with archive.as_("wang") as wang:
            returned = wang.post(f"/registry/loans/{damaged}/return",
                                 json={"intact": False, "note": "第3页右下角缺损，水渍"})
            assert returned.status_code == 200, returned.text
            inventory = handed_over_moved_out_and_counted(wang, handed, "B-0502")
        with archive.as_("qian") as qian:
            held = qian.post("/registry/holds", json={"reason": "诉讼保全：漏水纠纷",
                                                      "household": "A-1202"})
            assert held.status_code == 201, held.text
        office.clock.advance(timedelta(days=184))
        register = archive.register(sweep)
        with archive.as_("qian") as qian:
            handovers = qian.get("/registry/handovers").json()
        return {"sweep": sweep["sweep_id"], "register": register["destruction_id"],
                "loan": lent,
                "inventory": inventory,
                "handover": handovers[0]["handover_id"]}

    made = office.run(set_up)
    office.file(title="又一份到期的维修记录", household="A-1203", filed_at="2015-04-01")
    return {**made, "document": placed[0]["document_id"]}


def _pages(filed: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(screenshot name, who, address, text the page's data shows) for each staff page
    with tables."""
    return [
        ("loans-desk", "wang", "/ui/loans", "第3页右下角缺损"),
        ("loans-mine", "li", "/ui/loans", "门锁维修申请"),
        ("retention", "qian", "/ui/retention?preview=1", "又一份到期的维修记录"),
        ("sweep", "qian", f"/ui/sweeps/{filed['sweep']}", "经鉴定，同意"),
        ("destruction", "qian", f"/ui/destructions/{filed['register']}", "过期的维修记录"),
        ("holds", "qian", "/ui/holds", "诉讼保全：漏水纠纷"),
        ("handovers", "wang", "/ui/handovers", "新物业公司"),
        ("handover", "wang", f"/ui/handovers/{filed['handover']}", "入住资料"),
        ("accounts", "root", "/ui/admin/users", "客服部"),
        ("catalogues", "wang", "/ui/catalogues", "案卷目录（PDF）"),
        ("statistics", "wang", "/ui/statistics?year=2030", "合计"),
        ("inventories", "wang", "/ui/inventories", "柜内未见"),
        ("inventory", "wang", f"/ui/inventories/{filed['inventory']}", "A-1201"),
        ("conditions", "wang", "/ui/inventories/conditions", "从未检查"),
        ("household", "wang", "/ui/households/A-1201", LONG_TITLE),
        ("document", "wang", f"/ui/documents/{filed['document']}", "审计记录"),
        ("audit", "qian", "/ui/audit", "诉讼保全：漏水纠纷"),
    ]


def test_every_staff_table_reads_on_a_phone_as_labelled_cards(
        office: Office, filed: dict[str, Any], screenshots: Path) -> None:
    people: dict[str, Page] = {}
    for name, who, address, shown in _pages(filed):
        if who not in people:
            people[who] = office.open_as(who)
            people[who].set_viewport_size(PHONE)
        page = people[who]
        page.goto(address)
        expect(page.locator("main")).to_contain_text(shown)
        expect_fits_a_phone(page)
        expect_no_serious_violations(page)
        page.screenshot(path=screenshots / f"phone-{name}.png", full_page=True)


def test_a_row_read_on_a_phone_keeps_its_header_for_a_screen_reader(
        office: Office, filed: dict[str, Any]) -> None:
    wang = office.open_as("wang")
    wang.set_viewport_size(PHONE)
    wang.goto("/ui/loans")
    incidents = wang.get_by_role("region", name="借阅事故（损坏或遗失）")
    expect(incidents.get_by_role("columnheader", name="登记人")).to_have_count(1)
    row = incidents.get_by_role("row").filter(has_text="第3页右下角缺损")
    expect(row.get_by_role("cell", name="wang", exact=True)).to_be_visible()
    # Keyboard order is the reading order: the loan's link, then the note to resolve it.
    row.get_by_role("link").focus()
    wang.keyboard.press("Tab")
    expect(row.get_by_role("textbox")).to_be_focused()


def test_a_loan_page_with_its_desk_forms_fits_a_phone(
        office: Office, filed: dict[str, Any], screenshots: Path) -> None:
    wang = office.open_as("wang")
    wang.set_viewport_size(PHONE)
    wang.goto(f"/ui/loans/{filed['loan']}")
    # A digital loan is ended without a damage check: one button; it expired months ago
    # (the office's clock), so renewal is not offered, and why is said.
    expect(wang.get_by_role("button", name="结束电子查阅")).to_be_visible()
    expect(wang.get_by_role("button", name="续借")).to_have_count(0)
    expect(wang.get_by_text("不能续借")).to_be_visible()
    expect_no_sideways_scroll(wang)
    wang.screenshot(path=screenshots / "phone-loan.png", full_page=True)


def test_a_long_full_name_in_the_top_bar_wraps_on_a_phone(office: Office) -> None:
    """The top bar names the reader 王芳（wang）: a name of the most characters allowed
    (32, an English one with spaces) wraps within a phone's width."""
    office.add_user("long.name", "staff")
    root = office.open_as("root")  # named on the accounts page: every page says it at once
    root.goto("/ui/admin/users")
    row = root.get_by_role("row", name=re.compile("^long.name"))
    row.locator("summary", has_text="修改姓名、角色与权限").click()
    row.get_by_label(re.compile("^姓名（")).fill("Maximilian Alexander Wolfgang Ou")
    row.get_by_role("button", name="保存 long.name 的姓名、角色与权限").click()
    expect(root.get_by_role("status")).to_contain_text("的姓名")
    reader = office.open_as("long.name")
    reader.set_viewport_size(PHONE)
    reader.goto("/ui/account")
    expect(reader.locator(".account .who")).to_have_text(
        "Maximilian Alexander Wolfgang Ou（long.name）")
    expect(reader.get_by_role("button", name="退出")).to_be_in_viewport()
    expect_no_sideways_scroll(reader)


def test_the_search_label_and_button_keep_their_words_on_one_line_on_a_phone(
        office: Office, screenshots: Path) -> None:
    wang = office.open_as("wang")
    wang.set_viewport_size(PHONE)
    wang.goto("/ui/search")
    box = wang.locator("#search .box")
    for part in (box.locator("label"), box.get_by_role("button", name="检索")):
        lines = part.evaluate("""element => {
            const style = getComputedStyle(element);
            const text = element.getBoundingClientRect().height
                - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)
                - parseFloat(style.borderTopWidth) - parseFloat(style.borderBottomWidth);
            const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.25;
            return Math.round(text / line);
        }""")
        assert lines == 1, part
    expect_no_sideways_scroll(wang)
    wang.screenshot(path=screenshots / "phone-search-box.png")
