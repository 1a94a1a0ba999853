"""The household page in real Chromium: an archivist records a move-out from the keyboard
alone. The first date is before the occupant moved in: it is refused at once, not offered
to confirm, the refusal said and focused and the field described by it; the right date
is confirmed (focus on what it will do), and the page says whose part closed and how
many documents' retention runs from that day, the documents now in the closed part.
axe-core on each state; the screenshot is saved."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.axe import expect_no_serious_violations
from tests.browser.office import Office, office_fixture

office = office_fixture("household")


def _record_move_out(wang: Page, day: str, *, screenshot: Path | None = None) -> None:
    """Type ``day`` into the move-out form and send it, then confirm: keys only. The
    confirmation's ``screenshot`` is saved when given."""
    wang.get_by_label("退租日期").focus()
    wang.keyboard.type(day)
    wang.keyboard.press("Enter")
    confirm = wang.locator("#confirm")
    expect(confirm).to_be_focused()
    expect(confirm).to_contain_text("这一部分现有 3 份文件")
    expect_no_serious_violations(wang)
    if screenshot:
        wang.screenshot(path=screenshot, full_page=True)
    wang.keyboard.press("Tab")
    expect(wang.get_by_role("button", name="确认退租")).to_be_focused()
    wang.keyboard.press("Enter")


def test_an_archivist_records_a_move_out_from_the_keyboard(office: Office,
                                                           screenshots: Path) -> None:
    with office.archive.as_("wang") as api:
        assert api.post("/registry/households", json={
            "household": "B-0802", "occupant": "张伟", "moved_in": "2015-03-01"}
        ).status_code == 201
    for filed_at in ("2016-05-01", "2019-01-10", "2021-06-01"):
        office.file(title=f"{filed_at} 物业费收据", household="B-0802", category="payment",
                    filed_at=filed_at)
    wang = office.open_as("wang")
    wang.goto("/ui/households/B-0802")
    expect(wang.get_by_role("heading", name="登记退租：张伟")).to_be_visible()

    wang.get_by_label("退租日期").focus()
    wang.keyboard.type("2014-12-31")
    wang.keyboard.press("Enter")
    refusal = wang.get_by_role("alert")
    expect(refusal).to_contain_text("这个日期早于现住户 张伟 的迁入日（2015年3月1日）")
    expect(refusal).to_be_focused()
    expect(wang.locator("#confirm")).to_have_count(0)
    field = wang.get_by_label("退租日期")
    expect(field).to_have_value("2014-12-31")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile("早于现住户 张伟 的迁入日"))
    expect_no_serious_violations(wang)

    wang.get_by_label("退租日期").fill("")
    _record_move_out(wang, "2021-06-30",
                     screenshot=screenshots / "household-move-out-confirm.png")
    expect(wang.get_by_role("status")).to_have_text(
        "张伟 的部分已于 2021年6月30日 结束；3 份文件的保管期限自该日起算。这一户现在空置。")
    expect(wang.get_by_role("heading", name="已退租：张伟（2015年3月1日 至 2021年6月30日） 3 份"))\
        .to_be_visible()
    expect(wang.get_by_role("heading", name="登记退租：张伟")).to_have_count(0)
    expect_no_serious_violations(wang)
    wang.screenshot(path=screenshots / "household-move-out.png", full_page=True)
