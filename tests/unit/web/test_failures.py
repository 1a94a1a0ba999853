"""A form's answer (services.web.failures.answered): post/redirect/get with what was done,
or with the refusal's code at the form to try again; a failure page offers only ways on
that work, and its code as a hint for support staff, not as its message."""

from __future__ import annotations

import pytest

from services.common.auth import Principal
from services.common.errors import Conflict, Forbidden, NotFound
from services.web.failures import answered, none_if, ways_on
from services.web.navigation import layout_values
from services.web.render import Pages
from tests.support.pages import page_request


async def _done() -> None:
    return None


async def _refused() -> None:
    raise Conflict("the items changed since you signed", code="signatures_void")


async def _unknown() -> None:
    raise NotFound("no such register", code="unknown_destruction")


async def test_done_goes_to_the_anchor() -> None:
    answer = await answered(_done(), "/ui/destructions/d1", done="signed",
                            refused_anchor="#sign")
    assert (answer.url, answer.status_code) == ("/ui/destructions/d1?done=signed", 303)


async def test_a_refusal_goes_to_the_refused_anchor() -> None:
    answer = await answered(_refused(), "/ui/destructions/d1", done="signed",
                            refused_anchor="#sign")
    assert answer.url == "/ui/destructions/d1?refused=signatures_void#sign"


async def test_without_a_refused_anchor_both_go_to_the_anchor() -> None:
    done = await answered(_done(), "/ui/inventories", done="resolved",
                          anchor="#discrepancies")
    refused = await answered(_refused(), "/ui/inventories", done="resolved",
                             anchor="#discrepancies")
    assert (done.url, refused.url) == ("/ui/inventories?done=resolved#discrepancies",
                                       "/ui/inventories?refused=signatures_void#discrepancies")


async def test_what_one_may_not_see_stays_the_not_found_page() -> None:
    with pytest.raises(NotFound):
        await answered(_unknown(), "/ui/destructions/d1", done="signed", refused_anchor="#sign")


async def test_a_read_the_page_does_without_is_none_only_for_the_errors_named() -> None:
    async def found() -> str:
        return "page text"

    async def missing() -> str:
        raise NotFound("no preview", code="no_preview")

    async def refused() -> str:
        raise Forbidden("needs a loan", code="needs_grant")

    assert await none_if(found(), NotFound) == "page text"
    assert await none_if(missing(), NotFound) is None
    assert await none_if(refused(), NotFound, Forbidden) is None
    with pytest.raises(Forbidden):
        await none_if(refused(), NotFound)


def _failure_page(method: str, address: str, status: int, code: str, **headers: str) -> str:
    request = page_request(method, address, **headers)
    values = layout_values(request, Principal(username="wang", roles=("archivist",)))
    return Pages().html("zh", "failure.html", values | ways_on(request, status, values["here"])
                        | {"status": status, "code": code})


def test_search_down_offers_to_try_again_not_the_search_page_as_a_way_back() -> None:
    page = _failure_page("GET", "/ui/search?q=漏水", 503, "search_unavailable")
    assert '<a href="/ui/search?q=漏水">再试一次</a>' in page
    assert "回到检索" not in page


def test_a_form_that_failed_offers_the_page_it_was_on() -> None:
    page = _failure_page("POST", "/ui/loans/l-1/approve", 503, "registry_unavailable",
                         referer="http://archive.example/ui/loans/l-1")
    assert '<a href="/ui/loans/l-1">回到刚才的页面</a>' in page
    assert '<a href="/ui/search">回到检索</a>' in page
    assert "再试一次" not in page


def test_the_code_is_a_small_hint_for_support_staff_not_the_message() -> None:
    page = _failure_page("GET", "/ui/documents/d-1", 404, "unknown_document")
    assert "<small>（供系统管理员查询：unknown_document）</small>" in page
    assert "代码：" not in page


def test_a_failure_page_is_titled_in_words_as_its_heading() -> None:
    not_found = _failure_page("GET", "/ui/households/Z-9999", 404, "not_found")
    down = _failure_page("GET", "/ui/search?q=漏水", 503, "search_unavailable")
    assert "<title>没有找到 · 客户档案</title>" in not_found
    assert "<h1>没有找到</h1>" in not_found
    assert "<title>服务暂时不可用 · 客户档案</title>" in down
