"""The document page's 更正著录 form in real Chromium, from the keyboard: a correction that
changes nothing is refused, said as an alert with the title field focused and the reason
typed kept; the corrected title then applies, and the page says the new version and its
history lists it; a second archivist whose page was opened before that correction is
refused rather than putting the old title back, and sends their date again. axe-core on
each state."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.axe import expect_no_serious_violations
from tests.browser.office import Office, office_fixture

office = office_fixture("record-correction")


def test_an_archivist_corrects_a_title_from_the_keyboard(office: Office) -> None:
    filed = office.file(title="关于停车位的申请函", household="A-1201",
                        category="correspondence", filed_at="2024-03-01")
    wang = office.open_as("wang")
    wang.goto(f"/ui/documents/{filed['document_id']}")
    expect(wang.get_by_role("heading", name="更正著录")).to_be_visible()
    expect(wang.get_by_label("题名", exact=True)).to_have_value("关于停车位的申请函")
    expect_no_serious_violations(wang)

    wang.get_by_label("更正理由").focus()
    wang.keyboard.type("按原件核对")
    wang.keyboard.press("Tab")
    expect(wang.get_by_role("button", name="提交更正")).to_be_focused()
    wang.keyboard.press("Enter")
    expect(wang.get_by_role("alert")).to_contain_text("这次更正没有改变任何一项")
    title = wang.get_by_label("题名", exact=True)
    expect(title).to_be_focused()
    expect(wang.get_by_label("更正理由")).to_have_value("按原件核对")
    expect_no_serious_violations(wang)

    wang.keyboard.press("Control+A")
    wang.keyboard.type("关于地下车位的申请函")
    wang.keyboard.press("Enter")
    expect(wang.get_by_role("status").first).to_contain_text("著录已更正，成为第 2 版")
    expect(wang.get_by_role("heading", level=1)).to_have_text("关于地下车位的申请函")
    expect(wang.locator("section.history")).to_contain_text("按原件核对")
    expect_no_serious_violations(wang)


def test_a_second_archivist_on_a_page_opened_before_anothers_correction_undoes_nothing(
        office: Office) -> None:
    filed = office.file(title="关于电梯维修的函", household="A-1201",
                        category="correspondence", filed_at="2024-03-01")
    office.add_user("liwen", "archivist", clearance="secret", department="archive")
    wang, liwen = office.open_as("wang"), office.open_as("liwen")
    for page in (wang, liwen):
        page.goto(f"/ui/documents/{filed['document_id']}")

    wang.get_by_label("题名", exact=True).fill("关于电梯维修保养的函")
    wang.get_by_label("更正理由").fill("按原件核对")
    wang.get_by_role("button", name="提交更正").click()
    expect(wang.get_by_role("status").first).to_contain_text("著录已更正，成为第 2 版")

    liwen.get_by_label("归档日期").fill("2024-03-02")
    liwen.get_by_label("更正理由").fill("日期录错")
    liwen.get_by_role("button", name="提交更正").click()
    refusal = liwen.get_by_role("alert")
    expect(refusal).to_contain_text("您填写期间，wang 于")
    expect(refusal).to_contain_text("（改动了题名），现在是第 2 版。您的更正没有保存")
    expect(liwen.get_by_label("题名", exact=True)).to_have_value("关于电梯维修保养的函")
    expect(liwen.get_by_label("归档日期")).to_have_value("2024-03-02")
    expect(liwen.get_by_label("更正理由")).to_have_value("日期录错")
    expect_no_serious_violations(liwen)

    liwen.get_by_role("button", name="提交更正").click()
    expect(liwen.get_by_role("status").first).to_contain_text("著录已更正，成为第 3 版")
    expect(liwen.get_by_role("heading", level=1)).to_have_text("关于电梯维修保养的函")
