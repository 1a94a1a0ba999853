"""Search routes: full-text search, a household's file, and the reindex (admin).

Every search is filtered by what the caller may see, asked of the registry with the
caller's own token; bad query input is a 422 with a stable code (``services.search.query``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.status_codes import HTTP_202_ACCEPTED

from services.common.callers import require_roles
from services.common.contracts.search import MAX_PAGE_SIZE, MAX_QUERY_CHARS, ReindexStatus, Sort
from services.common.models import Category, SecurityLevel
from services.search.index.models import SearchResult
from services.search.query import SearchQuery
from services.search.reindex import Reindexer
from services.search.service import SearchService

Page = Annotated[int, QueryParameter(description="1-based page number.")]
Size = Annotated[int, QueryParameter(description=f"Hits per page, 1 to {MAX_PAGE_SIZE}.")]


class SearchController(Controller):
    path = "/"
    tags = ("search",)

    @get("/documents", operation_id="searchDocuments")
    async def search(
        self, token: NamedDependency[str], search: NamedDependency[SearchService],
        q: Annotated[str, QueryParameter(
            description=f"Words and quoted phrases, at most {MAX_QUERY_CHARS} characters; "
                        "Simplified and Traditional match each other. Documents holding "
                        "every word come first (match: all); when few do, documents "
                        "holding most of the query follow (match: partial).")] = "",
        household: Annotated[str | None, QueryParameter()] = None,
        building: Annotated[str | None, QueryParameter(
            description="Only the documents of this building's households: A keeps A-1201 "
                        "and A-0302 (a unit code's part before the hyphen).")] = None,
        category: Annotated[Category | None, QueryParameter()] = None,
        filed_from: Annotated[date | None, QueryParameter()] = None,
        filed_to: Annotated[date | None, QueryParameter()] = None,
        year: Annotated[int | None, QueryParameter()] = None,
        security: Annotated[SecurityLevel | None, QueryParameter()] = None,
        sort: Annotated[Sort, QueryParameter()] = "relevance",
        page: Page = 1, size: Size = 20,
    ) -> SearchResult:
        """Hits with highlighted snippets in the original script, each saying whether it
        holds every word of the query or most of them (``match``), the total and facets
        (category, household, year) of both, all within the caller's clearance."""
        query = SearchQuery(q=q, household=household, building=building, category=category,
                            filed_from=filed_from, filed_to=filed_to, year=year,
                            security=security, sort=sort, page=page, size=size)
        return await search.search(token, query)

    @get("/households/{household:str}/documents", operation_id="listHouseholdDocuments")
    async def household_file(self, household: FromPath[str], token: NamedDependency[str],
                             search: NamedDependency[SearchService], page: Page = 1,
                             size: Size = 20) -> SearchResult:
        """A household's file (一户一档), newest first (D4), within the caller's clearance."""
        return await search.household_file(token, household, page=page, size=size)


class ReindexController(Controller):
    path = "/reindex"
    tags = ("search",)
    guards = [require_roles("admin")]  # noqa: RUF012 - Litestar reads a list

    @post("/", operation_id="startReindex", status_code=HTTP_202_ACCEPTED)
    async def start(self, reindexer: NamedDependency[Reindexer]) -> ReindexStatus:
        """Rebuild the index from the registry's feed beside the live one, then swap it
        in; 409 ``reindex_running`` while one runs. Follow it with ``GET``."""
        return reindexer.start()

    @get("/", operation_id="getReindex")
    async def status(self, reindexer: NamedDependency[Reindexer]) -> ReindexStatus:
        """The current or last reindex: state, feed position replayed, head, documents."""
        return reindexer.status()


