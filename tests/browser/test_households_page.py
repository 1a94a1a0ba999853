"""The households page in real Chromium: a member of staff finds a household from the top
bar by a former occupant's name typed in Traditional characters, from the keyboard alone,
the count of what was found said and the matched former occupant shown, then opens the
file; a name nobody has says what to try next. axe-core on each state; the screenshot is
saved."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.axe import expect_no_serious_violations
from tests.browser.office import Office, office_fixture

office = office_fixture("households")


def test_staff_find_a_household_by_a_former_occupant_s_name(office: Office,
                                                            screenshots: Path) -> None:
    with office.archive.as_("wang") as api:
        for code, occupant in (("A-1201", "郑家豪"), ("B-0305", "刘洋")):
            assert api.post("/registry/households", json={
                "household": code, "occupant": occupant, "moved_in": "2015-03-01"}
            ).status_code == 201
        assert api.post("/registry/households/A-1201/occupants", json={
            "occupant": "何晶", "moved_in": "2021-07-01"}).status_code == 200
    li = office.open_as("li")
    li.get_by_role("navigation", name="主导航").get_by_role("link", name="户档").click()
    field = li.get_by_label("户号或住户姓名")
    expect(field).to_have_accessible_description(
        "例如：户号 A-1201（也可写 a1201 或只写 1201）、业主姓名（现住户或以前的住户，"
        "可只写名字的一部分，简繁体均可） 找到 2 户")
    field.focus()
    li.keyboard.type("鄭家豪")
    li.keyboard.press("Enter")
    expect(li.get_by_role("status")).to_have_text("找到 1 户")
    expect(li).to_have_title("户档 · 找到 1 户 · 客户档案")
    row = li.get_by_role("row").filter(has_text="A-1201")
    expect(row).to_contain_text("何晶")
    expect(row).to_contain_text("郑家豪")
    expect(li.get_by_role("row")).to_have_count(2)  # the headings and A-1201
    expect_no_serious_violations(li)
    li.screenshot(path=screenshots / "households-found.png", full_page=True)

    li.get_by_label("户号或住户姓名").fill("王小明")
    li.keyboard.press("Enter")
    expect(li.get_by_role("status")).to_have_text("没有找到户档")
    expect(li.get_by_role("link", name="在文件内容中检索“王小明”")).to_be_visible()
    expect_no_serious_violations(li)

    li.get_by_label("户号或住户姓名").fill("a1201")
    li.keyboard.press("Enter")
    li.get_by_role("link", name="A-1201").click()
    expect(li).to_have_url(office.archive.server.url + "/ui/households/A-1201")
