"""A form's answer (services.web.failures.answered): post/redirect/get with what was done,
or with the refusal's code at the form to try again; a failure page offers only ways on
that work, and its code as a hint for support staff, not as its message."""

from __future__ import annotations

import httpx
import pytest
from litestar.exceptions import HTTPException, NotFoundException

from services.common.auth import Principal, PrincipalVerifier, TokenCodec
from services.common.clients.reader import RegistryReader
from services.common.errors import (
    ArchiveError,
    Conflict,
    DependencyUnavailable,
    Forbidden,
    NotFound,
    PeerFailed,
)
from services.web.failures import answered, failure_handlers, none_if, outcome_values, ways_on
from services.web.navigation import layout_values
from services.web.people import PeopleNames
from services.web.session import reader_at_failure
from tests.support.pages import page_request
from tests.support.registry import TEST_KEY
from tests.unit.web.conftest import shared_pages


async def _done() -> None:
    return None


async def _refused() -> None:
    raise Conflict("the items changed since you signed", code="signatures_void")


async def _unknown() -> None:
    raise NotFound("no such register", code="unknown_destruction")


async def test_what_was_done_and_a_refusal_go_to_the_page_without_a_fragment() -> None:
    """The page says either at its top, in words that take the focus (autofocus), which a
    page opened at a fragment skips: what it said, above the fragment, was out of view and
    not read out."""
    done = await answered(_done(), "/ui/inventories/i1", done="completed")
    refused = await answered(_refused(), "/ui/inventories/i1", done="completed")
    assert (done.url, done.status_code) == ("/ui/inventories/i1?done=completed", 303)
    assert refused.url == "/ui/inventories/i1?refused=signatures_void"


async def test_a_refusal_said_at_its_form_names_the_form_without_a_fragment() -> None:
    """A page opened at a fragment skips autofocus: the field to correct would not be
    focused, nor the refusal beside it read."""
    answer = await answered(_refused(), "/ui/destructions/d1", done="signed",
                            refused_form="sign")
    assert answer.url == "/ui/destructions/d1?refused=signatures_void&at=sign"


async def test_what_one_may_not_see_stays_the_not_found_page() -> None:
    with pytest.raises(NotFound):
        await answered(_unknown(), "/ui/destructions/d1", done="signed", refused_form="sign")


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
    return shared_pages().html("zh", "failure.html",
                               values | ways_on(request, status, values["here"])
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


async def _above_clearance() -> None:
    raise Forbidden("this loan includes 2 document(s) above your clearance; someone cleared "
                    "to secret approves it", code="above_clearance",
                    extra={"documents_above": 2, "clearance_needed": "secret"})


async def test_a_decision_refused_above_clearance_carries_the_count_and_the_clearance_needed(
        ) -> None:
    answer = await answered(_above_clearance(), "/ui/loans/l1", done="approved")
    assert answer.url == "/ui/loans/l1?refused=above_clearance&above=2&needed=secret"
    shown = outcome_values(page_request("GET", answer.url))
    assert (shown["refused"], shown["above"], shown["needed"]) == ("above_clearance", 2, "绝密")
    forged = outcome_values(page_request("GET", "/ui/loans/l1?refused=above_clearance"
                                                "&above=lots&needed=<b>"))
    assert (forged["above"], forged["needed"]) == (0, "")


def _answer_to(method: str, address: str, error: ArchiveError) -> tuple[int, str]:
    """The failure page the pages answer with when a route raised ``error``."""
    handlers = failure_handlers(shared_pages())
    request = page_request(method, address, referer="http://archive.example/ui/retention")
    answer = handlers[ArchiveError](request, error)
    return answer.status_code, str(answer.content)


def test_a_form_a_failing_service_did_not_do_says_it_was_not_saved_and_gives_the_code(
        ) -> None:
    status, page = _answer_to("POST", "/ui/retention/schedule", PeerFailed(
        "registry failed (500): Internal Server Error", code="registry_failed"))
    assert status == 502
    assert "您的更改没有保存。请把页面下方的代码告诉系统管理员。" in page
    assert "暂时无法访问" not in page
    assert "<small>（供系统管理员查询：registry_failed）</small>" in page


def test_a_form_a_service_that_cannot_be_reached_did_not_do_says_to_try_again_later(
        ) -> None:
    status, page = _answer_to("POST", "/ui/retention/schedule", DependencyUnavailable(
        "the registry service cannot be reached", code="registry_unavailable"))
    assert status == 503
    assert "档案系统的某个服务暂时无法访问，请稍后再试。" in page
    assert "没有保存" not in page


def test_a_failure_page_is_titled_in_words_as_its_heading() -> None:
    not_found = _failure_page("GET", "/ui/households/Z-9999", 404, "not_found")
    down = _failure_page("GET", "/ui/search?q=漏水", 503, "search_unavailable")
    assert "<title>没有找到 · 客户档案</title>" in not_found
    assert "<h1>没有找到</h1>" in not_found
    assert "<title>服务暂时不可用 · 客户档案</title>" in down


class RegistryAway:
    """A ``PrincipalVerifier`` whose registry cannot be reached."""

    async def verify(self, principal: Principal, token: str) -> None:
        raise DependencyUnavailable("the registry service cannot be reached",
                                    code="registry_unavailable")


class RegistryAgrees:
    """A ``PrincipalVerifier`` that finds every token live."""

    async def verify(self, principal: Principal, token: str) -> None:
        return None


@pytest.mark.parametrize(("verifier", "top_bar_names"), [
    (RegistryAgrees(), True), (RegistryAway(), False)])
async def test_a_page_no_route_takes_names_the_reader_only_when_their_token_verifies(
        verifier: PrincipalVerifier, top_bar_names: bool) -> None:
    """A registry that cannot say leaves the signed-out bar, and the page its 404."""
    codec = TokenCodec(TEST_KEY, ttl_s=60)
    token = codec.issue(Principal(username="wang", roles=("archivist",)))
    request = page_request("GET", "/ui/loanz", cookie=f"archive_session={token}")
    routing_said = NotFoundException()
    await reader_at_failure(routing_said, request.scope, verifier, codec=codec)
    answer = failure_handlers(shared_pages())[HTTPException](request, routing_said)
    assert answer.status_code == 404
    assert ('<span class="who">wang</span>' in str(answer.content)) is top_bar_names


async def test_a_failure_page_names_the_reader_by_the_full_names_last_read() -> None:
    """The not-found page's top bar says 王芳（wang） as the page before it did."""
    registry = RegistryReader(
        "http://registry", name="registry", service_token=lambda: "unused",
        transport=httpx.MockTransport(lambda request: httpx.Response(
            200, json=[{"username": "wang", "full_name": "王芳"}])))
    people = PeopleNames(registry)
    try:
        await people.names("token")  # a page read the list
    finally:
        await registry.close()
    codec = TokenCodec(TEST_KEY, ttl_s=60)
    token = codec.issue(Principal(username="wang", roles=("archivist",)))
    request = page_request("GET", "/ui/loanz", cookie=f"archive_session={token}")
    routing_said = NotFoundException()
    await reader_at_failure(routing_said, request.scope, RegistryAgrees(), codec=codec)
    answer = failure_handlers(shared_pages(), people=people)[HTTPException](
        request, routing_said)
    assert '<span class="who">王芳（wang）</span>' in str(answer.content)


def test_a_form_s_address_opened_as_a_page_says_so_and_how_to_send_it_again() -> None:
    """A form's POST-only address (reloaded after sending, or from the history) is not a
    page that does not exist or is not the reader's: the page says what the address is
    and that the form is sent again from its page."""
    page = _failure_page("GET", "/ui/documents/d-1/corrections", 405, "method_not_allowed")
    assert "<h1>这个地址不能直接打开</h1>" in page
    assert "这是提交表单用的地址" in page
    assert "请回到表单所在的页面" in page
    assert "这一页不存在，或者您无权查看" not in page
    assert '<a href="/ui/search">回到检索</a>' in page
