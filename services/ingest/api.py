"""Ingest routes: upload, jobs, originals by hash, a document's text, page previews and
original, and fixity checks.

Archivists file documents (档案管理员归档); they and admins follow jobs. Text, previews
and originals are for whoever the registry allows, asked per document with the caller's
own token (reliability.md, lesson 1); only the bulk read of texts for the search index
(``POST /ingest/texts``) asks nothing, and no person may call it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.openapi import ResponseSpec
from litestar.params import Body, FromPath, JSONBody, QueryParameter
from litestar.response import Stream
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_201_CREATED,
    HTTP_202_ACCEPTED,
    HTTP_304_NOT_MODIFIED,
)

from services.common.auth import SERVICE_ROLE, Principal
from services.common.callers import require_roles, require_service_or
from services.common.contracts.ingest import (
    Batch,
    DeriveRequest,
    DeriveResult,
    FixityRun,
    JobStatus,
    JobView,
    OriginalState,
    OriginalUploaded,
    PageBoxes,
    PageCorrected,
    PageCorrection,
    RefusedFile,
    ReocrRequest,
    ReocrResult,
    ScansAttached,
    Texts,
    TextsRequest,
    TextVersions,
    UploadReceipt,
)
from services.common.errors import ArchiveError
from services.common.filing import (
    FILERS,
    FIXITY_CHECKERS,
    JOB_READERS,
    REREADERS,
    TEXT_CORRECTORS,
)
from services.common.models import Sha256
from services.common.objectstore import CHUNK_BYTES
from services.common.web import PageLimit, PageOffset
from services.ingest.attach import ScanAttacher
from services.ingest.batches import Batches
from services.ingest.corrections import PageCorrector
from services.ingest.derive import Deriver
from services.ingest.fixity.checker import FixityChecker
from services.ingest.models import DocumentText, PageReading, WrittenUploadMetadata
from services.ingest.previews import WEBP
from services.ingest.reocr import Rereader
from services.ingest.service import (
    IngestService,
    PageImageFile,
    checked_metadata,
    parse_metadata,
)

# Every view is decided again (a returned loan ends access at once, B2); the entity tag
# spares sending the same image twice.
PAGE_IMAGE_CACHING = "private, no-cache"


@dataclass
class UploadForm:
    """``multipart/form-data``: the original as ``file``, and ``metadata`` as JSON."""

    file: UploadFile
    metadata: str
    batch: str | None = None
    """The batch (``POST /ingest/batches``) this file belongs to, if any."""


class DocumentsController(Controller):
    path = "/documents"
    tags = ("ingest",)

    @post("/", operation_id="uploadDocument", guards=[require_roles(*FILERS)],
          status_code=HTTP_202_ACCEPTED, responses={HTTP_200_OK: ResponseSpec(
              UploadReceipt, description="the same bytes, already filed: the document")})
    async def upload(
        self, data: Annotated[UploadForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        principal: NamedDependency[Principal], token: NamedDependency[str],
        ingest: NamedDependency[IngestService],
        batches: NamedDependency[Batches],
    ) -> Response[UploadReceipt]:
        """Store an original and queue its extraction: 202 with the job, or 200 with the
        existing ``document_id`` when the same bytes were already filed. With ``batch``,
        the file joins that batch of the caller's, refused or not."""
        filename = data.file.filename
        try:
            if data.batch is not None:
                await batches.check(principal, data.batch)
            try:
                metadata = parse_metadata(data.metadata)
                receipt = await ingest.upload(principal, metadata, _chunks(data.file),
                                              filename=filename, user_token=token)
            except ArchiveError as exc:
                if data.batch is not None:
                    # filed_differently names the job and the fields (a link, in words).
                    await batches.add_file(data.batch, filename, error_code=exc.code,
                                           error=exc.detail, job_id=exc.extra.get("job_id"),
                                           fields=exc.extra.get("fields"),
                                           seems=exc.extra.get("seems"))
                raise
        finally:
            await data.file.close()
        if data.batch is not None:
            await batches.add_file(data.batch, filename, job_id=receipt.job_id,
                                   duplicate=receipt.duplicate)
        status = HTTP_200_OK if receipt.status == "done" else HTTP_202_ACCEPTED
        return Response(receipt, status_code=status)

    @get("/{document_id:str}/text", operation_id="getDocumentText")
    async def text(self, document_id: FromPath[str], token: NamedDependency[str],
                   ingest: NamedDependency[IngestService],
                   words: Annotated[bool, QueryParameter()] = False,
                   version: Annotated[int | None, QueryParameter(ge=1)] = None
                   ) -> DocumentText:
        """Each page's text, confidence, method and engine (``words=true`` adds the word or
        character boxes and the lines with their boxes and confidences); with ``version``,
        those of that text version, older ones kept as they were read or written (404
        ``unknown_text_version`` for a version the text never had)."""
        return await ingest.text(token, document_id, words=words, version=version)

    @get("/{document_id:str}/text/versions", operation_id="listTextVersions")
    async def text_versions(self, document_id: FromPath[str], token: NamedDependency[str],
                            ingest: NamedDependency[IngestService]) -> TextVersions:
        """The text's versions, oldest first: each with what made it (the filing's
        reading, ``archive reocr``, a person's correction), the OCR engine, who, when, why,
        and which is current. Decided and refused as the text (404 for a document the
        caller may not know of, 403 with the reason for one whose text they may not
        read), journaled once per viewing, as the document page's history asks it."""
        return await ingest.text_versions(token, document_id)

    @post("/{document_id:str}/reocr", operation_id="rereadDocument",
          guards=[require_roles(*REREADERS)], status_code=HTTP_200_OK)
    async def reocr(self, document_id: FromPath[str], data: JSONBody[ReocrRequest],
                    principal: NamedDependency[Principal], token: NamedDependency[str],
                    rereader: NamedDependency[Rereader]) -> ReocrResult:
        """Read the document again with an OCR engine (``archive reocr``): its text gets a
        new version, the old one is kept; answers when done (a page takes about a second)."""
        return await rereader.reread(principal, token, document_id, data)

    @post("/{document_id:str}/pages/{number:int}/text", operation_id="correctPageText",
          guards=[require_roles(*TEXT_CORRECTORS)], status_code=HTTP_200_OK)
    async def correct_page_text(self, document_id: FromPath[str], number: FromPath[int],
                                data: JSONBody[PageCorrection],
                                principal: NamedDependency[Principal], token: NamedDependency[str],
                                corrector: NamedDependency[PageCorrector]) -> PageCorrected:
        """A person's reading of the page (the review page): a new text version with who,
        when and ``reason``; the OCR's reading is kept in the history, search follows.
        404 ``unknown_page`` past the document, and as for a missing document when the
        caller may not read its text."""
        return await corrector.correct(principal, token, document_id,
                                       number, data)

    @get("/{document_id:str}/pages/{number:int}/preview", operation_id="getPagePreview",
         media_type=WEBP)
    async def preview(self, document_id: FromPath[str], number: FromPath[int],
                      request: Request[Any, Any, Any], token: NamedDependency[str],
                      ingest: NamedDependency[IngestService]) -> Response[bytes]:
        """The page as a person reads it (turned upright), about 1 200 pixels wide, as
        WebP; for whoever may read the text, view-only included. 404 ``unknown_page``
        past the document, ``no_preview`` for one filed before previews, ``preview_missing``
        for one whose preview was deleted or lost. A digital PDF's page (text layer) is
        rendered on its first view, then stored."""
        return _page_image(request, await ingest.page_image(
            token, document_id, number, size="preview"))

    @get("/{document_id:str}/pages/{number:int}/thumbnail", operation_id="getPageThumbnail",
         media_type=WEBP)
    async def thumbnail(self, document_id: FromPath[str], number: FromPath[int],
                        request: Request[Any, Any, Any], token: NamedDependency[str],
                        ingest: NamedDependency[IngestService]) -> Response[bytes]:
        """The page's preview about 200 pixels wide, as WebP; decided as the preview."""
        return _page_image(request, await ingest.page_image(
            token, document_id, number, size="thumbnail"))

    @get("/{document_id:str}/pages/{number:int}/large", operation_id="getPageLarge",
         media_type=WEBP)
    async def large(self, document_id: FromPath[str], number: FromPath[int],
                    request: Request[Any, Any, Any], token: NamedDependency[str],
                    ingest: NamedDependency[IngestService]) -> Response[bytes]:
        """The page as its preview shows it, larger: up to 2 400 pixels wide (never more
        than the scan's own), as WebP, for enlarging past the preview (the preview's
        boxes scale onto it). Made from the original on its first view, then stored;
        decided and refused as the preview."""
        return _page_image(request, await ingest.page_image(
            token, document_id, number, size="large"))

    @get("/{document_id:str}/pages/{number:int}/boxes", operation_id="getPageBoxes")
    async def boxes(self, document_id: FromPath[str], number: FromPath[int],
                    token: NamedDependency[str],
                    ingest: NamedDependency[IngestService]) -> PageBoxes:
        """The page's word (Tesseract) or character (PP-OCR, text layers) boxes in its
        preview's pixels, in reading order, each with where its text starts in the page's
        text without whitespace (a corrected page has none for the characters the person
        changed). Decided as the preview."""
        return await ingest.page_boxes(token, document_id, number)

    @get("/{document_id:str}/reading", operation_id="getDocumentReading")
    async def reading(self, document_id: FromPath[str], token: NamedDependency[str],
                      ingest: NamedDependency[IngestService],
                      page: Annotated[int, QueryParameter(ge=1)] = 1) -> PageReading:
        """Every page's text and confidence, and page ``page``'s boxes (null without a
        preview) in one answer, as the staff pages show a document (the document page and
        the review page); decided as the text, and journaled once per viewing
        (``VIEWING_WINDOW`` in the registry)."""
        return await ingest.reading(token, document_id, page)

    @post("/attach-scans", operation_id="attachScans", guards=[require_roles(*REREADERS)],
          status_code=HTTP_200_OK)
    async def attach_scans(self, attacher: NamedDependency[ScanAttacher]) -> ScansAttached:
        """Attach to the records catalogued before their scan the originals ingest filed
        without attaching them (an earlier release; ``archive derive --missing``)."""
        return await attacher.attach()

    @post("/{document_id:str}/derive", operation_id="deriveDocumentPreviews",
          guards=[require_roles(*REREADERS)], status_code=HTTP_200_OK)
    async def derive(self, document_id: FromPath[str], data: JSONBody[DeriveRequest],
                     token: NamedDependency[str],
                     deriver: NamedDependency[Deriver]) -> DeriveResult:
        """Make the document's page previews from its original (``archive derive``):
        with ``missing``, only if some are not stored. Answers when done."""
        return await deriver.derive(token, document_id, data)

    @get("/{document_id:str}/original/uploaded", operation_id="getDocumentOriginalUploaded")
    async def original_uploaded(self, document_id: FromPath[str], token: NamedDependency[str],
                                ingest: NamedDependency[IngestService]) -> OriginalUploaded:
        """Whether the document's original was ever uploaded (false: a record catalogued
        before its original was scanned, nothing to download); not audited."""
        return await ingest.original_uploaded(token, document_id)

    @get("/{document_id:str}/original", operation_id="getDocumentOriginal")
    async def original(self, document_id: FromPath[str],
                       principal: NamedDependency[Principal], token: NamedDependency[str],
                       ingest: NamedDependency[IngestService]) -> Stream:
        """The original bytes, checked against the catalogue's SHA-256 first; refused
        (403) for view-only access, (404 ``original_missing``, 409 ``original_altered``)
        when the stored original is lost or altered; recorded in the audit log."""
        download = await ingest.original(principal, token, document_id)
        record = download.document
        # The file name is built from server-made values only (reliability.md, lesson 4).
        name = f"{record.archive_no}{_EXTENSIONS.get(record.media_type, '')}"
        return Stream(download.chunks, media_type=record.media_type, headers={
            "Content-Length": str(download.size_bytes),
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-SHA256": record.sha256,
        })


class BatchesController(Controller):
    path = "/batches"
    tags = ("ingest",)
    guards = [require_roles(*FILERS)]  # noqa: RUF012 - Litestar reads a list

    @post("/", operation_id="createBatch", status_code=HTTP_201_CREATED)
    async def create(self, principal: NamedDependency[Principal],
                     batches: NamedDependency[Batches]) -> Batch:
        """A new, empty batch of the caller's; uploads name it in their ``batch`` field."""
        return await batches.create(principal)

    @get("/", operation_id="listBatches")
    async def recent(self, principal: NamedDependency[Principal],
                     batches: NamedDependency[Batches]) -> list[Batch]:
        """The caller's latest batches, newest first, each file with its job's state."""
        return await batches.recent(principal)

    @post("/{batch_id:str}/files", operation_id="addRefusedFile",
          status_code=HTTP_201_CREATED)
    async def add_refused(self, batch_id: FromPath[str], data: JSONBody[RefusedFile],
                          principal: NamedDependency[Principal],
                          batches: NamedDependency[Batches]) -> Batch:
        """Record a file of the batch that was never uploaded, with why (uploads join
        their batch themselves)."""
        await batches.check(principal, batch_id)
        await batches.add_file(batch_id, data.filename, error_code=data.error_code,
                               error=data.error, line=data.line, value=data.value)
        return await batches.get(principal, batch_id)

    @get("/{batch_id:str}", operation_id="getBatch")
    async def get_batch(self, batch_id: FromPath[str], principal: NamedDependency[Principal],
                        batches: NamedDependency[Batches]) -> Batch:
        """One batch of the caller's (404 for anyone else's): each file queued, running
        (with the pages read so far), done, failed or refused (with the reason), or a
        duplicate; and the sums."""
        return await batches.get(principal, batch_id)


class JobsController(Controller):
    path = "/jobs"
    tags = ("ingest",)
    guards = [require_service_or(*JOB_READERS)]  # noqa: RUF012 - Litestar reads a list

    @get("/{job_id:str}", operation_id="getJob")
    async def get_job(self, job_id: FromPath[str], principal: NamedDependency[Principal],
                      token: NamedDependency[str],
                      ingest: NamedDependency[IngestService]) -> JobView:
        """A job's state: ``queued``, ``running``, ``done`` (with ``document_id``) or
        ``failed`` (with ``error``); 404 for a job whose document the caller may not see."""
        return await ingest.job(principal, token, job_id)

    @get("/", operation_id="listJobs")
    async def list_jobs(self, principal: NamedDependency[Principal], token: NamedDependency[str],
                        ingest: NamedDependency[IngestService],
                        status: Annotated[JobStatus | None, QueryParameter()] = None,
                        limit: PageLimit = 100, offset: PageOffset = 0) -> list[JobView]:
        """Jobs, newest first, optionally only those in one ``status``; jobs whose document
        the caller may not see are left out (a page may be shorter than ``limit``)."""
        return await ingest.jobs(principal, token, status=status,
                                 limit=limit, offset=offset)


class OriginalsController(Controller):
    path = "/originals"
    tags = ("ingest",)
    guards = [require_service_or(*FILERS)]  # noqa: RUF012 - Litestar reads a list

    @get("/{sha256:str}", operation_id="getOriginalState")
    async def original_state(self, sha256: FromPath[Sha256], principal: NamedDependency[Principal],
                             token: NamedDependency[str],
                             ingest: NamedDependency[IngestService]) -> OriginalState:
        """Whether these bytes were uploaded already, and how far their job got (404 as
        if never uploaded when the caller may not see their document)."""
        return await ingest.original_state(principal, token, sha256)

    @post("/{sha256:str}", operation_id="checkReupload", status_code=HTTP_200_OK,
          guards=[require_roles(*FILERS)])
    async def check_reupload(self, sha256: FromPath[Sha256],
                             data: JSONBody[WrittenUploadMetadata],
                             principal: NamedDependency[Principal],
                             token: NamedDependency[str],
                             ingest: NamedDependency[IngestService]) -> OriginalState:
        """Asked before uploading these bytes again with this ``metadata`` (the upload's
        form field): their state as ``GET`` answers it, or 409 ``filed_differently``
        naming the fields the upload would say otherwise than their record (and what to
        do), as the upload itself would be refused."""
        return await ingest.original_state(principal, token, sha256,
                                           metadata=checked_metadata(data))


class TextsController(Controller):
    path = "/texts"
    tags = ("ingest",)
    guards = [require_roles(SERVICE_ROLE)]  # noqa: RUF012 - Litestar reads a list

    @post("/", operation_id="readTexts", status_code=HTTP_200_OK)
    async def texts(self, data: JSONBody[TextsRequest],
                    ingest: NamedDependency[IngestService]) -> Texts:
        """Up to 500 documents' texts in one call, for the search index (services only,
        403 for any person): each document's pages joined, or its id in ``missing`` when
        no text was derived (filed without ingest, or destroyed)."""
        return await ingest.texts(data)


class FixityController(Controller):
    path = "/fixity"
    tags = ("ingest",)
    guards = [require_roles(*FIXITY_CHECKERS)]  # noqa: RUF012 - Litestar reads a list

    @post("/", operation_id="startFixityRun", status_code=HTTP_202_ACCEPTED)
    async def start(self, principal: NamedDependency[Principal], token: NamedDependency[str],
                    fixity: NamedDependency[FixityChecker],
                    ingest: NamedDependency[IngestService]) -> FixityRun:
        """Start a fixity check of every original against the catalogue, or get the one
        already running; follow it with ``GET /ingest/fixity/{run_id}``."""
        run = await fixity.start(trigger="manual", started_by=principal.username)
        return await ingest.fixity_run(principal, token, run)

    @get("/{run_id:str}", operation_id="getFixityRun")
    async def get_run(self, run_id: FromPath[str], principal: NamedDependency[Principal],
                      token: NamedDependency[str],
                      fixity: NamedDependency[FixityChecker],
                      ingest: NamedDependency[IngestService]) -> FixityRun:
        """A fixity run: ``running`` (with progress), ``done`` (with its findings; none
        means the store matches the catalogue) or ``failed`` (with ``error``). A finding
        the caller is not cleared for is a redacted row (counted, not named)."""
        return await ingest.fixity_run(principal, token,
                                       await fixity.runs.get(run_id))

    @get("/", operation_id="listFixityRuns")
    async def list_runs(self, principal: NamedDependency[Principal], token: NamedDependency[str],
                        fixity: NamedDependency[FixityChecker],
                        ingest: NamedDependency[IngestService],
                        limit: PageLimit = 20, offset: PageOffset = 0) -> list[FixityRun]:
        """Fixity runs, newest first, their findings redacted as ``GET`` redacts them."""
        return [await ingest.fixity_run(principal, token, run)
                for run in await fixity.runs.list(limit=limit, offset=offset)]


_EXTENSIONS = {"application/pdf": ".pdf", "image/tiff": ".tif", "image/png": ".png",
               "image/jpeg": ".jpg", "image/heic": ".heic", "image/heif": ".heif"}


def _page_image(request: Request[Any, Any, Any], image: PageImageFile) -> Response[bytes]:
    headers = {"ETag": image.etag, "Cache-Control": PAGE_IMAGE_CACHING}
    wanted = request.headers.get("if-none-match", "")
    if image.etag in wanted or wanted.strip() == "*":
        return Response(b"", status_code=HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(image.data, media_type=WEBP, headers=headers)


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(CHUNK_BYTES):
        yield chunk
