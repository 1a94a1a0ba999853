"""The ingest service's client: a document's extracted text, read by search; whether
bytes were uploaded, asked by the registry before a user files them directly; and, with a
person's token, what the staff pages and the command line ask of ingest (uploads and their
jobs, page images and texts, originals, re-reading, previews, fixity runs)."""

from __future__ import annotations

import json
from typing import IO, Any

import httpx

from services.common.clients import Form, ServiceClient, segment
from services.common.contracts.ingest import (
    Batch,
    CurrentText,
    DeriveRequest,
    DeriveResult,
    DocumentReading,
    FiledOriginal,
    FixityRun,
    JobView,
    OriginalState,
    PageBoxes,
    PageCorrected,
    PageCorrection,
    PageImageSize,
    RefusedFile,
    ReocrRequest,
    ReocrResult,
    ScansAttached,
    Texts,
    TextsRequest,
    TextVersions,
    UploadReceipt,
)
from services.common.errors import NotFound

WHOLE_DOCUMENT_S = 3600.0
"""How long a call that works through a whole document may take before it answers."""


class IngestClient(ServiceClient):
    async def document_text(self, document_id: str, *, token: str | None = None
                            ) -> CurrentText:
        """The page texts and their text version, if the registry lets ``token``'s user
        (default: this service) read the content. ``NotFound`` (code ``no_text``) when
        nothing was extracted."""
        return await self.call("GET", f"/ingest/documents/{segment(document_id)}/text",
                               CurrentText, token=token)

    async def text_version(self, token: str, document_id: str, version: int) -> CurrentText:
        """The page texts of text version ``version`` (an older one as it was kept), decided
        as the current text; ``NotFound`` (``unknown_text_version``) for a version the text
        never had."""
        return await self.call("GET", f"/ingest/documents/{segment(document_id)}/text",
                               CurrentText, token=token, params={"version": version})

    async def text_versions(self, token: str, document_id: str) -> TextVersions:
        """The text's versions, oldest first, for whoever may read the text."""
        return await self.call("GET",
                               f"/ingest/documents/{segment(document_id)}/text/versions",
                               TextVersions, token=token)

    async def texts(self, documents: list[FiledOriginal]) -> Texts:
        """Up to ``TEXTS_AT_ONCE`` documents' joined texts in one call, with this service's
        token (no person may ask); documents with no derived text come back ``missing``."""
        return await self.call("POST", "/ingest/texts", Texts,
                               json=TextsRequest(documents=documents))

    async def uploaded(self, sha256: str) -> bool:
        """Whether ingest holds an upload (a job, in any state) of these bytes; asked
        with this service's token."""
        return await self.original_state(sha256) is not None

    async def original_state(self, sha256: str, *, token: str | None = None
                             ) -> OriginalState | None:
        """Ingest's upload of these bytes (its job, in any state), or None, asked as
        ``token``'s user (default: this service)."""
        try:
            return await self.call("GET", f"/ingest/originals/{segment(sha256)}",
                                   OriginalState, token=token)
        except NotFound:
            return None

    async def reupload_state(self, token: str, sha256: str, metadata: dict[str, Any]
                             ) -> OriginalState | None:
        """``original_state``, asked before uploading these bytes again with ``metadata``:
        None if they were never uploaded; ``Conflict`` (``filed_differently``, naming the
        fields) if they are filed otherwise than ``metadata`` says."""
        try:
            return await self.call("POST", f"/ingest/originals/{segment(sha256)}",
                                   OriginalState, token=token, json=metadata)
        except NotFound:
            return None

    async def job(self, token: str, job_id: str) -> JobView:
        return await self.call("GET", f"/ingest/jobs/{segment(job_id)}", JobView, token=token)

    async def reread(self, token: str, document_id: str, request: ReocrRequest) -> ReocrResult:
        """Read the document again with OCR; answers when done (about a second a page)."""
        return await self.call("POST", f"/ingest/documents/{segment(document_id)}/reocr",
                               ReocrResult, token=token, json=request,
                               timeout_s=WHOLE_DOCUMENT_S)

    async def attach_scans(self, token: str) -> ScansAttached:
        """Attach the scans an earlier release filed without attaching them."""
        return await self.call("POST", "/ingest/documents/attach-scans", ScansAttached,
                               token=token, timeout_s=WHOLE_DOCUMENT_S)

    async def derive(self, token: str, document_id: str, request: DeriveRequest
                     ) -> DeriveResult:
        """Make the document's page previews; answers when done (about 0.1 s a page)."""
        return await self.call("POST", f"/ingest/documents/{segment(document_id)}/derive",
                               DeriveResult, token=token, json=request,
                               timeout_s=WHOLE_DOCUMENT_S)

    async def start_fixity(self, token: str) -> FixityRun:
        """Start a fixity run, or answer the one already running."""
        return await self.call("POST", "/ingest/fixity", FixityRun, token=token)

    async def fixity_run(self, token: str, run_id: str) -> FixityRun:
        return await self.call("GET", f"/ingest/fixity/{segment(run_id)}", FixityRun,
                               token=token)

    async def page_image(self, token: str, document_id: str, number: int, *,
                         size: PageImageSize) -> bytes:
        """A page as a person reads it (WebP, turned upright) at ``size``, with the page
        text's access decision."""
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
        return await self.request(
            "GET", f"/ingest/documents/{segment(document_id)}/original", token=token,
            stream=True)

    async def correct_page_text(self, token: str, document_id: str, number: int,
                                correction: PageCorrection) -> PageCorrected:
        """Record a person's reading of a page as a new text version (archivists);
        ``Conflict`` (``page_changed``; ``extra``: ``text_version``, ``changed_by``,
        ``changed_at``) when the page changed after ``correction.base_version``."""
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

    async def upload(self, token: str, *, filename: str, content: IO[bytes],
                     metadata: dict[str, Any], batch_id: str | None = None) -> UploadReceipt:
        """Upload one file: its job, or the document if the same bytes were filed already.
        Into a batch, ingest records the file there, refused or not (the refusal is also
        raised here)."""
        fields = {"metadata": json.dumps(metadata, ensure_ascii=False)}
        if batch_id is not None:
            fields["batch"] = batch_id
        form = Form(fields, {"file": (filename, content, "application/octet-stream")})
        return await self.call("POST", "/ingest/documents", UploadReceipt, token=token,
                               form=form)
