"""A document's and a household's addresses are built in one place, ``services.web.links``,
the identifier quoted; no page module or template writes them its own way."""

from __future__ import annotations

import re
from pathlib import Path

from services.web import links
from services.web.render import TEMPLATES, Pages

WEB = Path(links.__file__).parent
IN_PYTHON = re.compile(r"PAGES_PREFIX\}/(?:documents|households)")
IN_TEMPLATES = re.compile(r"/ui/(?:documents|households)/")


def test_a_documents_address_carries_the_terms_and_page_and_quotes_the_identifier() -> None:
    assert links.document_url("3f2a") == "/ui/documents/3f2a"
    assert links.document_url("3f2a", q="漏水 楼上", page=2) == \
        "/ui/documents/3f2a?q=%E6%BC%8F%E6%B0%B4+%E6%A5%BC%E4%B8%8A&page=2"
    assert links.document_url("a/b?c") == "/ui/documents/a%2Fb%3Fc"
    assert links.page_image_url("3f2a", 4) == "/ui/documents/3f2a/pages/4/preview"
    assert links.page_image_url("3f2a", 4, size="large") == "/ui/documents/3f2a/pages/4/large"


def test_a_households_address_quotes_the_code() -> None:
    assert links.household_url("A-1301") == "/ui/households/A-1301"
    assert links.household_url("B 2/3") == "/ui/households/B%202%2F3"


def test_templates_build_the_addresses_with_the_same_functions() -> None:
    page = Pages().environments["zh"].from_string(
        '<a href="{{ document_url(id) }}"></a><a href="{{ household_url(code) }}"></a>')
    assert page.render(id="3f2a", code="B 2/3") == \
        '<a href="/ui/documents/3f2a"></a><a href="/ui/households/B%202%2F3"></a>'


def test_no_page_module_or_template_writes_a_document_or_household_address_itself() -> None:
    sources = [(path, IN_PYTHON) for path in sorted(WEB.glob("*.py")) if path.name != "links.py"]
    sources += [(path, IN_TEMPLATES) for path in sorted(TEMPLATES.glob("*.html"))]
    written = [f"{path.name}:{number}" for path, pattern in sources
               for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
               if pattern.search(line)]
    assert written == []


def test_an_address_carries_its_query_and_no_bare_question_mark() -> None:
    assert links.address("/ui/search", {}) == "/ui/search"
    assert links.address("/ui/search", {"q": "漏水", "page": 2}) == \
        "/ui/search?q=%E6%BC%8F%E6%B0%B4&page=2"
