"""The top bar offers each person the parts of the archive their roles open, from the role
lists the services check: nobody is shown a part that would refuse them."""

from __future__ import annotations

import re

import pytest

from services.common.auth import Principal
from services.web.navigation import SECTIONS, layout, navigation
from services.web.render import TEMPLATES
from tests.unit.web.conftest import shared_pages


@pytest.mark.parametrize(("roles", "offered"), [
    (("staff",), set()),
    (("archivist",), {"ingest", "review", "corrections", "statistics", "inventories",
                      "retention", "handovers", "catalogues"}),
    (("compliance",), {"statistics", "inventories", "retention", "handovers", "catalogues",
                       "audit"}),
    (("manager",), {"corrections", "retention", "handovers"}),
    (("center_head",), {"corrections", "handovers"}),
    (("director",), {"corrections", "statistics", "inventories", "retention", "handovers"}),
    (("admin",), {"review", "inventories", "retention", "handovers", "catalogues",
                  "accounts", "audit"}),
    (("staff", "manager"), {"corrections", "retention", "handovers"}),
])
def test_the_bar_offers_the_parts_each_role_opens(roles: tuple[str, ...],
                                                  offered: set[str]) -> None:
    assert navigation(Principal(username="someone", roles=roles)) == offered


def test_the_bar_shows_each_part_by_the_name_navigation_gives_it() -> None:
    bar = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    assert set(re.findall(r'{% if "(\w+)" in navigation %}', bar)) == set(SECTIONS)


WANG = Principal(username="wang", roles=("archivist",), clearance="secret")
ZHOU = Principal(username="zhou", roles=("manager",))
LI = Principal(username="li", roles=("staff",))
NOT_FOUND = {"status": 404, "code": "not_found", "retry": None, "back": None,
             "home": "/ui/search"}


def test_a_failure_page_is_drawn_with_the_layout_every_page_has() -> None:
    page = shared_pages().html("zh", "failure.html", layout(WANG, "/ui/ingest", "t") | NOT_FOUND)
    assert "没有找到" in page
    assert 'href="/ui/ingest"' in page
    assert "wang" in page
    signed_out = shared_pages().html("zh", "failure.html", layout(None, "/ui/x", "t") | NOT_FOUND)
    assert "主导航" not in signed_out


def test_every_page_is_drawn_in_the_layout_whose_bar_offers_signing_out() -> None:
    pages = [page for page in sorted(TEMPLATES.glob("*.html"))
             if not page.name.startswith("_") and page.name not in ("base.html", "macros.html")]
    assert "search.html" in [page.name for page in pages]
    outside = [page.name for page in pages
               if not page.read_text(encoding="utf-8").startswith('{% extends "base.html" %}')]
    assert outside == []
    drawn = shared_pages().html("zh", "failure.html", layout(WANG, "/ui/loans", "t") | NOT_FOUND)
    assert re.search(r'<header class="top">.*<form method="post" action="/ui/logout">\s*'
                     r'<input type="hidden" name="_csrf_token" value="t">\s*'
                     r'<button type="submit">退出</button>.*</header>', drawn, re.S)


def _counts(language: str, *, corrections: int | None, sweeps: int | None = None) -> str:
    values = {"waiting": 2, "signatures": 0, "notices": 1, "corrections": corrections,
              "sweeps": sweeps}
    return shared_pages().html(language, "_badges.html", values)  # type: ignore[arg-type]


def test_one_answer_fills_the_counts_beside_loans_and_corrections_in_the_bar() -> None:
    bar = shared_pages().html("zh", "failure.html", layout(ZHOU, "/ui/search", "t") | NOT_FOUND)
    counts = _counts("zh", corrections=3)
    assert bar.count('hx-get="/ui/badges"') == 1
    assert re.search(r'<a href="/ui/loans">借阅<span class="badge-slot" id="loans-badge">'
                     r'</span></a>', bar)
    assert re.search(r'<a href="/ui/corrections">更正审批<span class="badge-slot" '
                     r'id="corrections-badge"></span></a>', bar)
    assert '<span id="loans-badge" hx-swap-oob="innerHTML">' in counts
    assert ('<span id="corrections-badge" hx-swap-oob="innerHTML"> <span class="count '
            'corrections"><span aria-hidden="true">3</span><span class="visually-hidden">'
            '（3 项更正待您审批）</span></span></span>') in counts
    assert "（2 项待您审批）" in counts
    assert "（1 条未读通知）" in counts
    assert "3 corrections waiting for your decision" in _counts("en", corrections=3)
    assert "1 correction waiting for your decision" in _counts("en", corrections=1)


def test_the_director_is_told_beside_retention_how_many_sweeps_await_their_approval(
        ) -> None:
    director = Principal(username="zhao", roles=("director",))
    bar = shared_pages().html("zh", "failure.html", layout(director, "/ui/search", "t")
                              | NOT_FOUND)
    assert re.search(r'<a href="/ui/retention">保管与销毁<span class="badge-slot" '
                     r'id="retention-badge"></span></a>', bar)
    assert ('<span id="retention-badge" hx-swap-oob="innerHTML"> <span class="count '
            'sweeps"><span aria-hidden="true">1</span><span class="visually-hidden">'
            '（1 份清理清单待您审批）</span></span></span>') in _counts(
        "zh", corrections=None, sweeps=1)
    assert "2 sweeps waiting for your approval" in _counts("en", corrections=None, sweeps=2)
    assert '<span id="retention-badge" hx-swap-oob="innerHTML"></span>' in _counts(
        "zh", corrections=None, sweeps=0)
    assert "retention-badge" not in _counts("zh", corrections=None)


def test_no_count_is_shown_beside_corrections_when_none_wait_or_the_reader_does_not_decide(
        ) -> None:
    none_waiting = _counts("zh", corrections=0)
    archivist = _counts("zh", corrections=None)
    assert '<span id="corrections-badge" hx-swap-oob="innerHTML"></span>' in none_waiting
    assert "corrections-badge" not in archivist
    assert 'id="corrections-badge"' not in shared_pages().html(
        "zh", "failure.html", layout(LI, "/ui/search", "t") | NOT_FOUND)
