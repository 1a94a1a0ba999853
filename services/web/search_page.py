"""The search page (``/ui/search``): what a search asked, and its answer as the page
shows it. All state is in the URL (bookmark, back button, share); every link and filter
is a URL built here, so the template only loops and shows."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from markupsafe import Markup

from services.common.contracts.search import MAX_RESULT_WINDOW, SearchRequest, SearchResult, Sort
from services.common.errors import ValidationFailed
from services.common.models import CATEGORIES, CATEGORY_NAMES, Category
from services.common.names import (
    says_it_is_a_building,
    tidied_building,
    tidied_category,
    tidied_household,
)
from services.common.text import QUOTE_MARKS
from services.common.web import PAGES_PREFIX
from services.web.links import address, document_url, household_url
from services.web.pager import Pager, page_count, pager

SEARCH_PATH = f"{PAGES_PREFIX}/search"
PAGE_SIZE = 20
MAX_PAGES = MAX_RESULT_WINDOW // PAGE_SIZE
"""The search service answers no deeper than its result window."""
FIELDS = ("q", "household", "building", "category", "filed_from", "filed_to", "sort", "page")
"""The page's query fields (interface.md, Staff pages)."""


@dataclass(frozen=True)
class SearchForm:
    """What the URL asks; every field as typed, so the page can show it back."""

    q: str = ""
    household: str = ""
    building: str = ""
    """A building as typed (B, B栋, b座, 5号楼), read as unit codes spell it (B, 5)."""
    category: str = ""
    filed_from: str = ""
    filed_to: str = ""
    sort: Sort = "relevance"
    page: int = 1

    @classmethod
    def from_query(cls, query: dict[str, str]) -> SearchForm:
        page = query.get("page", "1")
        return cls(q=query.get("q", "").strip()[:500],
                   household=tidied_household(query.get("household", "")),
                   building=tidied_building(query.get("building", "")),
                   category=tidied_category(query.get("category", "")),
                   filed_from=query.get("filed_from", "").strip(),
                   filed_to=query.get("filed_to", "").strip(),
                   sort="newest" if query.get("sort") == "newest" else "relevance",
                   page=min(int(page), MAX_PAGES) if page.isdigit() and int(page) > 0 else 1)

    @property
    def asked(self) -> bool:
        """Anything to search for: words or a filter (an empty form searches nothing)."""
        return any((self.q, self.household, self.building, self.category, self.filed_from,
                    self.filed_to))

    def request(self) -> SearchRequest:
        """The search service's request; bad dates and categories (one typed that names
        none, or several: 记录) are refused here as the service refuses bad input (422
        with a code)."""
        if self.category and self.category not in CATEGORIES:
            raise ValidationFailed(f"unknown category {self.category!r}",
                                   code="unknown_category")
        return SearchRequest(q=self.q, household=self.household or None,
                             building=self.building or None, category=self.category or None,
                             filed_from=_date(self.filed_from, "filed_from"),
                             filed_to=_date(self.filed_to, "filed_to"),
                             sort=self.sort, page=self.page, size=PAGE_SIZE)

    def url(self, **changes: Any) -> str:
        """This search with ``changes``; a changed filter starts again at page 1."""
        values = {name: getattr(self, name) for name in FIELDS} | {"page": 1} | changes
        kept = {name: value for name, value in values.items()
                if value and not (name == "sort" and value == "relevance")
                and not (name == "page" and value == 1)}
        return address(SEARCH_PATH, kept)


def _date(value: str, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(f"{name} is not a date (YYYY-MM-DD)", code="invalid_date") from exc


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    count: int = 0
    active: bool = False


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class Hit:
    document_id: str
    url: str
    title: str
    archive_no: str
    household: str | None
    household_url: str | None
    category_name: str
    filed_at: date
    highlights: list[Markup]
    language: str | None
    """The document's (``SearchHit.language``): the page marks its title and snippets so."""
    partial: bool
    first_partial: bool
    """The first partial hit after full ones: the page draws the line above it."""


@dataclass(frozen=True)
class SearchView:
    form: SearchForm
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    only_partial: bool = False
    categories: list[Link] = field(default_factory=list)
    years: list[Link] = field(default_factory=list)
    households: list[Link] = field(default_factory=list)
    active_filters: list[Link] = field(default_factory=list)
    without_quotes: Link | None = None
    """When nothing is found and the words were quoted: the search with the quotes dropped
    (a quoted phrase is found only exactly, no synonym, no partial match)."""
    pager: Pager = field(default_factory=Pager)
    sorts: list[Link] = field(default_factory=list)
    category_options: list[Option] = field(default_factory=list)
    error: str | None = None
    """The code of a refused search (``query_too_long``, ``invalid_date``…)."""


def empty_view(form: SearchForm, *, error: str | None = None) -> SearchView:
    return SearchView(form=form, error=error, active_filters=_active_filters(form),
                      category_options=_category_options(form))


def search_view(form: SearchForm, result: SearchResult) -> SearchView:
    hits: list[Hit] = []
    for index, hit in enumerate(result.hits):
        partial = hit.match == "partial"
        hits.append(Hit(
            document_id=hit.document_id,
            url=document_url(hit.document_id, q=form.q),
            title=hit.title, archive_no=hit.archive_no, household=hit.household,
            household_url=household_url(hit.household) if hit.household else None,
            category_name=CATEGORY_NAMES[hit.category], filed_at=hit.filed_at,
            highlights=[snippet(text) for text in hit.highlights], language=hit.language,
            partial=partial,
            first_partial=partial and index > 0 and result.hits[index - 1].match == "all"))
    return SearchView(
        form=form, total=result.total, hits=hits,
        only_partial=bool(hits) and hits[0].partial,
        categories=[Link(CATEGORY_NAMES.get(code, code),  # type: ignore[call-overload]
                         form.url(category=code), count, form.category == code)
                    for code, count in result.facets.category.items()],
        years=[Link(year, form.url(filed_from=f"{year}-01-01", filed_to=f"{year}-12-31"),
                    count, form.filed_from == f"{year}-01-01" and form.filed_to == f"{year}-12-31")
               for year, count in sorted(result.facets.year.items(), reverse=True)],
        households=[Link(code, form.url(household=code), count, form.household == code)
                    for code, count in result.facets.household.items()],
        active_filters=_active_filters(form),
        without_quotes=None if result.total else _without_quotes(form),
        sorts=[Link(sort, form.url(sort=sort), active=form.sort == sort)
               for sort in ("relevance", "newest")],
        category_options=_category_options(form),
        pager=pager(form.page, last_page(result.total), lambda number: form.url(page=number)))


_MARK_TAGS = re.compile(r"(</?mark>)")


def snippet(highlight: str) -> Markup:
    """A highlight as HTML: the search service escapes its text and adds only ``<mark>``;
    escaped again here, piece by piece, so nothing else could ever become markup."""
    return Markup("".join(  # noqa: S704 - every piece but our own tags is escaped here
        piece if piece in ("<mark>", "</mark>") else html.escape(html.unescape(piece))
        for piece in _MARK_TAGS.split(highlight)))


def _active_filters(form: SearchForm) -> list[Link]:
    """Each filter in force, with the URL of the search without it."""
    filters: list[Link] = []
    if form.category:
        name = CATEGORY_NAMES.get(form.category, form.category)  # type: ignore[call-overload]
        filters.append(Link(name, form.url(category="")))
    if form.household:
        filters.append(Link(form.household, form.url(household="")))
    if form.building:
        filters.append(Link(building_label(form.building), form.url(building="")))
    if form.filed_from or form.filed_to:
        filters.append(Link(f"{form.filed_from}–{form.filed_to}",
                            form.url(filed_from="", filed_to="")))
    return filters


def _without_quotes(form: SearchForm) -> Link | None:
    """The search with its quotes dropped, its words as typed; None without quotes."""
    words = " ".join(QUOTE_MARKS.sub(" ", form.q).split())
    return Link(words, form.url(q=words)) if words and words != form.q else None


def building_label(building: str) -> str:
    """A building as the page names it: B栋, 3栋 (a building already said with its word, as
    typed)."""
    return building if says_it_is_a_building(building) else f"{building}栋"


def _category_options(form: SearchForm) -> list[Option]:
    codes: tuple[Category, ...] = CATEGORIES
    return [Option(code, CATEGORY_NAMES[code], form.category == code) for code in codes]


def last_page(total: int) -> int:
    return min(MAX_PAGES, page_count(total, PAGE_SIZE))


def page_past_the_end(form: SearchForm, result: SearchResult) -> str | None:
    """The last page's address when ``form`` asks for a page after it (an old bookmark,
    an address typed by hand, documents gone since), else None."""
    if result.hits or not result.total or form.page <= last_page(result.total):
        return None
    return form.url(page=last_page(result.total))
