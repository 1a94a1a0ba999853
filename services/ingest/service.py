"""Uploads, jobs and the text and originals of documents: ingest's logic, framework-free.

An upload SHALL, in this order:
1. decode and check its metadata (category D5, household D1, date, security within the
   uploader's clearance), refusing before anything is stored; a filing date after today
   (ingest's clock) is refused here (422 ``date_in_future``, as a correction to it is),
   not left to fail the job when the registry files it;
2. tell the type from the first bytes (PDF, TIFF, PNG, JPEG, HEIC), else refuse (415);
3. stream the bytes to a spool file while hashing them, refusing past the size limit
   (413) and the bytes of a destroyed document (409, R6); then store the original once,
   under its SHA-256 (D6), locked from that moment (``services.ingest.locks``);
4. only then create the job (idempotent by SHA-256) and answer: 202 with the job, or 200
   with the existing ``document_id`` when the same bytes were already filed. Bytes whose
   job the uploader may not see are refused (409 ``already_uploaded``) without naming the
   job or the document, and their job is left as it is; bytes whose record (or whose
   job's first upload) says otherwise than this upload are refused (409
   ``filed_differently``, ``services.ingest.refiling``).

Text, page previews and originals are served only after the registry (the system of
record) decides the caller may read or download that document; it records the access in
the audit log. Previews and boxes are content, decided as the text is (``read_text``): a
view-only reader (B2) sees them, and never the original.
Jobs are listed and shown only to those who may know their document exists (issue 14): a
filed job's document as the registry decides, a job not yet filed by the security its
upload declared; anyone else gets the 404 of a job that does not exist.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Protocol

import msgspec

from services.common.auth import Principal
from services.common.clock import Clock
from services.common.contracts.ingest import (
    DocumentBody,
    FiledOriginal,
    FixityRun,
    JobStatus,
    JobView,
    OriginalState,
    OriginalUploaded,
    PageBoxes,
    PageImageSize,
    TextMadeBy,
    Texts,
    TextsRequest,
    TextVersionEntry,
    TextVersions,
    UploadReceipt,
    joined,
)
from services.common.contracts.registry import (
    NUMBERING_FINDINGS,
    AccessAnswer,
    Action,
    DocumentRecord,
    DownloadOutcome,
    FixityFinding,
    FixityResult,
    OriginalDamage,
)
from services.common.errors import ArchiveError, BadRequest, Conflict, Forbidden, NotFound
from services.common.filing import filed_as, filed_otherwise, filing_defaults
from services.common.fixity import PUT_BACK, OriginalAltered, checked_original
from services.common.models import (
    SecurityLevel,
    checked_category,
    checked_household,
    checked_past_day,
    security_rank,
)
from services.common.objectstore import ObjectStore, original_key, store_original
from services.ingest.derived import DerivedText
from services.ingest.extraction import (
    ExtractionLimits,
    MediaType,
    PagePreview,
    PageText,
    boxes_in_preview,
    doubtful_lines,
    sniff_media_type,
)
from services.ingest.jobs import Job, JobQueue
from services.ingest.models import (
    DocumentText,
    JobPayload,
    PageReading,
    PageView,
    ReadingPage,
    TextVersion,
    UploadMetadata,
    WrittenUploadMetadata,
)
from services.ingest.previews import DerivedPreviews, PreviewsOnView, no_preview
from services.ingest.refiling import filed_differently

log = logging.getLogger("archive.ingest")

SNIFF_BYTES = 1024
TEXT_READS = 16
"""Derived texts read from the object store at once by one ``texts`` call."""
REDACTED_FINDING = "about a document you are not cleared for"


class Catalogue(Protocol):
    """The registry's catalogue as ingest reads it, with a service token."""

    async def get_document(self, document_id: str) -> DocumentRecord: ...

    async def record_fixity(self, result: FixityResult) -> None:
        """Put a fixity check's findings in the audit log."""
        ...

    async def record_download(self, outcome: DownloadOutcome) -> None:
        """Put what became of a download asked ``served_after_check`` in the audit log."""
        ...


class AccessDecider(Protocol):
    """The registry's access decisions (``RegistryClient`` implements it)."""

    async def authorize(self, user_token: str, document_id: str, action: Action, *,
                        viewing: bool = False, served_after_check: bool = False
                        ) -> AccessAnswer:
        """Whether the token's user may do ``action``; the registry audits the answer
        (``viewing``: as part of a viewing in the staff pages; ``served_after_check``: a
        download allowed is audited when reported to ``Catalogue.record_download``;
        ``AccessRequest``)."""
        ...

    async def visible(self, user_token: str, document_ids: list[str]) -> set[str]:
        """Those of ``document_ids`` the token's user may know exist."""
        ...


@dataclass(frozen=True)
class PageImageFile:
    """A page's preview, thumbnail or large image (WebP) and its entity tag: the
    original, the page and the text version (a re-reading may turn the page)."""

    data: bytes
    etag: str


@dataclass(frozen=True)
class OriginalDownload:
    """An original ready to stream: its catalogue record, size and chunks."""

    document: DocumentRecord
    size_bytes: int
    chunks: AsyncIterator[bytes]


def parse_metadata(raw: str | bytes) -> UploadMetadata:
    """Decode the ``metadata`` form field and check it against the domain's vocabulary.

    Raises ``BadRequest`` (``invalid_metadata``) for JSON or field types that do not
    decode, ``ValidationFailed`` for ``unknown_category``, ``invalid_household`` and
    ``household_required``.
    """
    try:
        metadata = msgspec.json.decode(raw, type=WrittenUploadMetadata)
    except msgspec.ValidationError as exc:
        raise BadRequest(f"metadata: {exc}", code="invalid_metadata") from exc
    except msgspec.DecodeError as exc:
        raise BadRequest(f"metadata is not a JSON object ({exc}); send e.g. "
                         '{"household": "A-1201", "category": "repair", "title": "…", '
                         '"filed_at": "2024-05-18"}', code="invalid_metadata") from exc
    return checked_metadata(metadata)


def checked_metadata(metadata: UploadMetadata) -> UploadMetadata:
    """``metadata`` if its category and household keep D5 and D1 (``ValidationFailed``
    otherwise)."""
    checked_household(metadata.household, checked_category(metadata.category))
    return metadata


def job_view(job: Job) -> JobView:
    return JobView(job_id=job.job_id, status=job.status, sha256=job.sha256,
                   attempts=job.attempts, created_at=job.created_at,
                   updated_at=job.updated_at, document_id=job.document_id, error=job.error,
                   error_code=job.error_code, pages=job.pages, pages_read=job.pages_read,
                   pages_total=job.pages_total,
                   review_pages=job.review_pages, finished_at=job.finished_at)


class IngestService:
    def __init__(self, queue: JobQueue, store: ObjectStore, registry: AccessDecider, *,
                 catalogue: Catalogue, max_upload_bytes: int, clock: Clock,
                 lock_on_write: timedelta, limits: ExtractionLimits, scratch_dir: Path,
                 on_enqueued: Callable[[], None] | None = None) -> None:
        self.queue = queue
        self.store = store
        self.registry = registry
        self.catalogue = catalogue
        self.derived = DerivedText(store)
        self.previews = DerivedPreviews(store)
        self.on_view = PreviewsOnView(store, limits=limits, scratch_dir=scratch_dir)
        self.max_upload_bytes = max_upload_bytes
        self.clock = clock
        self.lock_on_write = lock_on_write
        self.limits = limits
        self._on_enqueued = on_enqueued

    async def upload(self, uploader: Principal, metadata: UploadMetadata,
                     chunks: AsyncIterator[bytes], *, filename: str | None, user_token: str
                     ) -> UploadReceipt:
        """Store the original and create its job (see the module docstring for the order)."""
        defaults = filing_defaults(filename=filename, today=self.clock.today())
        filed = filed_as(metadata, defaults)
        checked_past_day(filed.filed_at, "filed_at", today=self.clock.today())
        if security_rank(filed.security) > security_rank(uploader.clearance):
            raise Forbidden(f"you may not file a {filed.security} document above your "
                            "clearance", code="above_clearance")
        head = await _first_bytes(chunks)
        media_type: MediaType = sniff_media_type(head)
        stored = await store_original(
            self.store, _prepend(head, chunks), max_bytes=self.max_upload_bytes,
            spool_dir=self.store.spool_dir, content_type=media_type,
            retain_until=self.clock.now() + self.lock_on_write, admit=self._refuse_destroyed)
        earlier = await self.queue.by_sha256(stored.sha256)
        if earlier is not None and not await self._visible(uploader, user_token, [earlier]):
            raise Conflict("these bytes were uploaded already, as a document you may not "
                           "see; ask an archivist cleared for it", code="already_uploaded")
        payload = JobPayload(metadata=metadata, defaults=defaults, media_type=media_type,
                             size_bytes=stored.size, uploaded_by=uploader.username,
                             original_filename=filename[-255:] if filename else None)
        job, created = await self.queue.enqueue(stored.sha256, msgspec.to_builtins(payload))
        if not created:
            await self._refuse_refiling(job, metadata)
        elif self._on_enqueued is not None:
            self._on_enqueued()
        return UploadReceipt(job_id=job.job_id, sha256=stored.sha256, status=job.status,
                             document_id=job.document_id, duplicate=not created)

    async def _refuse_refiling(self, job: Job, metadata: UploadMetadata) -> None:
        """Refuse an upload of ``job``'s bytes that says otherwise than their record, or
        than the job's own upload before it has filed them (``services.ingest.refiling``)."""
        record = (await self.catalogue.get_document(job.document_id)
                  if job.document_id is not None else None)
        fields = filed_otherwise(metadata, record if record is not None else
                                 msgspec.convert(job.payload, JobPayload, strict=False).filing())
        if fields:
            raise filed_differently(fields, job_id=job.job_id, record=record)

    async def _refuse_destroyed(self, sha256: str) -> None:
        """R6: a destroyed document's bytes uploaded again are refused before they are
        stored (stored, they would be locked)."""
        job = await self.queue.by_sha256(sha256)
        if job is None or job.document_id is None:
            return
        record = await self.catalogue.get_document(job.document_id)
        if record.status == "destroyed":
            # Not named: the uploader may not be cleared for the document it was.
            raise Conflict("these bytes are a document destroyed after appraisal; a "
                           "destroyed document is never filed again", code="destroyed")

    async def job(self, principal: Principal, user_token: str, job_id: str) -> JobView:
        """A job the caller may know of; otherwise the 404 of one that does not exist."""
        job = await self.queue.get(job_id)
        if not await self._visible(principal, user_token, [job]):
            raise NotFound(f"no job {job_id}", code="unknown_job")
        return job_view(job)

    async def jobs(self, principal: Principal, user_token: str, *, status: JobStatus | None,
                   limit: int, offset: int) -> list[JobView]:
        """A page of jobs, newest first, leaving out those the caller may not know of (so
        a page may be shorter than ``limit``; ``offset`` counts every job)."""
        page = await self.queue.list(status=status, limit=limit, offset=offset)
        return [job_view(job) for job in await self._visible(principal, user_token, page)]

    async def _visible(self, principal: Principal, user_token: str, jobs: list[Job]
                       ) -> list[Job]:
        """Those of ``jobs`` the caller may know of: a filed one if the registry lets them
        know its document exists, one not yet filed if they are cleared for the security
        its upload declared. Our services see every job."""
        if principal.is_service:
            return jobs
        filed = [job.document_id for job in jobs if job.document_id is not None]
        known = await self.registry.visible(user_token, filed) if filed else set()
        return [job for job in jobs if
                (job.document_id in known if job.document_id is not None
                 else principal.cleared_for(_declared_security(job)))]

    async def fixity_run(self, principal: Principal, user_token: str, run: FixityRun
                         ) -> FixityRun:
        """``run`` as the caller may read it: a finding about a document they may not know
        of, or about archive-number series (they name documents of any level) for a
        reader not cleared for ``secret``, is a redacted row."""
        if principal.is_service:
            return run
        named = [f.document_id for f in run.findings if f.document_id is not None]
        known = await self.registry.visible(user_token, named) if named else set()
        return msgspec.structs.replace(run, findings=[
            finding if (finding.document_id in known if finding.document_id is not None
                        else finding.kind not in NUMBERING_FINDINGS
                        or principal.cleared_for("secret"))
            else FixityFinding(kind=finding.kind, detail=REDACTED_FINDING, redacted=True)
            for finding in run.findings])

    async def original_state(self, principal: Principal, user_token: str, sha256: str, *,
                             metadata: UploadMetadata | None = None) -> OriginalState:
        """The job of the original with this hash; ``NotFound`` if it was never uploaded
        or the caller may not know of its job. With ``metadata``, asked before uploading
        the bytes again: refused as that upload would be (409 ``filed_differently``)
        unless its job failed (an upload then starts it again with its own metadata)."""
        job = await self.queue.by_sha256(sha256)
        if job is None or not await self._visible(principal, user_token, [job]):
            raise NotFound("no original with this SHA-256 was uploaded",
                           code="unknown_original")
        if metadata is not None and job.status != "failed":
            await self._refuse_refiling(job, metadata)
        return OriginalState(sha256=sha256, job_id=job.job_id, status=job.status,
                             document_id=job.document_id, pages=job.pages)

    async def text(self, user_token: str, document_id: str, *, words: bool,
                   version: int | None = None) -> DocumentText:
        """The page texts, if the registry lets the token's user read the content: the
        current ones, or those of text version ``version`` (an older one is kept as it was,
        D6); ``NotFound`` (``unknown_text_version``) for a version the text never had."""
        answer = await self._decided(user_token, document_id, "read_text")
        if version is not None:
            read = await self.derived.pages_of_version(answer.sha256, version)
            return DocumentText(document_id=document_id, sha256=answer.sha256,
                                text_version=version,
                                pages=[_page_view(page, words=words) for page in read],
                                view_only=answer.view_only)
        # The version before the pages: a revision between the two reads then makes the
        # version older than the text, so a correction based on it is refused, never
        # accepted over a text its author did not see.
        text_version = await self.derived.current_version(answer.sha256)
        pages = [_page_view(page, words=words) async for page in self.derived.pages(answer.sha256)]
        return DocumentText(document_id=document_id, sha256=answer.sha256,
                            text_version=text_version, pages=pages,
                            view_only=answer.view_only)

    async def text_versions(self, user_token: str, document_id: str) -> TextVersions:
        """The text's versions, oldest first, for whoever may read the text (asked as part
        of a viewing: the document page's history asks it), each with what made it, who,
        when and why. The first version's history may not name who and when (it was
        written only once a revision kept it): it is the filing's reading, so it is the
        record's ``filed_by`` and ``registered_at``."""
        record = (await self._decided(user_token, document_id, "read_text",
                                      viewing=True)).record
        history = await self.derived.history(record.sha256)
        current = history[-1].version
        return TextVersions(document_id=document_id, versions=[TextVersionEntry(
            version=entry.version, made_by=_made_by(entry), engine=entry.engine,
            recorded_by=entry.recorded_by or (record.filed_by if entry.version == 1 else None),
            recorded_at=entry.recorded_at or (record.registered_at if entry.version == 1
                                              else None),
            reason=entry.reason, current=entry.version == current) for entry in history])

    async def texts(self, request: TextsRequest) -> Texts:
        """Many documents' joined texts, for the search index; the caller is a service (the
        route's guard) naming each document's original from the change feed, so no access
        decision is asked. A document with no derived text is ``missing``."""
        gate = asyncio.Semaphore(TEXT_READS)

        async def one(document: FiledOriginal) -> str | None:
            async with gate:
                try:
                    return joined([page.text async for page in
                                   self.derived.pages(document.sha256)])
                except NotFound:
                    return None

        bodies = await asyncio.gather(*(one(document) for document in request.documents))
        return Texts(texts=[DocumentBody(document_id=document.document_id, text=body)
                            for document, body in zip(request.documents, bodies, strict=True)
                            if body is not None],
                     missing=[document.document_id for document, body
                              in zip(request.documents, bodies, strict=True) if body is None])

    async def page_image(self, user_token: str, document_id: str, number: int, *,
                         size: PageImageSize) -> PageImageFile:
        """Page ``number``'s preview, thumbnail or large image, if the registry lets the
        token's user read the content (view-only is enough); ``NotFound``
        ``unknown_page`` past the document, ``no_preview`` for a document filed before
        previews, ``preview_missing`` for one whose preview was deleted or lost. A
        text-layer page's preview and thumbnail, and any page's large image, are made
        on their first view (``PreviewsOnView``)."""
        record = (await self._decided(user_token, document_id, "read_text",
                                      viewing=True)).record
        preview = await self._page_preview(record, number)
        if size == "large":
            data = await self.on_view.large(record.sha256, preview)
        elif preview.on_view:
            data = await self.on_view.image(record.sha256, number, size)
        else:
            data = await self.previews.image(record.sha256, number, size)
        version = await self.derived.current_version(record.sha256)
        return PageImageFile(data=data, etag=f'"{record.sha256}-{number}-v{version}"')

    async def page_boxes(self, user_token: str, document_id: str, number: int) -> PageBoxes:
        """Page ``number``'s word or character boxes in its preview's pixels, decided and
        refused as ``page_image``."""
        record = (await self._decided(user_token, document_id, "read_text",
                                      viewing=True)).record
        preview = await self._page_preview(record, number)
        page = await self.derived.page(record.sha256, number)
        boxes = boxes_in_preview(page.words, preview) if page is not None else []
        return PageBoxes(number=number, width=preview.width, height=preview.height,
                         boxes=boxes)

    async def reading(self, user_token: str, document_id: str, number: int) -> PageReading:
        """What the staff pages show of a document at once: every page's text and
        confidence (the review page shows it), page ``number``'s boxes (None without a
        preview) and its doubtful lines (``doubtful_lines``), on one access decision asked
        as part of a viewing (journaled once per viewing, ``AccessRequest.viewing``).
        Without text, ``NotFound`` (``no_text``) says whether the original was ever
        uploaded (``uploaded``; false for a record catalogued before its original was
        scanned, which has nothing to download): the document page needs no other call."""
        record = (await self._decided(user_token, document_id, "read_text",
                                      viewing=True)).record
        try:
            text_version = await self.derived.current_version(record.sha256)  # as in text
            pages, shown = await self.derived.outlines_and_page(record.sha256, number)
        except NotFound as exc:
            if exc.code != "no_text":
                raise
            raise NotFound(exc.detail, code=exc.code,
                           extra={"uploaded": await self._ever_uploaded(record)}) from exc
        boxes = None
        doubtful = [] if shown is None else [
            line.text for line in doubtful_lines(
                shown.lines, low_confidence=self.limits.low_confidence)]
        if shown is not None:
            try:
                preview = (await self.previews.pages(record.sha256)).get(number)
            except NotFound:  # filed before previews: the text alone
                preview = None
            if preview is not None:
                boxes = PageBoxes(number=number, width=preview.width, height=preview.height,
                                  boxes=boxes_in_preview(shown.words, preview))
        return PageReading(document_id=document_id, text_version=text_version,
                           pages=[ReadingPage(number=page.number, text=page.text,
                                              confidence=page.confidence)
                                  for page in pages], boxes=boxes, doubtful_lines=doubtful)

    async def _page_preview(self, record: DocumentRecord, number: int) -> PagePreview:
        if not 1 <= number <= record.pages:
            raise NotFound(f"the document has {record.pages} pages, not a page {number}",
                           code="unknown_page")
        preview = (await self.previews.pages(record.sha256)).get(number)
        if preview is None:
            raise no_preview()
        return preview

    async def original_uploaded(self, user_token: str, document_id: str
                                ) -> OriginalUploaded:
        """Whether the original of a document the token's user may know of was ever
        uploaded (``NotFound``, ``unknown_document``, for one they may not). Nothing is
        read, so nothing is audited (API users ask it; the document page learns it from
        ``reading``)."""
        if document_id not in await self.registry.visible(user_token, [document_id]):
            raise NotFound(f"no document {document_id}", code="unknown_document")
        record = await self.catalogue.get_document(document_id)
        return OriginalUploaded(document_id=document_id,
                                uploaded=await self._ever_uploaded(record))

    async def _ever_uploaded(self, record: DocumentRecord) -> bool:
        """Whether ingest holds a job for the record's bytes, in any state."""
        return await self.queue.by_sha256(record.sha256) is not None

    async def original(self, principal: Principal, user_token: str, document_id: str
                       ) -> OriginalDownload:
        """The original's bytes, if the registry lets the token's user download them
        (view-only access is refused with 403 ``view_only``) and they are still the
        catalogue's (D6): read and checked whole before a byte is sent (a download under
        way cannot become a refusal), and checked again as they are sent. A lost original
        is refused with 404 ``original_missing``, an altered one with 409
        ``original_altered``, each also a fixity finding in the audit log; the download
        is audited as served or as refused so, once that is known."""
        record = (await self._decided(user_token, document_id, "download",
                                      served_after_check=True)).record
        hashed = 0
        try:
            async for piece in self._checked(record):
                hashed += len(piece)
        except NotFound as exc:
            missing = NotFound(f"the original of {record.archive_no} is not in the object "
                               f"store; {PUT_BACK}", code="original_missing")
            await self._found(principal, record, missing, hashed)
            raise missing from exc
        except OriginalAltered as exc:
            await self._found(principal, record, exc, hashed)
            raise
        await self.catalogue.record_download(DownloadOutcome(
            document_id=record.document_id, username=principal.username))
        return OriginalDownload(document=record, size_bytes=record.size_bytes,
                                chunks=self._checked(record))

    def _checked(self, record: DocumentRecord) -> AsyncIterator[bytes]:
        return checked_original(self.store.get(original_key(record.sha256)),
                                sha256=record.sha256, size_bytes=record.size_bytes,
                                name=record.archive_no)

    async def _found(self, principal: Principal, record: DocumentRecord,
                     refusal: ArchiveError, hashed: int) -> None:
        """A download refused because the original is damaged: in the log, and in the
        audit log (O4) as a fixity run's finding on the document, as a run would record it."""
        log.warning("download of %s by %s refused: %s", record.archive_no,
                    principal.username, refusal.explained)
        kind: OriginalDamage = ("original_missing" if refusal.code == "original_missing"
                                   else "original_altered")
        altered = refusal if isinstance(refusal, OriginalAltered) else None
        await self.catalogue.record_fixity(FixityResult(
            run_id=str(uuid.uuid4()), trigger="download", started_by=principal.username,
            documents_checked=1, bytes_hashed=hashed, findings=[FixityFinding(
                kind=kind, detail=refusal.detail, document_id=record.document_id,
                archive_no=record.archive_no,
                recorded_bytes=record.size_bytes if altered else None,
                stored_bytes=altered.stored_bytes if altered else None,
                stored_sha256=altered.stored_sha256 if altered else None)]))
        await self.catalogue.record_download(DownloadOutcome(
            document_id=record.document_id, username=principal.username, refused=kind,
            reason=refusal.detail))

    async def _decided(self, user_token: str, document_id: str, action: Action, *,
                       viewing: bool = False, served_after_check: bool = False
                       ) -> _Allowed:
        answer = await self.registry.authorize(user_token, document_id, action,
                                               viewing=viewing,
                                               served_after_check=served_after_check)
        return _Allowed(record=answer.allowed_document(), view_only=answer.view_only)


@dataclass(frozen=True)
class _Allowed:
    record: DocumentRecord
    view_only: bool

    @property
    def sha256(self) -> str:
        return self.record.sha256


def _page_view(page: PageText, *, words: bool) -> PageView:
    return PageView(number=page.number, text=page.text, confidence=page.confidence,
                    method=page.method, language=page.language,
                    needs_review=page.needs_review,
                    words=list(page.words) if words else None,
                    lines=list(page.lines) if words else None,
                    engine=page.engine, rotation=page.rotation)


def _made_by(entry: TextVersion) -> TextMadeBy:
    """Version 1 is the filing's reading; a later one is an OCR engine's (``archive
    reocr`` names it) or, without one, a person's correction."""
    if entry.version == 1:
        return "filing"
    return "correction" if entry.engine is None else "reocr"


def _declared_security(job: Job) -> SecurityLevel:
    """The security the job files (as its upload declared it, or by default); the highest
    if it cannot be read."""
    try:
        declared = msgspec.convert(job.payload, JobPayload, strict=False).filing().security
    except msgspec.ValidationError:
        declared = None
    return declared or "secret"


async def _first_bytes(chunks: AsyncIterator[bytes]) -> bytes:
    head = b""
    async for chunk in chunks:
        head += chunk
        if len(head) >= SNIFF_BYTES:
            break
    return head


async def _prepend(head: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    if head:
        yield head
    async for chunk in rest:
        yield chunk
