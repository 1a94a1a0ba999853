"""The ingest service's client: a document's extracted text, read by search; whether
bytes were uploaded, asked by the registry before a user files them directly."""

from __future__ import annotations

from urllib.parse import quote

from services.common.clients import ServiceClient
from services.common.contracts.ingest import ExtractedText
from services.common.errors import NotFound


class IngestClient(ServiceClient):
    async def document_text(self, document_id: str, *, token: str | None = None
                            ) -> ExtractedText:
        """The page texts, if the registry lets ``token``'s user (default: this service)
        read the content. ``NotFound`` (code ``no_text``) when nothing was extracted."""
        return await self.call("GET", f"/ingest/documents/{quote(document_id, safe='')}/text",
                               ExtractedText, token=token)

    async def uploaded(self, sha256: str) -> bool:
        """Whether ingest holds an upload (a job, in any state) of these bytes; asked
        with this service's token."""
        try:
            await self.request("GET", f"/ingest/originals/{quote(sha256, safe='')}")
        except NotFound:
            return False
        return True
