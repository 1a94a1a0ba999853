"""Where the index's text comes from: ingest, over HTTP. (The feed is read straight from
``RegistryClient``; both clients ask for a fresh service token on every call.)"""

from __future__ import annotations

from collections.abc import Sequence

from services.common.clients.ingest import IngestClient
from services.common.contracts.ingest import TEXTS_AT_ONCE, FiledOriginal
from services.common.contracts.registry import FeedDocument

SERVICE = "search"


class IngestText:
    """``TextSource`` over ``POST /ingest/texts``, ``TEXTS_AT_ONCE`` documents a call."""

    def __init__(self, client: IngestClient) -> None:
        self.client = client

    async def texts(self, documents: Sequence[FeedDocument]) -> dict[str, str]:
        bodies: dict[str, str] = {}
        for start in range(0, len(documents), TEXTS_AT_ONCE):
            answer = await self.client.texts(
                [FiledOriginal(document_id=document.document_id, sha256=document.sha256)
                 for document in documents[start:start + TEXTS_AT_ONCE]])
            bodies.update((body.document_id, body.text) for body in answer.texts)
        # ``missing`` ones were filed without going through ingest, or their derived text
        # is gone: they are still found by title and identifiers, with an empty body.
        return {document.document_id: bodies.get(document.document_id, "")
                for document in documents}
