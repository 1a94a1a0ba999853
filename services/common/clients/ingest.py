"""The ingest service's client: a document's extracted text, read by search; whether
bytes were uploaded, asked by the registry before a user files them directly."""

from __future__ import annotations

import json
from typing import IO, Any, Literal

import httpx

from services.common.clients import ServiceClient, error_from, segment
from services.common.contracts.ingest import (
    Batch,
    DocumentReading,
    ExtractedText,
    FiledOriginal,
    PageBoxes,
    PageCorrected,
    PageCorrection,
    RefusedFile,
    Texts,
    TextsRequest,
)
from services.common.errors import NotFound


class IngestClient(ServiceClient):
    async def document_text(self, document_id: str, *, token: str | None = None
                            ) -> ExtractedText:
        """The page texts, if the registry lets ``token``'s user (default: this service)
        read the content. ``NotFound`` (code ``no_text``) when nothing was extracted."""
        return await self.call("GET", f"/ingest/documents/{segment(document_id)}/text",
                               ExtractedText, token=token)

    async def texts(self, documents: list[FiledOriginal]) -> Texts:
        """Up to ``TEXTS_AT_ONCE`` documents' joined texts in one call, with this service's
        token (no person may ask); documents with no derived text come back ``missing``."""
        return await self.call("POST", "/ingest/texts", Texts,
                               json=TextsRequest(documents=documents))

    async def uploaded(self, sha256: str) -> bool:
        """Whether ingest holds an upload (a job, in any state) of these bytes; asked
        with this service's token."""
        try:
            await self.request("GET", f"/ingest/originals/{segment(sha256)}")
        except NotFound:
            return False
        return True

    async def page_image(self, token: str, document_id: str, number: int, *,
                         size: Literal["preview", "thumbnail"]) -> bytes:
        """A page as a person reads it (WebP, turned upright): about 1 200 px wide
        (``preview``) or 200 px (``thumbnail``), with the page text's access decision."""
        response = await self.request(
            "GET", f"/ingest/documents/{segment(document_id)}/pages/{number}/{size}",
            token=token)
        return response.content

    async def page_boxes(self, token: str, document_id: str, number: int) -> PageBoxes:
        return await self.call(
            "GET", f"/ingest/documents/{segment(document_id)}/pages/{number}/boxes",
            PageBoxes, token=token)

    async def reading(self, token: str, document_id: str, page: int) -> DocumentReading:
        """Every page's text and page ``page``'s boxes in one call, as a person's viewing
        in the staff pages (journaled once per viewing, not once per call)."""
        return await self.call(
            "GET", f"/ingest/documents/{segment(document_id)}/reading",
            DocumentReading, token=token, params={"page": page})

    async def original(self, token: str, document_id: str) -> httpx.Response:
        """The original, as a response whose body is not read yet (originals run to
        hundreds of megabytes): the caller streams it and closes it. Refused as the route
        refuses (403 ``view_only`` for view-only access)."""
        request = self.http.build_request(
            "GET", f"/ingest/documents/{segment(document_id)}/original",
            headers={"Authorization": f"Bearer {token}"})
        try:
            response = await self.http.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise self.unreachable(exc) from exc
        if response.status_code >= 400:
            await response.aread()
            await response.aclose()
            raise error_from(response, self.name)
        return response

    async def correct_page_text(self, token: str, document_id: str, number: int,
                                correction: PageCorrection) -> PageCorrected:
        """Record a person's reading of a page as a new text version (archivists)."""
        return await self.call(
            "POST", f"/ingest/documents/{segment(document_id)}/pages/{number}/text",
            PageCorrected, token=token, json=correction)

    async def create_batch(self, token: str) -> Batch:
        return await self.call("POST", "/ingest/batches", Batch, token=token)

    async def batch(self, token: str, batch_id: str) -> Batch:
        return await self.call("GET", f"/ingest/batches/{segment(batch_id)}", Batch,
                               token=token)

    async def recent_batches(self, token: str) -> list[Batch]:
        return await self.call("GET", "/ingest/batches", list[Batch], token=token)

    async def add_refused_file(self, token: str, batch_id: str, refused: RefusedFile
                               ) -> Batch:
        return await self.call("POST", f"/ingest/batches/{segment(batch_id)}/files",
                               Batch, token=token, json=refused)

    async def upload(self, token: str, *, batch_id: str, filename: str, content: IO[bytes],
                     metadata: dict[str, Any]) -> None:
        """Upload one file into the batch; ingest records it there, refused or not (the
        refusal is also raised here)."""
        try:
            response = await self.http.post(
                "/ingest/documents", headers={"Authorization": f"Bearer {token}"},
                data={"metadata": json.dumps(metadata, ensure_ascii=False), "batch": batch_id},
                files={"file": (filename, content, "application/octet-stream")})
        except httpx.HTTPError as exc:
            raise self.unreachable(exc) from exc
        if response.status_code >= 400:
            raise error_from(response, self.name)
