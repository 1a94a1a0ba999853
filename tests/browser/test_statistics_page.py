"""The statistics page (O2) in real Chromium (issue 17): a year with filings in two
months, a destruction and two loans shows the registry's numbers in each table, a
server-drawn SVG chart per series whose bars are those numbers, a year not begun and
a reader without the role told what to do; printed on A4, each table's total once;
axe-core; the screenshot is saved."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from services.common.models import CATEGORIES, CATEGORY_NAMES, COMPANY_CATEGORIES
from tests.browser.axe import serious_violations
from tests.browser.office import Office, office_at, pdf_text
from tests.e2e.retention.support import Archive

MARCH = datetime(2030, 3, 5, 9, 0, tzinfo=UTC)
AUGUST = datetime(2030, 8, 1, 9, 0, tzinfo=UTC)
"""Past the six months a destroy item waits after the director's approval (R5)."""
NEXT_YEAR = datetime(2031, 2, 1, 9, 0, tzinfo=UTC)


def _a_year(archive: Archive) -> None:
    """January: four filed (the doomed repair record, due long ago, and three recent),
    the doomed one approved for destruction, a paper loan; March: two filed and a
    digital loan; August: the doomed one destroyed before two witnesses."""
    doomed = archive.file()
    letter = archive.file(household="A-1203", category="correspondence",
                          filed_at="2029-05-01")
    archive.file(household="A-1204", category="contract", filed_at="2029-05-01")
    archive.file(household="A-1205", category="contract", filed_at="2029-06-01")
    sweep = archive.approved([doomed])
    archive.issued_loan([letter], "paper")
    archive.clock.set(MARCH)
    visit = archive.file(household="A-1206", category="visit", filed_at="2030-03-01")
    archive.file(household="A-1206", category="correspondence", filed_at="2030-03-02")
    archive.issued_loan([visit], "digital")
    archive.clock.set(AUGUST)
    archive.executed(archive.witnessed_register(sweep))
    archive.clock.set(NEXT_YEAR)


def _every_category(archive: Archive) -> None:
    """This year (2031) so far: a document of each of the sixteen categories (D5)."""
    for category in CATEGORIES:
        archive.file(category=category,
                     household=None if category in COMPANY_CATEGORIES else "A-1207")


@pytest.fixture(scope="module")
def office(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    with office_at(browser, tmp_path_factory.mktemp("statistics")) as office:
        office.run(_a_year, office.archive)
        office.run(_every_category, office.archive)
        yield office


def _table(page: Page, series: str) -> dict[str, str]:
    rows = page.locator(f"table.numbers[data-series='{series}'] tbody tr")
    return {row.locator("th").inner_text(): row.locator("td").inner_text()
            for row in rows.all()}


def _bars(page: Page, series: str) -> list[int]:
    bars = page.locator(f"svg[data-series='{series}'] rect.bar")
    return [int(bar.get_attribute("data-value") or "-1") for bar in bars.all()]


def test_the_year_shows_the_registrys_numbers_in_tables_and_charts(
        office: Office, screenshots: Path) -> None:
    page = office.open_as("qian")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="统计").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2031")  # this year so far
    page.get_by_label("年份").fill("2030")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2030")

    figures = page.locator("dl.figures")
    expect(figures).to_contain_text("接收6")
    expect(figures).to_contain_text("销毁1")
    expect(figures).to_contain_text("借出（笔）2")
    months = {f"{n}月": "0" for n in range(1, 13)}
    assert _table(page, "received-month") == months | {"1月": "4", "3月": "2"}
    assert _table(page, "destroyed-month") == months | {"8月": "1"}
    assert _table(page, "loans-month") == months | {"1月": "1", "3月": "1"}
    assert _table(page, "received-category") == {
        "往来函件": "2", "维修/报修记录": "1", "购/租房合同": "2", "拜访/回访记录": "1"}
    assert _table(page, "destroyed-category") == {"维修/报修记录": "1"}

    assert _bars(page, "received-month") == [4, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert _bars(page, "destroyed-month") == [0] * 7 + [1] + [0] * 4
    assert _bars(page, "loans-month") == [1, 0, 1] + [0] * 9
    assert _bars(page, "received-category") == [2, 1, 2, 1]
    charts = page.locator("svg[role='img']")
    expect(charts).to_have_count(5)
    expect(page.locator("#chart-received-month-title")).to_have_text("每月接收的文件")
    tallest = page.locator("svg[data-series='received-month'] rect.bar").first
    shorter = page.locator("svg[data-series='received-month'] rect.bar").nth(2)
    assert float(tallest.get_attribute("height") or 0) == pytest.approx(
        2 * float(shorter.get_attribute("height") or 0))
    assert serious_violations(page) == []
    page.screenshot(path=screenshots / "statistics.png", full_page=True)

    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator("svg[data-series='loans-month']")).to_be_visible()
    page.emulate_media(media="screen")


def test_sixteen_category_names_under_a_chart_each_stand_clear_of_the_others(
        office: Office, screenshots: Path) -> None:
    page = office.open_as("qian")
    page.goto("/ui/statistics?year=2031")
    chart = page.locator("svg[data-series='received-category']")
    expect(chart.locator("rect.bar")).to_have_count(len(CATEGORIES))
    labels = chart.locator("text.label")
    assert labels.all_text_contents() == [CATEGORY_NAMES[c] for c in CATEGORIES]
    boxes = [box for box in (label.bounding_box() for label in labels.all()) if box]
    overlapping = [(first, second) for first, second in itertools.combinations(boxes, 2)
                   if first["x"] < second["x"] + second["width"]
                   and second["x"] < first["x"] + first["width"]
                   and first["y"] < second["y"] + second["height"]
                   and second["y"] < first["y"] + first["height"]]
    assert overlapping == []
    assert min(box["height"] for box in boxes) >= 12  # readable, not shrunk to fit
    assert serious_violations(page) == []
    chart.screenshot(path=screenshots / "statistics-categories.png")


def test_an_empty_year_a_year_not_begun_and_a_reader_without_the_role(office: Office
                                                                      ) -> None:
    page = office.open_as("wang")
    page.goto("/ui/statistics?year=2029")
    expect(page.locator("svg[role='img']")).to_have_count(0)
    expect(page.get_by_text("这一年没有。").first).to_be_visible()
    expect(page.locator("dl.figures")).to_contain_text("接收0")
    assert serious_violations(page) == []
    response = page.goto("/ui/statistics?year=2032")
    assert response is not None
    assert response.status == 422
    expect(page.get_by_role("alert")).to_contain_text("这一年还没有开始")
    response = page.goto("/ui/statistics?year=twenty")
    assert response is not None
    assert response.status == 422
    expect(page.get_by_role("alert")).to_contain_text("请输入 1900 至 2200 之间的年份")
    response = page.goto("/ui/statistics?year=1800")
    assert response is not None
    assert response.status == 422
    expect(page.get_by_role("alert")).to_contain_text("请输入 1900 至 2200 之间的年份")

    li = office.open_as("li")
    expect(li.get_by_role("navigation", name="主导航").get_by_role("link", name="统计")
           ).to_have_count(0)
    response = li.goto("/ui/statistics")
    assert response is not None
    assert response.status == 404  # as if it did not exist, as every part not offered
    assert serious_violations(li) == []


def test_printed_on_a4_each_table_says_its_total_once(office: Office, tmp_path: Path
                                                      ) -> None:
    """A table split over two pages printed its footer (合计) under each part, a total
    under a partial list; it prints once, under the last row."""
    page = office.open_as("qian")
    page.goto("/ui/statistics?year=2031")  # sixteen categories: the longest tables
    tables = page.locator("table.numbers").count()
    page.emulate_media(media="print")
    printed = tmp_path / "statistics.pdf"
    page.pdf(path=str(printed), format="A4", print_background=True)
    page.emulate_media(media="screen")
    assert pdf_text(printed).count("合计") == tables
