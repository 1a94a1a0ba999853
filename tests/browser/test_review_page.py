"""The review page (``/ui/review``) in real Chromium: an archivist corrects a page whose
OCR confidence is low, by keyboard, and search then finds the corrected word.

Every page is flagged for review here because the server's ``low_confidence`` is 99.9
(configuration; the confidences are Tesseract's own readings of two small scans). axe-core
on the page; its screenshot is saved."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.axe import serious_violations
from tests.browser.office import Office, office_at
from tests.e2e.ingest.support import ingest, metadata, scanned_png

pytestmark = pytest.mark.ocr

CORRECTED = "业主来函：琥珀色窗帘褪色，请物业处理。"
WORD = "琥珀色窗帘"


@pytest.fixture(scope="module")
def office(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    with office_at(browser, tmp_path_factory.mktemp("review"), ocr_engine="tesseract",
                   low_confidence=99.9) as office:
        yield office


@pytest.fixture(scope="module")
def scans(office: Office, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """Two one-page scans filed by wang through ingest, the older first."""
    folder = tmp_path_factory.mktemp("review-scans")
    client = office.archive.as_("wang")
    filed = [ingest(client, scanned_png(folder, "simplified", lines=2),
                    metadata(title="窗帘维修申请"))]
    office.clock.advance(timedelta(minutes=5))
    filed.append(ingest(client, scanned_png(folder, "traditional", lines=1),
                        metadata(title="來函", category="correspondence")))
    assert [job["status"] for job in filed] == ["done", "done"], filed
    return filed


def _no_serious_violations(page: Page) -> None:
    assert serious_violations(page) == [], page.url


def _search_finds(page: Page, word: str) -> bool:
    page.goto(f"/ui/search?q={word}")
    return page.locator(".hit mark").count() > 0


def test_an_archivist_corrects_a_low_confidence_page_and_search_finds_the_word(
        office: Office, scans: list[dict[str, Any]], screenshots: Path) -> None:
    wang = office.open_as("wang")
    wang.get_by_role("navigation", name="主导航").get_by_role("link", name="校对").click()

    expect(wang.get_by_text("待校对页面：2")).to_be_visible()
    expect(wang.get_by_role("heading", name=re.compile("窗帘维修申请"))).to_be_visible()
    scan = wang.get_by_role("img", name=re.compile("第 1 页的扫描件"))
    expect(scan).to_be_visible()
    assert scan.evaluate("image => image.naturalWidth") > 0
    text = wang.get_by_label("页面文字")
    assert text.input_value().strip()  # the OCR's reading, to correct
    _no_serious_violations(wang)
    wang.screenshot(path=screenshots / "review.png", full_page=True)

    text.press("Alt+n")  # the next page, without saving
    expect(wang.get_by_role("heading", name=re.compile("來函"))).to_be_visible()
    wang.get_by_role("link", name="窗帘维修申请").first.click()
    expect(wang.get_by_role("heading", name=re.compile("窗帘维修申请"))).to_be_visible()

    wang.get_by_label("页面文字").fill(CORRECTED)
    wang.get_by_label("校对理由").fill("人工校对：识别有误")
    wang.get_by_label("页面文字").press("Control+Enter")

    expect(wang.get_by_text("已保存。")).to_be_visible()
    expect(wang.get_by_text("待校对页面：1")).to_be_visible()
    expect(wang.get_by_role("heading", name=re.compile("來函"))).to_be_visible()
    _no_serious_violations(wang)
    wang.get_by_role("link", name="查看这一页").click()
    expect(wang.get_by_text(CORRECTED)).to_be_visible()

    for _ in range(60):  # the index follows the change feed within seconds
        if _search_finds(wang, WORD):
            break
        wang.wait_for_timeout(500)
    expect(wang.locator(".hit mark").first).to_contain_text(WORD[:2])
    expect(wang.get_by_role("link", name=re.compile("窗帘维修申请"))).to_be_visible()


def test_a_reason_is_required_and_the_typed_text_is_kept(
        office: Office, scans: list[dict[str, Any]]) -> None:
    sun = office.open_as("sun")
    sun.goto("/ui/review")
    sun.get_by_label("页面文字").fill("来函正文")
    sun.get_by_label("校对理由").fill("   ")
    sun.get_by_role("button", name="保存").click()

    expect(sun.get_by_role("alert")).to_contain_text("请写明校对理由")
    expect(sun.get_by_label("页面文字")).to_have_value("来函正文")


def test_staff_are_not_offered_review_and_are_refused_it(
        office: Office, scans: list[dict[str, Any]]) -> None:
    li = office.open_as("li")
    expect(li.get_by_role("navigation", name="主导航").get_by_role("link", name="校对")
           ).to_have_count(0)
    assert li.goto("/ui/review").status == 403  # type: ignore[union-attr]
