"""Searching the archive: full text with filters, and a household's file (一户一档).

Every search runs inside what the caller may see (``AccessSource``, decided by the
registry): documents above their clearance are never matched, counted or faceted, and
restricted documents match on their body text only for callers who hold a loan of them
(reliability.md, "Search side channels"). Query input is validated once, when the
``SearchQuery`` is built (``services.search.query``), and reaches the index only as terms.
"""

from __future__ import annotations

from services.search.access import AccessSource
from services.search.index.models import SearchResult
from services.search.index.protocol import SearchIndex
from services.search.query import SearchQuery


class SearchService:
    def __init__(self, index: SearchIndex, access: AccessSource) -> None:
        self.index = index
        self.access = access

    async def search(self, token: str, query: SearchQuery) -> SearchResult:
        """One page of hits with highlights, the total and the facets, for ``token``'s user."""
        return await self.index.search(query, await self.access.access_for(token))

    async def household_file(self, token: str, household: str, *, page: int = 1,
                             size: int = 20) -> SearchResult:
        """The household's documents the caller may see, newest first (D4)."""
        # Built (and so validated: unit code, page, size) before asking the registry.
        query = SearchQuery(household=household, sort="newest", page=page, size=size)
        return await self.index.search(query, await self.access.access_for(token))
