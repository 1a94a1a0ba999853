"""The search service's client, used by the staff pages; the structs it sends and decodes
are ``services.common.contracts.search``."""

from __future__ import annotations

from datetime import date

from services.common.clients import ServiceClient
from services.common.contracts.search import SearchRequest, SearchResult


class SearchClient(ServiceClient):
    async def search(self, token: str, request: SearchRequest) -> SearchResult:
        """Hits, total and facets within what ``token``'s user may see."""
        params = {name: value.isoformat() if isinstance(value, date) else value
                  for name in request.__struct_fields__
                  if (value := getattr(request, name)) is not None and value != ""}
        return await self.call("GET", "/search/documents", SearchResult, token=token,
                               params=params)
