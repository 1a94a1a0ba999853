"""A form's answer (services.web.failures.answered): post/redirect/get with what was done,
or with the refusal's code at the form to try again."""

from __future__ import annotations

import pytest

from services.common.errors import Conflict, Forbidden, NotFound
from services.web.failures import answered, none_if


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
