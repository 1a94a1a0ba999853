"""The staff pages in real Chromium (issue 16): sign in and out, search, a household's
file, a document's page beside its text, what an ordinary-clearance reader may not see,
CSRF, escaping, and axe-core on every page."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Request, Route, expect

from services.common.auth import Principal
from services.web.document_page import PAGES_AROUND
from tests.browser.axe import serious_violations
from tests.browser.cabinet import (
    LONG_PAGES,
    LONG_PHRASE,
    LONG_PHRASE_PAGES,
    PAGING_RECORDS,
    PAGING_WORDS,
    SCRIPT_TITLE,
    Cabinet,
)
from tests.browser.conftest import SignIn
from tests.browser.phone import FINGER_PX, TOUCH_PHONE, too_small_for_a_finger
from tests.browser.zoom import (
    boxes_on_scan,
    browser_zoom_is_left_alone,
    expect_zoom,
    image_shown,
    shown_width,
)

WEIGHT_OF_TEXT = """() => performance.getEntriesByType("navigation")
    .concat(performance.getEntriesByType("resource").filter(entry =>
        ["link", "script", "xmlhttprequest", "fetch"].includes(entry.initiatorType)))
    .reduce((bytes, entry) => bytes + entry.decodedBodySize, 0)"""
"""A page's weight as the browser timed it: the HTML, its htmx partials, CSS and script
(read inside the page: a response's body is gone once the page has navigated on)."""


FROM_THE_NETWORK = """() => performance.getEntriesByType("resource")
    .filter(entry => entry.name.includes("/ui/static/") && entry.transferSize > 0)
    .map(entry => entry.name)"""
"""The pages' own files (style sheet, scripts) this page fetched over the network."""


def _search_requests(page: Page) -> list[str]:
    """The URLs of the htmx search requests the page makes from now on."""
    seen: list[str] = []

    def note(request: Request) -> None:
        if "/ui/search" in request.url and request.headers.get("hx-request"):
            seen.append(request.url)

    page.on("request", note)
    return seen


def test_sign_in_keeps_the_token_from_script_and_sign_out_ends_it(
        sign_in: SignIn, cabinet: Cabinet) -> None:
    page = sign_in("li")
    cookies = {c["name"]: c for c in page.context.cookies()}
    session = cookies["archive_session"]
    assert (session["httpOnly"], session["sameSite"], session["path"]) == (True, "Strict", "/ui")
    assert "archive_session" not in page.evaluate("() => document.cookie")
    assert page.evaluate("() => JSON.stringify(window.localStorage)") == "{}"
    assert serious_violations(page) == []
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_text("您已退出登录。")).to_be_visible()
    page.goto("/ui/search")
    expect(page).to_have_url(re.compile(r"/ui/login\?next=%2Fui%2Fsearch"))


def test_signing_out_leaves_nothing_of_the_session_in_the_browsers_storage(
        sign_in: SignIn) -> None:
    page = sign_in("wang")
    page.get_by_label("检索词").fill("卫生间漏水")
    page.get_by_label("检索词").press("Enter")
    expect(page).to_have_url(re.compile(r"q=%E5%8D%AB%E7%94%9F%E9%97%B4"))  # htmx pushed it
    expect(page.locator(".hit").first).to_be_visible()
    # What a form sent without leaving its page (an htmx mark, a download) leaves kept.
    page.evaluate("""() => sessionStorage.setItem('archive.unsent-form',
        JSON.stringify({page: '/ui/search', who: 'wang', form: 0, action: '/ui/loans',
                        values: ['业主身份证号 110101199001011234'], unsent: false}))""")
    kept = page.evaluate("() => [{...sessionStorage}, {...localStorage}]")
    assert "htmx-history-cache" not in kept[0]  # htmx keeps no copy of a page it leaves
    assert kept[1] == {}

    page.get_by_role("button", name="退出").click()
    expect(page.get_by_text("您已退出登录。")).to_be_visible()
    page.wait_for_load_state("load")  # htmx has noted the page it is on
    session, local = page.evaluate("() => [{...sessionStorage}, {...localStorage}]")
    here = page.evaluate("() => location.pathname + location.search")
    assert session == {"htmx-current-path-for-history": here}
    assert here == "/ui/login?reason=signed_out"
    assert local == {}
    page.go_back()  # the search page is asked for again, not shown from a cache
    expect(page).to_have_url(re.compile(r"/ui/login\?next="))
    expect(page.locator(".hit")).to_have_count(0)


def test_an_expired_session_asks_to_sign_in_and_returns_to_the_page(
        sign_in: SignIn, cabinet: Cabinet) -> None:
    page = sign_in("li")
    expired = cabinet.server.ctx.codec.issue(Principal(username="li", roles=("staff",)),
                                             ttl_s=-60)
    page.context.add_cookies([{"name": "archive_session", "value": expired,
                               "domain": "127.0.0.1", "path": "/ui", "httpOnly": True,
                               "sameSite": "Strict"}])
    page.goto("/ui/households/A-1201")
    expect(page.get_by_role("alert")).to_contain_text("登录已过期")
    assert serious_violations(page) == []
    page.get_by_label("用户名").fill("li")
    page.get_by_label("密码").fill(cabinet.password)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{cabinet.url}/ui/households/A-1201")


def test_a_simplified_query_finds_the_traditional_letter_with_the_hit_marked(
        sign_in: SignIn, cabinet: Cabinet, screenshots: Path) -> None:
    page = sign_in("wang")
    page.get_by_label("检索词").fill("卫生间漏水")
    page.get_by_label("检索词").press("Enter")
    hit = page.locator(".hit", has_text="關於衛生間漏水的來函")
    expect(hit).to_be_visible()
    expect(hit.locator("mark").first).to_have_text(re.compile("衛生間漏水"))
    expect(hit).to_contain_text("往来函件")
    expect(hit).to_contain_text("2024年5月18日")
    expect(page).to_have_url(re.compile(r"q=%E5%8D%AB%E7%94%9F%E9%97%B4"))
    expect(page.locator("#announce")).to_contain_text("找到")
    assert serious_violations(page) == []
    page.screenshot(path=screenshots / "search.png")


def test_filters_paging_and_the_back_button_keep_the_state_in_the_url(
        sign_in: SignIn, cabinet: Cabinet) -> None:
    page = sign_in("wang")
    page.goto(f"/ui/search?q={PAGING_WORDS}")
    expect(page.locator("#summary")).to_have_text(f"找到 {PAGING_RECORDS} 份文件")
    page.get_by_role("navigation", name="分页").get_by_role("link", name="第 2 页").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    assert page.locator(".hit").count() == PAGING_RECORDS - 20
    page.locator(".facets").get_by_role("link", name="工程档案").click()
    expect(page).to_have_url(re.compile(r"category=engineering"))
    engineering = page.locator(".hit").count()
    assert 0 < engineering < PAGING_RECORDS
    expect(page.locator(".hit .meta").first).to_contain_text("工程档案")
    assert serious_violations(page) == []
    page.go_back()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".hit")).to_have_count(PAGING_RECORDS - 20)
    page.go_forward()
    expect(page.locator(".hit")).to_have_count(engineering)


def test_the_building_filter_keeps_that_buildings_households_and_says_how_to_write_one(
        sign_in: SignIn) -> None:
    page = sign_in("wang")
    page.goto("/ui/search?q=维修")
    page.get_by_text("筛选与排序").click()
    page.get_by_label("楼栋").fill("a栋")
    page.get_by_label("楼栋").press("Enter")
    expect(page).to_have_url(re.compile(r"building=a"))  # as typed, read as building A
    expect(page.locator(".chips").first).to_contain_text("A栋")
    assert page.locator(".hit").count() > 0
    page.goto("/ui/search?q=维修&building=B")
    expect(page.locator("#summary")).to_have_text("没有找到文件。")
    page.goto("/ui/search?q=维修&building=王栋")
    expect(page.locator("#summary")).to_contain_text("楼栋写户号里横线前的部分")
    assert serious_violations(page) == []


def test_typing_through_an_input_method_composition_searches_once_at_its_end(
        sign_in: SignIn) -> None:
    page = sign_in("wang")
    box = page.get_by_label("检索词")
    box.focus()
    requests = _search_requests(page)
    page.evaluate("() => document.getElementById('q').dispatchEvent("
                  "new CompositionEvent('compositionstart', {data: ''}))")
    for typed in ("l", "lo", "lou", "lou s", "lou sh", "lou shu", "漏水"):
        page.evaluate("""(typed) => {
            const box = document.getElementById('q');
            box.value = typed;
            box.dispatchEvent(new InputEvent('input', {data: typed, isComposing: true,
                                                         bubbles: true}));
        }""", typed)
        time.sleep(0.45)  # longer than the typing pause: a careless page would search
    assert requests == []
    page.evaluate("""() => {
        const box = document.getElementById('q');
        box.dispatchEvent(new CompositionEvent('compositionend', {data: '漏水'}));
        box.dispatchEvent(new InputEvent('input', {data: '漏水', bubbles: true}));
    }""")
    expect(page.locator(".hit").first).to_be_visible()
    time.sleep(0.5)
    assert len(requests) == 1
    assert "q=%E6%BC%8F%E6%B0%B4" in requests[0]


def test_the_household_file_lists_documents_newest_first_with_closed_files_apart(
        sign_in: SignIn, cabinet: Cabinet, screenshots: Path) -> None:
    page = sign_in("wang")
    page.goto("/ui/households/a1201")  # typed in the address as staff type unit codes
    expect(page).to_have_url(f"{cabinet.url}/ui/households/A-1201")
    expect(page.get_by_role("heading", level=1)).to_contain_text("星海贸易有限公司")
    current = page.locator("section[aria-labelledby=part-current]")
    dates = current.locator("tbody tr td:first-child").all_inner_texts()
    assert dates == ["2024年5月18日", "2023年9月12日"]
    expect(current).to_contain_text("A栋 档案室 1柜 12盒")  # as printed (D7), however it was typed
    closed = page.locator("section.closed")
    expect(closed).to_contain_text("张伟")
    expect(closed).to_contain_text("租赁合同")
    assert serious_violations(page) == []
    page.screenshot(path=screenshots / "household.png", full_page=True)


def test_the_document_page_shows_the_scan_with_a_box_over_the_hit_beside_the_text(
        sign_in: SignIn, cabinet: Cabinet, screenshots: Path) -> None:
    page = sign_in("wang")
    page.goto("/ui/search?q=卫生间漏水")
    page.get_by_role("link", name="關於衛生間漏水的來函").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("關於衛生間漏水的來函")
    expect(page.locator(".page-text mark").first).to_contain_text("衛生間漏水")
    image = page.get_by_role("img", name="第 1 页的扫描图像")
    expect(image).to_be_visible()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0",
                         image.element_handle())
    boxes = page.locator("svg.boxes rect")
    expect(boxes).to_have_count(len("衛生間漏水"))  # PP-OCR: a box per character
    shown = image.bounding_box()
    assert shown is not None
    drawn = [box for index in range(boxes.count()) if (box := boxes.nth(index).bounding_box())]
    assert len(drawn) == len("衛生間漏水")
    lefts = [box["x"] for box in drawn]
    assert lefts == sorted(lefts)  # one line, read left to right
    for box in drawn:
        assert shown["x"] <= box["x"]
        assert box["x"] + box["width"] <= shown["x"] + shown["width"]
        assert shown["y"] <= box["y"]
        assert box["y"] + box["height"] <= shown["y"] + shown["height"]
        assert box["y"] < shown["y"] + shown["height"] / 3  # the first of three lines
    expect(page.locator(".record")).to_contain_text("长期")
    expect(page.get_by_role("link", name="下载原件")).to_be_visible()
    history = page.locator(".history")
    expect(history).to_contain_text("首次归档")
    expect(history.locator("tbody tr", has_text="阅读内容").first).to_contain_text("允许")
    expect(history).not_to_contain_text("read_text")  # actions by their names, never coded
    assert serious_violations(page) == []
    page.screenshot(path=screenshots / "document.png", full_page=True)


def test_a_scan_that_cannot_be_had_is_said_in_words_not_a_broken_image(
        sign_in: SignIn, cabinet: Cabinet) -> None:
    """The page images' route answers 503 while the object store (or ingest) is away
    (tests/e2e/ingest/test_store_away_page.py): the page showed a broken image."""
    page = sign_in("wang")
    page.route(re.compile(r"/pages/\d+/"), lambda route: route.fulfill(
        status=503, content_type="text/html", body="store away"))
    page.goto("/ui/search?q=卫生间漏水")
    page.get_by_role("link", name="關於衛生間漏水的來函").click()
    expect(page.get_by_role("status").filter(has_text="扫描图像暂时无法显示")).to_be_visible()
    expect(page.get_by_role("img", name="第 1 页的扫描图像")).to_have_count(0)
    expect(page.locator("[data-zoom-bar]")).to_be_hidden()
    expect(page.locator(".page-text mark").first).to_contain_text("衛生間漏水")


def test_the_scan_is_enlarged_by_button_and_key_and_the_hit_boxes_stay_over_their_words(
        sign_in: SignIn, cabinet: Cabinet, screenshots: Path) -> None:
    page = sign_in("wang")
    larges: list[str] = []
    page.on("request", lambda request: larges.append(request.url)
            if request.url.endswith("/large") else None)
    page.goto(f"/ui/documents/{cabinet.documents['letter']}?q=卫生间漏水")
    expect(page.locator("svg.boxes rect")).to_have_count(len("衛生間漏水"))
    fit = shown_width(page)
    # The preview (1 200 pixels of the scan's 2 100) is shown up to 150 %, not at 200 %.
    assert 1.5 * fit <= 1200 < 2 * fit
    assert image_shown(page) == ("preview", 1200)
    frame = page.locator(".scan-frame")
    assert abs(fit - frame.evaluate("frame => frame.clientWidth")) <= 1
    on_scan = boxes_on_scan(page)
    expect(page.get_by_role("button", name="缩小")).to_have_attribute("aria-disabled", "true")
    for key, name in (("+", "放大"), ("-", "缩小"), ("0", "适合宽度")):
        expect(page.get_by_role("button", name=name)).to_have_attribute("aria-keyshortcuts", key)
    expect(page.locator("#zoom-keys")).to_be_visible()  # a mouse and keys: their hint
    expect(page.locator("#zoom-touch")).to_be_hidden()
    expect(page.get_by_role("group", name="缩放扫描件")).to_have_attribute(
        "aria-describedby", "zoom-keys")

    page.get_by_role("button", name="放大").click()
    expect_zoom(page, "缩放 150%", 1.5 * fit)
    assert (image_shown(page), larges) == (("preview", 1200), [])
    page.keyboard.press("+")  # focus is on the button, in no field
    expect_zoom(page, "缩放 200%", 2 * fit)
    expect(page.get_by_role("status").filter(has_text="缩放")).to_have_text("缩放 200%")
    # Past the preview's pixels, the page's large image (the scan's own pixels) replaces
    # it, at the same size and with the boxes on the same words.
    expect(page.locator(".scan img")).to_have_attribute("src", re.compile(r"/pages/1/large$"))
    assert image_shown(page) == ("large", 2100)
    expect(page.get_by_role("img", name="第 1 页的扫描图像")).to_be_visible()
    expect_zoom(page, "缩放 200%", 2 * fit)
    assert boxes_on_scan(page) == pytest.approx(on_scan, abs=0.002)
    assert browser_zoom_is_left_alone(page)
    expect_zoom(page, "缩放 200%", 2 * fit)

    # Enlarged past the window's height (this scan is a wide strip), the frame stays as
    # tall as 80 % of the window, scrolls both ways, and a drag pans it.
    page.keyboard.press("+")
    page.keyboard.press("+")
    expect_zoom(page, "缩放 400%", 4 * fit)
    expect(page.get_by_role("button", name="放大")).to_have_attribute("aria-disabled", "true")
    wide, seen_wide, tall, seen_tall = frame.evaluate(
        "f => [f.scrollWidth, f.clientWidth, f.scrollHeight, f.clientHeight]")
    assert wide > seen_wide
    assert tall > seen_tall
    window = page.viewport_size
    assert window is not None
    assert seen_tall <= 0.8 * window["height"]
    frame.evaluate("f => f.scrollIntoView({block: 'center'})")
    seen = frame.bounding_box()
    assert seen is not None
    before = frame.evaluate("f => [f.scrollLeft, f.scrollTop]")
    page.mouse.move(seen["x"] + seen["width"] / 2, seen["y"] + seen["height"] / 2)
    page.mouse.down()
    page.mouse.move(seen["x"] + seen["width"] / 2 - 120, seen["y"] + seen["height"] / 2 - 80,
                    steps=4)
    page.mouse.up()
    after = frame.evaluate("f => [f.scrollLeft, f.scrollTop]")
    assert (after[0] - before[0], after[1] - before[1]) == pytest.approx((120, 80), abs=2)
    assert boxes_on_scan(page) == pytest.approx(on_scan, abs=0.002)
    page.locator("svg.boxes rect").first.scroll_into_view_if_needed()
    assert serious_violations(page) == []
    page.screenshot(path=screenshots / "document-zoomed.png")

    page.keyboard.press("-")
    expect_zoom(page, "缩放 300%", 3 * fit)
    page.keyboard.press("0")
    expect_zoom(page, "适合宽度", fit)
    assert boxes_on_scan(page) == pytest.approx(on_scan, abs=0.002)
    assert (image_shown(page), len(larges)) == (("large", 2100), 1)  # asked for once
    # A + typed into a field is text, not a zoom.
    title = page.get_by_label("题名")
    title.press("End")
    title.press("+")
    expect(title).to_have_value(re.compile(r"\+$"))
    expect_zoom(page, "适合宽度", fit)


def test_without_its_script_the_page_shows_the_scan_at_the_columns_width(
        sign_in: SignIn, cabinet: Cabinet, browser: Browser) -> None:
    signed_in = sign_in("wang").context.storage_state()
    context = browser.new_context(base_url=cabinet.url, java_script_enabled=False,
                                  storage_state=signed_in, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(f"/ui/documents/{cabinet.documents['letter']}?q=卫生间漏水")
        expect(page.get_by_role("img", name="第 1 页的扫描图像")).to_be_visible()
        expect(page.get_by_role("button", name="放大")).to_be_hidden()
        frame = page.locator(".scan-frame")
        assert abs(shown_width(page) - frame.evaluate("f => f.clientWidth")) <= 1
        expect(page.locator("svg.boxes rect")).to_have_count(len("衛生間漏水"))
    finally:
        context.close()


def test_a_contract_of_two_pages_pages_through(sign_in: SignIn, cabinet: Cabinet) -> None:
    page = sign_in("wang")
    page.goto(f"/ui/documents/{cabinet.documents['old_contract']}")
    expect(page.get_by_role("heading", name="第 1 页，共 2 页")).to_be_visible()
    page.get_by_role("link", name="下一页", exact=True).click()
    expect(page.get_by_role("heading", name="第 2 页，共 2 页")).to_be_visible()
    expect(page.locator(".page-text")).to_contain_text("五个工作日")
    # A page past the last (an old bookmark) leads to the last, one below 1 to the first.
    page.goto(f"/ui/documents/{cabinet.documents['old_contract']}?page=99")
    expect(page).to_have_url(re.compile(r"page=2$"))
    expect(page.get_by_role("heading", name="第 2 页，共 2 页")).to_be_visible()
    page.goto(f"/ui/documents/{cabinet.documents['old_contract']}?page=-1")
    expect(page).to_have_url(re.compile(r"page=1$"))
    expect(page.get_by_role("heading", name="第 1 页，共 2 页")).to_be_visible()


def test_a_long_document_links_a_few_pages_reaches_any_by_number_and_the_next_hit(
        phone: Page, cabinet: Cabinet, screenshots: Path) -> None:
    """On a phone, from a search hit: the page holding the phrase, a handful of page links
    (not one per page) above the scan, the page holding it next, any page by its number."""
    first, then = LONG_PHRASE_PAGES
    phone.goto(f"/ui/search?q={LONG_PHRASE}")
    phone.get_by_role("link", name="物业服务合同（长）").click()
    expect(phone.get_by_role("heading", name=f"第 {first} 页，共 {LONG_PAGES} 页")).to_be_visible()
    expect(phone.locator(".page-text mark").first).to_have_text(LONG_PHRASE)
    numbers = phone.locator(".page-nav nav a:not([rel])")
    assert numbers.all_inner_texts() == [
        str(number) for number in (1, *range(first - PAGES_AROUND, LONG_PAGES + 1))]
    targets = ".page-nav a, .goto-page [type=number], .goto-page button, .page-turn a"
    assert too_small_for_a_finger(phone, targets) == []
    assert serious_violations(phone) == []
    phone.locator("#page-heading").evaluate("heading => heading.scrollIntoView()")
    phone.screenshot(path=screenshots / "phone-long-document.png")
    phone.get_by_role("link", name="下一处检索词").click()
    expect(phone.get_by_role("heading", name=f"第 {then} 页，共 {LONG_PAGES} 页")).to_be_visible()
    expect(phone.locator(".page-text mark").first).to_have_text(LONG_PHRASE)
    phone.get_by_label(f"转到第几页（1–{LONG_PAGES}）").fill("3")
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", name=f"第 3 页，共 {LONG_PAGES} 页")).to_be_visible()
    expect(phone).to_have_url(re.compile(r"\?q=.+&page=3#page-heading$"))
    expect(phone.get_by_role("link", name="下一处检索词")).to_have_attribute(
        "href", re.compile(f"page={first}#page-heading$"))


def test_turning_a_page_on_a_tablet_lands_on_the_page_not_the_record_above_it(
        sign_in: SignIn, cabinet: Cabinet) -> None:
    page = sign_in("wang")
    page.set_viewport_size({"width": 800, "height": 1280})
    page.goto(f"/ui/documents/{cabinet.documents['long_contract']}")
    heading = page.get_by_role("heading", name=f"第 2 页，共 {LONG_PAGES} 页")
    for turn in (lambda: page.get_by_role("link", name="下一页", exact=True).click(),
                 lambda: page.get_by_label(f"转到第几页（1–{LONG_PAGES}）").fill("2")
                 or page.keyboard.press("Enter")):
        page.goto(f"/ui/documents/{cabinet.documents['long_contract']}?page=1")
        turn()
        expect(heading).to_be_visible()
        assert -1 < heading.evaluate("h => h.getBoundingClientRect().top") < 40
        assert page.evaluate("() => scrollY") > 0  # the record is above, scrolled past
        # The style sheet and scripts came from the browser's cache, not the network.
        assert page.evaluate(FROM_THE_NETWORK) == []


def test_the_end_of_a_pages_text_turns_to_the_next_page(
        sign_in: SignIn, cabinet: Cabinet) -> None:
    """Read to its end on a tablet (the scan above the text), a page turns where the
    reader is, not a screen or two above at the page links."""
    page = sign_in("wang")
    page.set_viewport_size({"width": 800, "height": 1280})
    page.goto(f"/ui/documents/{cabinet.documents['long_contract']}?page=4")
    page.locator(".page-text .text").evaluate("text => text.scrollIntoView(false)")
    turn = page.get_by_role("navigation", name="翻页（页末）").get_by_role(
        "link", name="下一页（第 5 页）")
    expect(turn).to_be_in_viewport()
    turn.click()
    expect(page.get_by_role("heading", name=f"第 5 页，共 {LONG_PAGES} 页")).to_be_in_viewport()
    expect(page.get_by_role("link", name="上一页（第 4 页）")).to_be_visible()


def test_an_ordinary_reader_finds_no_confidential_document_by_search_or_by_url(
        sign_in: SignIn, cabinet: Cabinet) -> None:
    page = sign_in("li")
    page.goto("/ui/search?q=和解协议")
    expect(page.locator("#summary")).to_have_text("没有找到文件。")
    confidential = cabinet.documents["confidential"]
    answers = {}
    for path in (f"/ui/documents/{confidential}", f"/ui/documents/{uuid.uuid4()}",
                 f"/ui/documents/{confidential}/pages/1/preview",
                 f"/ui/documents/{confidential}/pages/1/thumbnail",
                 f"/ui/documents/{confidential}/original",
                 f"/ui/documents/{confidential}/history"):
        response = page.goto(path)
        assert response is not None
        answers[path] = (response.status, page.locator("h1").inner_text())
    assert set(answers.values()) == {(404, "没有找到")}
    assert serious_violations(page) == []


def test_view_only_access_shows_the_text_and_no_download(
        sign_in: SignIn, cabinet: Cabinet) -> None:
    page = sign_in("li")
    document = cabinet.documents["id_copy"]
    page.goto(f"/ui/documents/{document}")
    expect(page.locator(".page-text")).to_contain_text("业主身份证复印件")
    expect(page.get_by_role("link", name="下载原件")).to_have_count(0)
    expect(page.locator(".actions")).to_contain_text("只允许在系统内查看")
    response = page.request.get(f"/ui/documents/{document}/original")
    assert response.status == 403
    assert serious_violations(page) == []


def test_a_form_posted_without_its_csrf_token_is_refused(sign_in: SignIn) -> None:
    page = sign_in("li")
    refused = page.evaluate("""async () => {
        const answer = await fetch('/ui/logout', {method: 'POST',
            headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body: ''});
        return [answer.status, await answer.text()];
    }""")
    assert refused[0] == 403
    assert "表单已失效" in refused[1]
    page.reload()
    expect(page).to_have_url(re.compile(r"/ui/search$"))


def test_a_script_in_a_title_is_shown_as_text(sign_in: SignIn) -> None:
    page = sign_in("wang")
    page.goto("/ui/search?q=消防栓")
    expect(page.locator(".hit h3")).to_have_text(SCRIPT_TITLE)
    page.locator(".hit h3 a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SCRIPT_TITLE)
    assert page.evaluate("() => window.__hacked === undefined")


def test_a_document_filed_before_page_images_shows_its_text_and_how_to_get_them(
        sign_in: SignIn, cabinet: Cabinet) -> None:
    page = sign_in("wang")
    page.goto(f"/ui/documents/{cabinet.documents['script']}?q=消防栓")
    expect(page.locator(".page-text mark")).to_have_text("消防栓")
    expect(page.locator(".scan img")).to_have_count(0)
    expect(page.locator(".scan")).to_contain_text("archive derive --missing")
    assert serious_violations(page) == []


def test_english_comes_from_the_catalogue(sign_in: SignIn) -> None:
    page = sign_in("wang", locale="en-GB")
    assert page.evaluate("() => document.documentElement.lang") == "en"
    page.get_by_label("Search for").fill("卫生间漏水")
    page.get_by_label("Search for").press("Enter")
    expect(page.locator("#summary")).to_have_text("1 document found")
    expect(page.locator(".hit")).to_contain_text("May 18, 2024")
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_label("检索词")).to_have_value("卫生间漏水")


BROKEN_IN_THE_TOP_BAR = """() => {
    const broken = [];
    const texts = document.createTreeWalker(document.querySelector("header.top"),
                                            NodeFilter.SHOW_TEXT);
    for (let text = texts.nextNode(); text; text = texts.nextNode()) {
        if (!text.textContent.trim() || text.parentElement.closest(".visually-hidden")) continue;
        const words = document.createRange();
        words.selectNodeContents(text);
        if (words.getClientRects().length > 1) broken.push(text.textContent.trim());
    }
    return broken;
}"""
"""The words of the top bar (a link, a button, the brand) laid out on more than one line.
Each text's own boxes are counted: a link laid out as a flex item is one box however
its words wrap inside it."""


def test_the_top_bar_breaks_between_its_items_never_inside_one(
        sign_in: SignIn, screenshots: Path) -> None:
    page = sign_in("wang", locale="en-GB")  # an archivist: the most parts in the nav
    assert page.locator("header.top nav a").count() >= 10
    for language in ("en", "zh"):
        if language == "zh":
            page.get_by_role("button", name="中文").click()
            expect(page.get_by_role("button", name="English")).to_be_visible()
        for width in (1280, 1024, 390):
            page.set_viewport_size({"width": width, "height": 800})
            assert page.evaluate(BROKEN_IN_THE_TOP_BAR) == [], (language, width)
            page.locator("header.top").screenshot(
                path=screenshots / f"top-bar-{language}-{width}.png")


def test_no_page_loads_more_than_150_kb_of_html_css_and_script(
        sign_in: SignIn, cabinet: Cabinet) -> None:
    page = sign_in("wang")
    weights = {}
    for path in ("/ui/login", f"/ui/search?q={PAGING_WORDS}", "/ui/households/A-1201",
                 f"/ui/documents/{cabinet.documents['letter']}?q=漏水"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        weights[path] = page.evaluate(WEIGHT_OF_TEXT)
    assert all(weights.values()), weights  # something was weighed
    assert max(weights.values()) <= 150 * 1024, weights


def test_the_document_page_fits_a_ten_inch_tablet(
        sign_in: SignIn, cabinet: Cabinet, screenshots: Path) -> None:
    page = sign_in("wang")
    page.set_viewport_size({"width": 800, "height": 1280})
    page.goto(f"/ui/documents/{cabinet.documents['letter']}?q=漏水")
    expect(page.locator(".page-text mark").first).to_be_visible()
    expect(page.locator(".history table").first).to_be_visible()  # its partial loaded
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 800
    page.screenshot(path=screenshots / "document-tablet.png")


@pytest.fixture
def phone(sign_in: SignIn, browser: Browser, cabinet: Cabinet) -> Iterator[Page]:
    """A page signed in as wang in a phone's browser (tests/browser/phone.py)."""
    signed_in = sign_in("wang").context.storage_state()
    context = browser.new_context(base_url=cabinet.url, storage_state=signed_in,
                                  locale="zh-CN", **TOUCH_PHONE)
    yield context.new_page()
    context.close()


def test_the_scan_s_hint_on_a_touch_screen_is_the_finger_s_not_the_keys(
        phone: Page, cabinet: Cabinet) -> None:
    phone.goto(f"/ui/documents/{cabinet.documents['letter']}")
    bar = phone.get_by_role("group", name="缩放扫描件")
    expect(bar).to_be_visible()
    expect(phone.locator("#zoom-keys")).to_be_hidden()
    expect(phone.locator("#zoom-touch")).to_have_text("点“放大”“缩小”按钮缩放；放大后用手指拖动查看。")
    expect(bar).to_have_attribute("aria-describedby", "zoom-touch")


def _hits_and_words(page: Page) -> tuple[str, list[str]]:
    """What the search page says it found, and the titles it lists."""
    return (page.locator("#summary").inner_text(),
            page.locator(".hit h3").all_inner_texts())


def test_a_search_left_unanswered_says_so_and_greys_the_results_of_the_words_before(
        phone: Page, screenshots: Path) -> None:
    phone.goto("/ui/search?q=漏水")
    expect(phone.locator(".hit").first).to_be_visible()
    before = _hits_and_words(phone)
    results = phone.locator("#results")
    searches = re.compile(r"/ui/search\?")
    failed = phone.locator("#search-unanswered")
    for answer in ("no connection", "server error"):
        def fail(route: Route, answer: str = answer) -> None:
            if answer == "no connection":
                route.abort()
            else:
                route.fulfill(status=503, body="unavailable")
        phone.route(searches, fail)
        box = phone.get_by_label("检索词")
        box.fill("投诉")
        box.press("Enter")
        expect(failed).to_be_visible()
        expect(failed).to_contain_text("检索失败：无法连接服务器，请检查网络后重试")
        expect(phone.locator("#announce")).to_contain_text("检索失败")
        # The hits of 漏水 stay on the page for the eye, greyed, but are no answer to
        # 投诉: out of the keyboard's and a screen reader's reach.
        assert _hits_and_words(phone) == before
        expect(results).to_have_class(re.compile(r"\bstale\b"))
        expect(results).to_have_js_property("inert", True)
        assert not phone.locator(".hit a").first.evaluate(
            "link => { link.focus(); return document.activeElement === link; }")
        phone.unroute(searches)
    phone.screenshot(path=screenshots / "touch-search-unanswered.png")
    assert serious_violations(phone) == []

    phone.get_by_role("button", name="重试").click()
    expect(phone.locator("#summary")).to_have_text("没有找到文件。")
    expect(failed).to_be_hidden()
    expect(results).to_have_js_property("inert", False)
    expect(results).not_to_have_class(re.compile(r"\bstale\b"))
    expect(phone).to_have_url(re.compile(r"q=%E6%8A%95%E8%AF%89"))


def test_a_search_on_its_way_marks_the_results_busy(
        phone: Page, screenshots: Path) -> None:
    phone.goto("/ui/search?q=漏水")
    expect(phone.locator(".hit").first).to_be_visible()
    held: list[Route] = []
    # A slow network: the search is answered when the test lets it through.
    phone.route(re.compile(r"/ui/search\?"), lambda route: held.append(route))
    # Typed, the words are searched after a pause (an Enter as well could send them twice
    # on a slow machine, the pause passed before the key: the second replaces the first).
    phone.get_by_label("检索词").fill("卫生间漏水")
    results = phone.locator("#results")
    expect(results).to_have_attribute("aria-busy", "true")
    expect(phone.get_by_text("正在检索…")).to_be_visible()
    phone.screenshot(path=screenshots / "touch-search-busy.png")
    assert len(held) == 1
    held[0].continue_()
    expect(phone.locator("#summary")).to_have_text("找到 1 份文件")
    expect(results).to_have_attribute("aria-busy", "false")
    expect(phone.get_by_text("正在检索…")).to_be_hidden()


FOCUSED = """() => {
    const focused = document.activeElement;
    return focused.closest('.hit') ? 'hit' : focused.closest('.facets') ? 'facet' : null;
}"""


def test_on_a_narrow_screen_the_keyboard_reaches_the_results_before_the_facets_below_them(
        phone: Page, screenshots: Path) -> None:
    phone.goto(f"/ui/search?q={PAGING_WORDS}")
    first_hit = phone.locator(".hit").first
    facets = phone.locator(".facets")
    expect(first_hit).to_be_visible()
    hit_box, facets_box = first_hit.bounding_box(), facets.bounding_box()
    assert hit_box is not None
    assert facets_box is not None
    assert hit_box["y"] < facets_box["y"]  # shown below the results
    phone.get_by_label("检索词").focus()
    reached = None
    for _ in range(30):
        phone.keyboard.press("Tab")
        reached = phone.evaluate(FOCUSED)
        if reached:
            break
    assert reached == "hit"
    # A link leads past the results to the facets.
    phone.get_by_role("link", name="按条件筛选").click()
    expect(phone).to_have_url(re.compile(r"#facets$"))
    # Each facet's count sits in the middle of its line.
    link = facets.get_by_role("link", name="工程档案")
    count = facets.locator("li").filter(has=phone.get_by_role("link", name="工程档案"))
    count = count.locator(".count")
    link_box, count_box = link.bounding_box(), count.bounding_box()
    assert link_box is not None
    assert count_box is not None
    assert abs((link_box["y"] + link_box["height"] / 2)
               - (count_box["y"] + count_box["height"] / 2)) <= 1
    assert count_box["height"] < link_box["height"]
    phone.screenshot(path=screenshots / "touch-search-facets.png")


def test_on_a_touch_screen_links_and_buttons_are_large_enough_for_a_finger(
        phone: Page, cabinet: Cabinet, screenshots: Path) -> None:
    assert phone.evaluate("() => matchMedia('(pointer: coarse)').matches")
    phone.goto(f"/ui/search?q={PAGING_WORDS}")
    expect(phone.locator(".hit").first).to_be_visible()
    for targets in ("header.top nav a", ".account a", ".account button", ".sorts a",
                    ".pager a", ".facets a"):
        assert too_small_for_a_finger(phone, targets) == [], targets
    phone.screenshot(path=screenshots / "touch-search.png")
    phone.goto(f"/ui/documents/{cabinet.documents['old_contract']}")
    expect(phone.get_by_role("button", name="放大")).to_be_visible()
    for targets in (".page-nav nav a", ".zoom-bar button"):
        assert too_small_for_a_finger(phone, targets) == [], targets
    phone.screenshot(path=screenshots / "touch-document.png")
    phone.goto("/ui/loans/new?household=A-1201")
    choices = "main input:is([type=checkbox], [type=radio])"
    assert too_small_for_a_finger(phone, choices, least_px=24) == []
    phone.screenshot(path=screenshots / "touch-loan-new.png")


def test_the_household_header_breaks_between_its_items_on_a_phone(
        phone: Page, screenshots: Path) -> None:
    phone.goto("/ui/households/A-1201")
    facts = phone.get_by_role("list").filter(has_text="在这一户的文件中检索")
    items = facts.get_by_role("listitem")
    expect(items.filter(has_text="申请借阅这一户的文件")).to_have_count(1)
    # Each item with the separator leading it on one line (a line as tall as a
    # finger's target): no separator is left alone at a line's end or start.
    heights = items.evaluate_all("""items => items.map(item => item.offsetHeight)""")
    line_px = max(FINGER_PX, float(items.first.evaluate(
        "item => parseFloat(getComputedStyle(item).lineHeight)")))
    assert all(height <= line_px + 1 for height in heights), (heights, line_px)
    separators = items.evaluate_all(
        "items => items.map(item => getComputedStyle(item, '::before').content)")
    assert separators[0] == "none"
    assert all(separator.startswith('"·"') for separator in separators[1:]), separators
    phone.locator("header.top").screenshot(path=screenshots / "touch-top-bar.png")
    phone.screenshot(path=screenshots / "touch-household.png")
