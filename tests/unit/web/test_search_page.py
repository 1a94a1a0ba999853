"""The search page's state lives in its URL (services.web.search_page)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from msgspec.structs import replace as msgspec_replace

from services.common.contracts.search import Facets, SearchHit, SearchResult
from services.common.errors import ValidationFailed
from services.web.navigation import layout
from services.web.render import Language
from services.web.search_page import (
    SearchForm,
    empty_view,
    page_past_the_end,
    search_view,
    snippet,
)
from tests.unit.web.conftest import shared_pages


def _hit(number: int, match: str = "all") -> SearchHit:
    return SearchHit(document_id=f"d{number}", archive_no=f"2024-repair-A-1201-{number:04d}",
                     title="漏水", household="A-1201", category="repair",
                     filed_at=date(2024, 5, number % 28 + 1), score=1.0,
                     match=match, highlights=[])  # type: ignore[arg-type]


def test_a_changed_filter_starts_again_at_page_one_and_keeps_the_rest() -> None:
    form = SearchForm.from_query({"q": "漏水", "household": "A-1201", "page": "3",
                                  "sort": "newest"})
    assert form.url(category="repair") == \
        "/ui/search?q=%E6%BC%8F%E6%B0%B4&household=A-1201&category=repair&sort=newest"
    assert form.url(household="") == "/ui/search?q=%E6%BC%8F%E6%B0%B4&sort=newest"


def test_a_unit_code_typed_as_staff_type_it_filters_by_that_household() -> None:
    form = SearchForm.from_query({"household": "a1201"})
    assert (form.household, form.request().household) == ("A-1201", "A-1201")
    assert SearchForm.from_query({"household": "12楼"}).household == "12楼"  # refused later


@pytest.mark.parametrize("typed", ["B", "b", "B栋", "Ｂ座", "building b"])
def test_a_building_typed_as_staff_type_it_filters_by_that_buildings_households(
        typed: str) -> None:
    """A manager's every decoration approval of building B (the households' facet names 20
    of them at most)."""
    form = SearchForm.from_query({"category": "decoration", "building": typed})
    assert (form.building, form.request().building, form.asked) == ("B", "B", True)
    assert [filter.label for filter in empty_view(form).active_filters] == [
        "装修工程文件", "B栋"]
    assert form.url(building="") == "/ui/search?category=decoration"


@pytest.mark.parametrize("typed", ["维修", "維修", "维修/报修记录", "repair"])
def test_a_category_typed_by_its_chinese_name_filters_by_that_category(typed: str) -> None:
    form = SearchForm.from_query({"q": "漏水", "category": typed})
    assert (form.category, form.request().category) == ("repair", "repair")
    assert [filter.label for filter in empty_view(form).active_filters] == ["维修/报修记录"]


@pytest.mark.parametrize("typed", ["记录", "电费"])  # shared by several categories; none
def test_a_category_that_names_no_one_category_is_refused_saying_what_to_write(
        typed: str) -> None:
    form = SearchForm.from_query({"q": "漏水", "category": typed})
    with pytest.raises(ValidationFailed) as refused:
        form.request()
    html = shared_pages().html("zh", "_results.html",
                               {"view": empty_view(form, error=refused.value.code)})
    assert "没有这个类别：请写类别的名称（如 维修/报修记录，或 维修）或代码" in html


def test_nonsense_in_the_url_is_read_as_the_defaults() -> None:
    form = SearchForm.from_query({"page": "-4", "sort": "sideways"})
    assert (form.page, form.sort, form.asked) == (1, "relevance", False)


def test_a_bad_date_is_refused_with_a_code() -> None:
    with pytest.raises(ValidationFailed) as refused:
        SearchForm.from_query({"q": "x", "filed_from": "2024-13-01"}).request()
    assert refused.value.code == "invalid_date"


def test_pages_and_the_line_before_partial_hits_are_laid_out_by_the_view() -> None:
    result = SearchResult(total=95, hits=[_hit(1), _hit(2, "partial"), _hit(3, "partial")],
                          facets=Facets(category={"repair": 95}, household={}, year={"2024": 95}))
    view = search_view(SearchForm.from_query({"q": "漏水", "page": "3"}), result)
    assert [link.label for link in view.pager.pages] == ["1", "2", "3", "4", "5"]
    assert [hit.first_partial for hit in view.hits] == [False, True, False]
    assert view.categories[0].label == "维修/报修记录"
    assert view.years[0].url.endswith("filed_from=2024-01-01&filed_to=2024-12-31")


def test_a_page_after_the_last_leads_to_the_last() -> None:
    empty = SearchResult(total=26, hits=[], facets=Facets(category={}, household={},
                                                                     year={}))
    past = page_past_the_end(SearchForm.from_query({"q": "漏水", "page": "99"}), empty)
    assert past is not None
    assert past.endswith("page=2")
    assert page_past_the_end(SearchForm.from_query({"q": "漏水", "page": "2"}), empty) is None
    nothing = SearchResult(total=0, hits=[], facets=empty.facets)
    assert page_past_the_end(SearchForm.from_query({"q": "漏水", "page": "3"}), nothing) is None


def test_a_snippet_keeps_only_its_marks_as_markup() -> None:
    assert snippet("a &lt;b&gt; <mark>漏水</mark><img src=x>") == \
        "a &lt;b&gt; <mark>漏水</mark>&lt;img src=x&gt;"


def test_the_results_have_a_heading_of_their_own_above_their_titles() -> None:
    result = SearchResult(total=1, hits=[_hit(1)],
                          facets=Facets(category={"repair": 1}, household={"A-1201": 1},
                                        year={"2024": 1}))
    view = search_view(SearchForm.from_query({"q": "漏水"}), result)
    headings_by_language: tuple[tuple[Language, str], ...] = (
        ("zh", "检索结果"), ("en", "Search results"))
    for language, name in headings_by_language:
        html = shared_pages().html(language, "_results.html", {"view": view})
        headings = re.findall(r"<(h[1-6])[^>]*>(.*?)</h[1-6]>", html, re.S)
        first_title = next(index for index, (level, _) in enumerate(headings) if level == "h3")
        assert headings[first_title - 1] == ("h2", name)


def test_the_search_box_is_focused_on_an_empty_search_page_only() -> None:
    """Coming back to results (or following a link to them), focus stays at the top: a
    focused box would have screen readers start at it and skip the results."""
    def box(query: dict[str, str]) -> str:
        html = shared_pages().html("en", "search.html", layout(None, "/ui/search", "token") | {
            "view": empty_view(SearchForm.from_query(query))})
        return re.search(r'<input id="q"[^>]*>', html).group(0)  # type: ignore[union-attr]

    assert "autofocus" in box({})
    assert ["autofocus" in box(query) for query in ({"q": "漏水"}, {"household": "A-1201"})] \
        == [False, False]


def test_chinese_titles_and_snippets_are_marked_chinese_on_the_english_results() -> None:
    hit = msgspec_replace(_hit(1), title="卫生间漏水维修申请",
                          highlights=["A-1201 <mark>漏水</mark>"])
    result = SearchResult(total=1, hits=[hit], facets=Facets(category={}, household={},
                                                                     year={}))
    view = search_view(SearchForm.from_query({"q": "漏水"}), result)
    english = shared_pages().html("en", "_results.html", {"view": view})
    assert '"><span lang="zh">卫生间漏水维修申请</span></a></h3>' in english
    assert '<p class="snippet"><span lang="zh">A-1201 <mark>漏水</mark></span></p>' in english
    assert "lang=" not in shared_pages().html("zh", "_results.html", {"view": view})


def _results_of(language: str, *hits: SearchHit) -> str:
    result = SearchResult(total=len(hits), hits=list(hits),
                          facets=Facets(category={}, household={}, year={}))
    view = search_view(SearchForm.from_query({"q": "漏水"}), result)
    return shared_pages().html(language, "_results.html", {"view": view})  # type: ignore[arg-type]


def test_each_hit_is_marked_in_its_documents_script_or_language() -> None:
    traditional = msgspec_replace(_hit(1), title="衛生間漏水", language="chi_tra",
                                  highlights=["衛生間<mark>漏水</mark>"])
    simplified = msgspec_replace(_hit(2), title="卫生间漏水", language="chi_sim",
                                 highlights=["卫生间<mark>漏水</mark>"])
    english = msgspec_replace(_hit(3), title="Water leak", language="eng",
                              highlights=["a <mark>leak</mark> in Room 1201"])
    on_english = _results_of("en", traditional, simplified, english)
    assert '"><span lang="zh-Hant">衛生間漏水</span></a></h3>' in on_english
    assert '<p class="snippet"><span lang="zh-Hant">衛生間<mark>漏水</mark></span></p>' \
        in on_english
    assert '<p class="snippet"><span lang="zh-Hans">卫生间<mark>漏水</mark></span></p>' \
        in on_english
    assert '<p class="snippet">a <mark>leak</mark> in Room 1201</p>' in on_english
    on_chinese = _results_of("zh", traditional, simplified, english)
    assert '"><span lang="en">Water leak</span></a></h3>' in on_chinese
    assert '<p class="snippet"><span lang="en">a <mark>leak</mark> in Room 1201</span></p>' \
        in on_chinese
    assert on_chinese.count("lang=") == 2


def test_nothing_found_says_restricted_texts_are_searched_only_under_a_loan() -> None:
    """A cleared reader whose word stands only in a confidential document's text finds
    nothing (its text is searched under an approved loan, B2/B8): the page says so."""
    html = _results_of("zh")
    assert "没有找到文件。" in html
    assert "机密、绝密和含业主个人信息的文件只按题名和档号检索，不检索正文" in html
    assert "请申请借阅" in html


def test_a_query_of_punctuation_only_says_what_to_type() -> None:
    """Refused by search (``tests/unit/search/test_query.py``), said with a next step."""
    form = SearchForm.from_query({"q": "。，！"})
    html = shared_pages().html("zh", "_results.html",
                               {"view": empty_view(form, error="query_without_terms")})
    assert "标点和符号不参与检索。请输入汉字、字母或数字" in html


@pytest.mark.parametrize("language", ["zh", "en"])
def test_nothing_found_for_quoted_words_offers_the_search_without_the_quotes(
        language: Language) -> None:
    """A quoted phrase is found only exactly (no synonym, no partial match): the page leads
    to the same words unquoted, which may find what the phrase did not."""
    nothing = SearchResult(total=0, hits=[], facets=Facets(category={}, household={}, year={}))
    view = search_view(SearchForm.from_query({"q": '“水管破裂” 厨房', "category": "repair"}),
                       nothing)
    html = shared_pages().html(language, "_results.html", {"view": view})
    unquoted = view.without_quotes
    assert unquoted is not None
    assert unquoted.url == SearchForm(q="水管破裂 厨房", category="repair").url()
    assert f'<a href="{unquoted.url.replace("&", "&amp;")}">' in html
    assert ("去掉引号再找：水管破裂 厨房" if language == "zh"
            else "search without the quotes: 水管破裂 厨房") in html
    plain = search_view(SearchForm.from_query({"q": "水管破裂"}), nothing)
    assert plain.without_quotes is None
