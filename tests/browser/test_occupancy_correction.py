"""Correcting an occupancy (D12) in real Chromium: the archivist opens 更正 beside a
misspelt name on the household page, a move-in overlapping the previous occupant is
refused beside its field, the corrected name is confirmed and waits (the household page
says so); the Department Head approves it in 更正审批 (old → new, the household linked),
and the household page and its label show the corrected name. axe-core on each state;
screenshots at 1280 px and at a phone's width."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.axe import expect_no_serious_violations
from tests.browser.office import Office, nav_link, office_fixture
from tests.browser.phone import PHONE, expect_no_sideways_scroll

office = office_fixture("occupancy-correction")
"""The office's people: ``wang`` (archivist) and ``zhou`` (manager)."""


def test_a_misspelt_name_is_corrected_and_approved_by_a_department_head(
        office: Office, screenshots: Path) -> None:
    with office.archive.as_("wang") as api:
        assert api.post("/registry/households", json={
            "household": "E-0301", "occupant": "刘洋", "moved_in": "2015-03-01"}
        ).status_code == 201
        assert api.post("/registry/households/E-0301/occupants", json={
            "occupant": "张伟", "moved_in": "2020-03-01"}).status_code == 200
    wang = office.open_as("wang")
    wang.goto("/ui/households/E-0301")
    wang.get_by_role("link", name="更正 张伟 的住户记录").click()
    expect(wang.get_by_role("heading", name="更正住户记录：张伟")).to_be_visible()
    expect(wang.get_by_label("住户或公司名称")).to_have_value("张伟")

    wang.get_by_label("迁入日期").fill("2014年12月31日")
    wang.get_by_label("更正理由").fill("名字录错，按租约更正")
    wang.get_by_role("button", name="提出更正").click()
    moved_in = wang.get_by_label("迁入日期")
    expect(moved_in).to_have_attribute("aria-invalid", "true")
    expect(moved_in).to_be_focused()
    expect(moved_in).to_have_accessible_description(re.compile("与前一位住户 刘洋"))
    expect(moved_in).to_have_value("2014年12月31日")
    expect_no_serious_violations(wang)
    wang.screenshot(path=screenshots / "occupancy-correction-refused.png", full_page=True)

    moved_in.fill("2020-03-01")
    wang.get_by_label("住户或公司名称").fill("张玮")
    wang.get_by_role("button", name="提出更正").click()
    confirm = wang.locator("#confirm")
    expect(confirm).to_be_focused()
    expect(confirm).to_contain_text("等待部门负责人审批")
    expect(confirm).to_contain_text("标牌将改为 张玮")
    expect_no_serious_violations(wang)
    wang.screenshot(path=screenshots / "occupancy-correction-confirm.png", full_page=True)
    wang.get_by_role("button", name="确认提出更正").click()
    expect(wang.get_by_role("status").first).to_contain_text("等待部门负责人审批")
    expect(wang.locator("table.occupants")).to_contain_text("更正待审批")
    expect(wang.locator("h1 .label")).to_have_text("张伟")
    expect_no_serious_violations(wang)
    wang.screenshot(path=screenshots / "household-correction-pending.png", full_page=True)
    wang.set_viewport_size(PHONE | {"width": 390})
    expect_no_sideways_scroll(wang)
    wang.screenshot(path=screenshots / "phone-household-correction-pending.png",
                    full_page=True)

    zhou = office.open_as("zhou")
    nav_link(zhou, "更正审批").click()
    item = zhou.locator("article.correction")
    expect(item.get_by_role("link", name="E-0301")).to_have_attribute(
        "href", "/ui/households/E-0301")
    expect(item.get_by_role("listitem")).to_contain_text(re.compile("住户：张伟.*张玮"))
    expect(item).to_contain_text("理由：名字录错，按租约更正")
    expect_no_serious_violations(zhou)
    zhou.screenshot(path=screenshots / "corrections-occupancy.png", full_page=True)
    zhou.set_viewport_size(PHONE | {"width": 390})
    expect_no_sideways_scroll(zhou)
    zhou.screenshot(path=screenshots / "phone-corrections-occupancy.png", full_page=True)
    zhou.get_by_role("button", name="批准", exact=True).click()
    zhou.get_by_role("button", name="确认批准").click()
    expect(zhou.get_by_role("status").first).to_contain_text(
        "已批准对住户 张伟 的住户记录的更正")

    wang.reload()
    expect(wang.locator("h1 .label")).to_have_text("张玮")
    expect(wang.locator("table.occupants")).to_contain_text("张玮")
    expect(wang.locator("table.occupants")).not_to_contain_text("更正待审批")
