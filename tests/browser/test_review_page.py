"""The review page (``/ui/review``) in real Chromium: an archivist corrects a page whose
OCR confidence is low, by keyboard; search then finds the page by the corrected word and
no longer by a word of the reading it replaced (the index holds the current text; the
OCR's reading is kept as an older text version, not searched).

Every page is flagged for review here because the server's ``low_confidence`` is 99.9
(configuration; the confidences are Tesseract's own readings of two small scans). axe-core
on the page; its screenshot is saved. Another archivist then finds the correction in the
document page's text versions and reads the OCR's reading it replaced."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import expect_no_serious_violations
from tests.browser.office import Office, office_fixture
from tests.browser.zoom import browser_zoom_is_left_alone, expect_zoom, image_shown, shown_width
from tests.e2e.ingest.support import ingest, metadata, scanned_png
from tests.support.waiting import eventually

pytestmark = pytest.mark.ocr

CORRECTED = "业主来函：琥珀色窗帘褪色，请物业处理。"
WORD = "琥珀色窗帘"
REPLACED = "工程部"
"""A word of the OCR's reading (the scan's second line) that the correction drops."""
TITLE = "窗帘维修申请"


office = office_fixture("review", ocr_engine="tesseract", low_confidence=99.9)


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


def _search_finds(page: Page, word: str) -> bool:
    """Whether the results for ``word`` list the corrected document."""
    page.goto(f"/ui/search?q={word}")
    expect(page.locator("#summary")).to_be_visible()
    return page.locator(".hit").filter(has=page.get_by_role("link", name=TITLE)).count() > 0


def _eventually_finds(office: Office, page: Page, word: str) -> None:
    """The results page for ``word`` lists the corrected document, once the index (which
    follows the change feed within seconds) has it: waited for over the search API, not
    by loading the page again and again."""
    with office.archive.as_("wang") as client:
        eventually(lambda: any(
            hit["title"] == TITLE
            for hit in client.get("/search/documents", params={"q": word}).json()["hits"]),
            timeout_s=30, interval_s=0.2, what=f"search found {TITLE} by {word}")
    assert _search_finds(page, word)


def test_an_archivist_corrects_a_low_confidence_page_and_search_finds_the_word(
        office: Office, scans: list[dict[str, Any]], screenshots: Path) -> None:
    wang = office.open_as("wang")
    _eventually_finds(office, wang, REPLACED)  # the OCR's reading is what is searched, until...
    wang.get_by_role("navigation", name="主导航").get_by_role("link", name="校对").click()

    expect(wang.get_by_text("待校对页面：2")).to_be_visible()
    expect(wang.get_by_role("heading", name=re.compile("窗帘维修申请"))).to_be_visible()
    scan = wang.get_by_role("img", name=re.compile("第 1 页的扫描件"))
    expect(scan).to_be_visible()
    assert scan.evaluate("image => image.naturalWidth") > 0
    text = wang.get_by_label("页面文字")
    assert text.input_value().strip()  # the OCR's reading, to correct
    expect_no_serious_violations(wang)
    wang.screenshot(path=screenshots / "review.png", full_page=True)

    text.press("Alt+n")  # the next page, without saving
    expect(wang.get_by_role("heading", name=re.compile("來函"))).to_be_visible()
    wang.get_by_role("link", name=TITLE).first.click()
    expect(wang.get_by_role("heading", name=re.compile("窗帘维修申请"))).to_be_visible()
    # The keys are the page script's: a click waits for the page to arrive, not for its
    # scripts, and under load Control+Enter was pressed before they listened.
    wang.wait_for_load_state("load")

    assert REPLACED in wang.get_by_label("页面文字").input_value()
    wang.get_by_label("页面文字").fill(CORRECTED)
    wang.get_by_label("校对理由").fill("人工校对：识别有误")
    wang.get_by_label("页面文字").press("Control+Enter")

    # The save is a text version written and announced; on a loaded machine it can take
    # longer than expect's default five seconds.
    expect(wang.get_by_text("已保存。")).to_be_visible(timeout=30_000)
    expect(wang.get_by_text("待校对页面：1")).to_be_visible()
    expect(wang.get_by_role("heading", name=re.compile("來函"))).to_be_visible()
    expect_no_serious_violations(wang)
    wang.get_by_role("link", name="查看这一页").click()
    expect(wang.get_by_text(CORRECTED)).to_be_visible()
    # The history says a person corrected it, and why (not "read again by OCR").
    expect(wang.locator("section.history")).to_contain_text("人工校对文字：人工校对：识别有误")
    # A page the queue no longer lists is corrected again from the document page.
    wang.get_by_role("link", name="更正这一页的文字").click()
    expect(wang.get_by_role("heading", name=re.compile("窗帘维修申请"))).to_be_visible()
    expect(wang.get_by_label("页面文字")).to_have_value(CORRECTED)

    _eventually_finds(office, wang, WORD)
    expect(wang.locator(".hit mark").first).to_contain_text(WORD[:2])
    # The same change replaced the reading in the index: the dropped word finds nothing.
    assert not _search_finds(wang, REPLACED)
    expect(wang.locator("#summary")).to_have_text("没有找到文件。")

    # Another archivist, who sees only their own audit entries, finds the correction in
    # the text's versions and reads what OCR first read, kept as it was (D6).
    sun = office.open_as("sun")
    sun.goto(f"/ui/documents/{scans[0]['document_id']}")
    versions = sun.get_by_role("table", name="文字版本")
    expect(versions.get_by_role("row").nth(1)).to_contain_text("人工校对")
    expect(versions.get_by_role("row").nth(1)).to_contain_text("wang")
    expect(versions.get_by_role("row").nth(1)).to_contain_text("人工校对：识别有误")
    expect(versions.get_by_role("row").nth(2)).to_contain_text("归档时识别（Tesseract）")
    expect_no_serious_violations(sun)
    sun.locator("section.history").screenshot(path=screenshots / "text-versions.png")
    versions.get_by_role("link", name="查看第 1 版文字").click()
    expect(sun.get_by_role("note")).to_contain_text("是旧版本，只供查看；现在的文字是第 2 版")
    expect(sun.locator(".older-text .text")).to_contain_text(REPLACED)
    expect_no_serious_violations(sun)
    sun.screenshot(path=screenshots / "older-text.png", full_page=True)
    sun.get_by_role("link", name="返回当前文字").first.click()
    expect(sun.get_by_text(CORRECTED)).to_be_visible()


def test_the_scan_is_enlarged_beside_the_text_by_button_and_by_key_outside_the_text(
        office: Office, scans: list[dict[str, Any]], screenshots: Path) -> None:
    wang = office.open_as("wang")
    wang.goto("/ui/review")
    wang.wait_for_load_state("load")  # the zoom is the page script's
    scan = wang.get_by_role("img", name=re.compile("页的扫描件"))
    expect(scan).to_be_visible()
    fit = shown_width(wang)
    expect(wang.locator(".zoom-level")).to_have_text("适合宽度")

    # The cursor starts in the text (autofocus): a + typed there is text, not a zoom.
    text = wang.get_by_label("页面文字")
    expect(text).to_be_focused()
    text.press("End")
    text.press("+")
    expect(text).to_have_value(re.compile(r"\+$"))
    expect_zoom(wang, "适合宽度", fit)

    wang.get_by_role("button", name="放大").click()
    expect_zoom(wang, "缩放 150%", 1.5 * fit)
    wang.keyboard.press("+")
    expect_zoom(wang, "缩放 200%", 2 * fit)
    assert browser_zoom_is_left_alone(wang)
    frame = wang.locator(".scan-frame")
    assert frame.evaluate("f => f.scrollWidth > f.clientWidth")  # the rest is panned to
    # The text beside it keeps its column: the scan grows inside its frame only.
    assert text.bounding_box() is not None
    assert abs(frame.evaluate("f => f.getBoundingClientRect().width") - fit) <= 3
    expect_no_serious_violations(wang)
    wang.screenshot(path=screenshots / "review-zoomed.png")
    wang.keyboard.press("+")
    wang.keyboard.press("+")
    expect_zoom(wang, "缩放 400%", 4 * fit)
    expect(scan).to_have_attribute("src", re.compile(r"/pages/1/large$"))  # past the preview
    assert image_shown(wang) == ("large", 2100)
    wang.keyboard.press("-")
    expect_zoom(wang, "缩放 300%", 3 * fit)
    wang.get_by_role("button", name="适合宽度").click()
    expect_zoom(wang, "适合宽度", fit)


def test_a_reason_is_required_and_the_typed_text_is_kept(
        office: Office, scans: list[dict[str, Any]]) -> None:
    sun = office.open_as("sun")
    sun.goto("/ui/review")
    sun.get_by_label("页面文字").fill("来函正文")
    sun.get_by_label("校对理由").fill("   ")
    sun.get_by_role("button", name="保存").click()

    expect(sun.get_by_role("alert")).to_contain_text("请写明校对理由")
    expect(sun.get_by_label("页面文字")).to_have_value("来函正文")


def test_staff_are_not_offered_review_and_find_no_such_page(
        office: Office, scans: list[dict[str, Any]]) -> None:
    li = office.open_as("li")
    expect(li.get_by_role("navigation", name="主导航").get_by_role("link", name="校对")
           ).to_have_count(0)
    assert li.goto("/ui/review").status == 404  # type: ignore[union-attr]
