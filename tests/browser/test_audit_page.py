"""The audit log page (审计日志, O4) in real Chromium: the compliance officer opens it from
the top bar, narrows it to one document by its archive number and to one action with the
keyboard, reads each entry in words, and pages back; axe-core; the screenshot is saved."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.axe import serious_violations
from tests.browser.office import Office, office_at
from tests.e2e.retention.support import Archive

MARCH = datetime(2030, 3, 5, 9, 0, tzinfo=UTC)


def _a_morning(archive: Archive) -> None:
    """Two letters filed, one lent on paper, its text read twice by the clerk through the
    API (each read an entry of its own), and a sweep the clerk may not start."""
    archive.clock.set(MARCH)
    leak = archive.file(title="卫生间漏水投诉", household="A-1201")
    archive.file(title="装修申请", household="A-1202")
    archive.issued_loan([leak], "paper")
    with archive.as_("li") as clerk:
        for _ in range(2):
            clerk.get(f"/ingest/documents/{leak['document_id']}/text")
        assert clerk.post("/registry/sweeps", json={}).status_code == 403


@pytest.fixture(scope="module")
def office(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    with office_at(browser, tmp_path_factory.mktemp("audit")) as office:
        office.run(_a_morning, office.archive)
        yield office


def test_the_compliance_officer_narrows_the_log_to_a_document_and_an_action(
        office: Office, screenshots: Path) -> None:
    page = office.open_as("qian")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="审计日志").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("审计日志")
    rows = page.locator("table.audit tbody tr")
    expect(rows.first).to_be_visible()
    numbers = [int(text) for text in rows.locator("td:first-child").all_inner_texts()]
    assert numbers == sorted(numbers, reverse=True)
    assert serious_violations(page) == []
    page.screenshot(path=screenshots / "audit.png", full_page=True)

    number = rows.filter(has_text="归档").filter(has_text="A-1201").locator(
        "td:nth-child(6) a").first.inner_text()
    page.get_by_label("档号").fill(number)
    page.get_by_label("操作").select_option(label="借出")
    page.get_by_label("档号").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("显示 1 条记录")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("借出")
    expect(rows.first.get_by_role("link", name=number)).to_be_visible()

    page.get_by_role("link", name="清除筛选").click()
    page.get_by_label("用户名").fill("li")
    page.get_by_label("日期从").fill("2030-03-05")
    page.get_by_label("至").fill("2030-03-05")
    page.get_by_role("button", name="查看").click()
    expect(rows.filter(has_text="阅读内容")).to_have_count(2)
    page.get_by_label("只看被拒绝的").check()
    page.get_by_role("button", name="查看").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("开始到期清理")
    expect(rows.first).to_contain_text("拒绝 role_required")
    expect(rows.first).to_contain_text("原因：此人的角色不能进行这项操作。（系统记录：only ")
    page.get_by_label("日期从").fill("2030-03-06")
    page.get_by_label("至").fill("2030-03-05")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_role("alert")).to_contain_text("开始日期晚于结束日期")

    page.get_by_role("link", name="核验审计日志是否被改动").click()
    expect(page.get_by_role("status")).to_contain_text("审计日志完整：已核验")
    assert serious_violations(page) == []
    page.get_by_role("link", name="返回审计日志").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("审计日志")


def test_the_page_is_not_there_for_an_archivist(office: Office) -> None:
    page = office.open_as("wang")
    expect(page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="审计日志")).to_have_count(0)
    response = page.goto("/ui/audit")
    assert response is not None
    assert response.status == 404
