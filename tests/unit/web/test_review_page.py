"""The review page (services.web.review_page) says its queue's order as the registry keeps
it: the earliest registered first, each page with its registration date (登记日期), not
the filing date (归档日期) the document page shows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from services.web.navigation import layout as page_layout
from services.web.review_page import (
    Correcting,
    RefusedPage,
    ReviewItem,
    ReviewPage,
    chosen_index,
    settled_url,
)
from tests.unit.web.conftest import WANG, in_both_languages, shared_pages

ITEM = ReviewItem(document_id="d1", archive_no="2010-repair-A-1201-0001", title="报修单",
                  category="维修/报修记录", number=1,
                  registered_at=datetime(2024, 5, 18, 9, 0, tzinfo=UTC))


def test_the_queue_is_said_earliest_registered_first_with_each_registration_date() -> None:
    current = Correcting(item=ITEM, text="漏水", confidence=41.0, next=None, text_version=1)
    view = ReviewPage(items=[ITEM], current=current,
                      saved="", problem="", reason="")
    chinese, english = in_both_languages(WANG, "/ui/review", "review.html", view=view)
    assert "最早登记的在前" in chinese
    assert "最早归档" not in chinese
    assert "登记日期：2024年5月18日" in chinese
    assert "the earliest registered first" in english
    assert "registered May 18, 2024" in english


def test_the_lines_read_doubtfully_are_listed_to_check_first() -> None:
    current = Correcting(item=ITEM, text="电话留言\n3灯，", confidence=96.8, next=None,
                         text_version=1, doubtful_lines=("3灯，",))
    view = ReviewPage(items=[ITEM], current=current, saved="", problem="", reason="")
    chinese, english = in_both_languages(WANG, "/ui/review", "review.html", view=view)
    assert "这些行识别可信度低，请先核对：" in chinese
    assert "<li>3灯，</li>" in chinese
    assert "read with low confidence; check them first" in english


def test_a_page_asked_for_that_needs_a_loan_is_said_so_with_the_way_to_ask_for_one() -> None:
    refused = RefusedPage(document_id="d9", title="和解协议", archive_no="2024-contract-0003",
                          code="needs_grant")
    view = ReviewPage(items=[], current=None, saved="", problem="", reason="",
                      refused=refused)
    chinese, english = in_both_languages(WANG, "/ui/review", "review.html", view=view)
    assert "不能校对《和解协议》（2024-contract-0003）：" in chinese
    assert "阅读这份文件需要借阅批准" in chinese
    assert 'href="/ui/loans/new?document=d9"' in chinese
    assert "没有需要校对的页面。" in chinese
    assert "You cannot correct “和解协议” (2024-contract-0003)" in english


def test_a_document_asked_for_without_a_page_opens_on_its_first_page_still_waiting() -> None:
    second = ReviewItem(document_id="d2", archive_no="2024-repair-A-1201-0002", title="来函",
                        category="维修/报修记录", number=3,
                        registered_at=datetime(2024, 5, 19, 9, 0, tzinfo=UTC))
    items = [ITEM, second, replace(second, number=4)]
    assert chosen_index(items, "d2", None) == 1
    assert settled_url(items, "d2", None) == ""
    assert settled_url(items, "d3", None) == "/ui/documents/d3"
    assert settled_url(items, "d3", 1) == ""


def test_a_document_none_of_whose_pages_wait_is_said_so() -> None:
    view = ReviewPage(items=[], current=None, saved="", problem="", reason="",
                      settled="/ui/documents/d3")
    layout = page_layout(WANG, "/ui/review", "token")
    chinese = shared_pages().html("zh", "review.html", layout | {"view": view})
    assert "这份文件没有等待校对的页面" in chinese
    assert "更正这一页的文字" in chinese  # a page read wrong with confidence is corrected so
    assert 'href="/ui/documents/d3"' in chinese


def test_an_empty_queue_says_what_comes_here_and_where_scans_are_uploaded() -> None:
    view = ReviewPage(items=[], current=None, saved="", problem="", reason="")
    chinese, english = in_both_languages(WANG, "/ui/review", "review.html", view=view)
    assert "识别时读得没有把握的页面（小字、模糊、手写）会列在这里" in chinese
    assert '<a href="/ui/ingest">上传新的扫描件</a>' in chinese
    assert "Upload new scans" in english
