"""Where the index's content comes from: the registry's feed and ingest's text, over HTTP.

Both calls go out with a service token issued for the call: tokens expire
(``ARCHIVE_TOKEN_TTL_S``) and the feed consumer runs for months.
"""

from __future__ import annotations

from services.common.auth import TokenCodec
from services.common.clients.ingest import IngestClient
from services.common.clients.registry import FeedPage, RegistryClient
from services.common.errors import NotFound

SERVICE = "search"


class RegistryFeed:
    """``ChangeSource`` over ``GET /registry/changes``."""

    def __init__(self, client: RegistryClient, codec: TokenCodec) -> None:
        self.client = client
        self.codec = codec

    async def changes(self, after: int, *, limit: int) -> FeedPage:
        self.client.service_token = self.codec.service_token(SERVICE)
        return await self.client.changes(after, limit=limit)


class IngestText:
    """``TextSource`` over ``GET /ingest/documents/{id}/text``."""

    def __init__(self, client: IngestClient, codec: TokenCodec) -> None:
        self.client = client
        self.codec = codec

    async def text(self, document_id: str) -> str:
        try:
            extracted = await self.client.document_text(
                document_id, token=self.codec.service_token(SERVICE))
        except NotFound:
            # Filed without going through ingest (registered directly), or its derived
            # text is gone: the document is still found by title and identifiers.
            return ""
        return extracted.text
