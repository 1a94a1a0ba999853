"""The search service's client, used by the staff pages and the command line; the structs
it sends and decodes are ``services.common.contracts.search``."""

from __future__ import annotations

from datetime import date

from services.common.clients import ServiceClient
from services.common.contracts.search import ReindexStatus, SearchRequest, SearchResult


class SearchClient(ServiceClient):
    async def search(self, token: str, request: SearchRequest) -> SearchResult:
        """Hits, total and facets within what ``token``'s user may see."""
        params = {name: value.isoformat() if isinstance(value, date) else value
                  for name in request.__struct_fields__
                  if (value := getattr(request, name)) is not None and value != ""}
        return await self.call("GET", "/search/documents", SearchResult, token=token,
                               params=params)

    async def start_reindex(self, token: str) -> ReindexStatus:
        """Start rebuilding the index from the registry; ``Conflict`` (``reindex_running``)
        while one runs."""
        return await self.call("POST", "/search/reindex", ReindexStatus, token=token)

    async def reindex_status(self, token: str) -> ReindexStatus:
        return await self.call("GET", "/search/reindex", ReindexStatus, token=token)
