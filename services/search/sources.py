"""Where the index's text comes from: ingest, over HTTP. (The feed is read straight from
``RegistryClient``; both clients ask for a fresh service token on every call.)"""

from __future__ import annotations

from services.common.clients.ingest import IngestClient
from services.common.errors import NotFound

SERVICE = "search"


class IngestText:
    """``TextSource`` over ``GET /ingest/documents/{id}/text``."""

    def __init__(self, client: IngestClient) -> None:
        self.client = client

    async def text(self, document_id: str) -> str:
        try:
            extracted = await self.client.document_text(document_id)
        except NotFound:
            # Filed without going through ingest (registered directly), or its derived
            # text is gone: the document is still found by title and identifiers.
            return ""
        return extracted.text
