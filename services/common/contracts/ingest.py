"""What ingest answers that other services read: a document's extracted text (search
indexes it), a page's boxes (the staff pages draw them over the preview), a person's
correction of a page's text (the review page sends it), and upload batches (the
digitising page shows them), whose files report their jobs' progress as a job does.

``ExtractedText`` is the part of ingest's answer to ``GET /ingest/documents/{id}/text``
that its readers need. Unlike request bodies it does not forbid unknown fields: ingest
may add fields (confidences, word boxes) without breaking its readers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Literal

import msgspec

from services.common.contracts.fields import DocumentId, RowNumber, TextReason
from services.common.contracts.registry import FixityFinding
from services.common.models import Sha256, Struct

MAX_PAGE_TEXT = 200_000
PageTextBody = Annotated[str, msgspec.Meta(max_length=MAX_PAGE_TEXT)]


class TextPage(msgspec.Struct, kw_only=True):
    number: int
    text: str
    confidence: float = 100.0


class ExtractedText(msgspec.Struct, kw_only=True):
    """A document's page texts, in page order, as extracted (text layer or OCR)."""

    document_id: str
    pages: list[TextPage]

    @property
    def text(self) -> str:
        """The pages' text, one page after another."""
        return joined(page.text for page in self.pages)


class CurrentText(ExtractedText, kw_only=True):
    """ingest's ``GET /ingest/documents/{id}/text``: the current page texts and the number
    of their text version, which a correction names as the text it started from
    (``PageCorrection.base_version``)."""

    text_version: int


def joined(page_texts: Iterable[str]) -> str:
    """A document's text as search indexes it: its pages' texts, one after another."""
    return "\n".join(page_texts)


class PageBox(msgspec.Struct, kw_only=True):
    """A character's (PP-OCR, text layers) or word's (Tesseract) box, in the preview's
    pixels; ``start`` is where its text stands in the page text without whitespace."""

    text: str
    start: int
    left: int
    top: int
    width: int
    height: int


PageImageSize = Literal["preview", "thumbnail", "large"]
"""What a page is shown as (WebP, turned upright): its preview, about 1 200 pixels wide;
its thumbnail, about 200; or its large image, up to 2 400, for enlarging past the
preview (made from the original on its first view)."""


class PageBoxes(msgspec.Struct, kw_only=True):
    """A page's boxes in reading order over its preview (``width`` × ``height`` pixels),
    each with where its text stands in the page text without whitespace, so a match found
    in the text maps to the boxes it covers. As read, their texts concatenated are that
    text; a corrected page has no boxes for the characters its correction changed."""

    number: int
    width: int
    height: int
    boxes: list[PageBox]


class PageCorrection(Struct):
    """``POST /ingest/documents/{id}/pages/{number}/text``: the page's text as a person
    reads it, why it was corrected, and the text version the person started from
    (``CurrentText.text_version``). Ingest refuses it (409 ``page_changed``) when the
    page's text changed after that version, so no one's correction is silently replaced
    by another made from an older text."""

    text: PageTextBody
    reason: TextReason
    base_version: RowNumber


class PageCorrected(msgspec.Struct, kw_only=True):
    """The corrected page, the text version it is now part of, and the document's pages
    that still need a person."""

    document_id: str
    number: int
    text_version: int
    pages_needing_review: list[int]


JobStatus = Literal["queued", "running", "done", "failed"]
JOB_STATUSES: tuple[JobStatus, ...] = ("queued", "running", "done", "failed")
BatchFileStatus = Literal["queued", "running", "done", "failed", "duplicate", "refused"]
"""A job's status, or ``duplicate`` (its bytes were filed already) or ``refused`` (never
uploaded)."""


FileKind = Literal["zip", "old_office", "rtf", "text", "postscript", "gif", "bmp", "webp",
                   "avif", "audio_video", "unknown"]
"""What a file refused as ``unsupported_media_type`` seems to be, told by its first bytes
(``services.ingest.extraction.sniffing``): the 415's ``seems``, and a batch file's."""


class JobProgress(msgspec.Struct, kw_only=True):
    """How far an ingest job got, as the job itself, its API view and a batch's file all
    say it: the document it filed, why it failed (or is being retried), and its pages."""

    document_id: str | None = None
    error: str | None = None
    error_code: str | None = None
    pages: int | None = None
    pages_read: int | None = None
    """While ``running``: pages read so far."""
    pages_total: int | None = None
    """While ``running``: the document's page count, once known."""
    review_pages: int | None = None
    """Once ``done``: pages whose reading needs a person (``/ui/review``)."""


# Not kw_only: msgspec puts a class's positional fields before the keyword-only ones it
# inherits, so the file's own fields stay first in the JSON, as they always were.
class BatchFile(JobProgress, omit_defaults=True):
    """One file of an upload batch and how far it got: its job's state (``running`` with
    ``pages_read`` of ``pages_total``), ``duplicate`` (the same bytes were filed already:
    ``document_id`` is that document) or ``refused`` (the upload was refused:
    ``error_code``, ``error``, and for a manifest row its ``line`` and ``value``;
    ``filed_differently``: ``fields`` are what the upload said otherwise than
    ``document_id``, the document its bytes are, or than the job ``job_id`` that has not
    filed them yet)."""
    position: int
    filename: str
    status: BatchFileStatus
    job_id: str | None = None
    line: int | None = None
    value: str | None = None
    fields: list[str] | None = None
    seems: FileKind | None = None
    """Refused ``unsupported_media_type``: what the file seems to be, so the page can say
    what to do with it (save a Word file as PDF, a WebP image as JPEG)."""


class BatchSummary(msgspec.Struct, kw_only=True):
    files: int
    waiting: int
    """Queued or being read."""
    done: int
    duplicates: int
    failed: int
    """Failed jobs and refused uploads."""
    pages: int
    review_pages: int
    """Pages of the done files whose reading needs a person."""
    finished: bool


class Batch(msgspec.Struct, kw_only=True):
    """``GET /ingest/batches/{batch_id}``: an upload batch (上传批次), each file's state and
    the sums."""

    batch_id: str
    created_by: str
    created_at: datetime
    files: list[BatchFile]
    summary: BatchSummary


MAX_REFUSED_VALUE = 255
"""The longest manifest value a refused file keeps (what was written, to show it)."""


class RefusedFile(Struct):
    """``POST /ingest/batches/{batch_id}/files``: a file of the batch that was never
    uploaded, and why (a manifest row that cannot be read, a file the manifest names
    but that was not sent); the batch then shows it as ``refused``. For a manifest row:
    its ``line`` and the ``value`` written there that is wrong (blank when missing)."""

    filename: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    error_code: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    error: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    line: RowNumber | None = None
    value: Annotated[str, msgspec.Meta(max_length=MAX_REFUSED_VALUE)] | None = None


class DocumentReading(CurrentText, kw_only=True):
    """ingest's ``GET /ingest/documents/{id}/reading?page=``: the page texts, their text
    version, the asked page's boxes (None when the page has no preview) and the texts of
    its lines read under the line threshold, which the review page lists."""

    boxes: PageBoxes | None = None
    doubtful_lines: list[str] = []


TEXTS_AT_ONCE = 500
"""Documents one ``POST /ingest/texts`` asks for at most."""


class FiledOriginal(Struct):
    """A document and the sha256 of its original, as the registry's change feed says."""

    document_id: DocumentId
    sha256: Sha256


class TextsRequest(Struct):
    """``POST /ingest/texts`` (services only): many documents' texts in one call, for the
    search index; the caller names each document's original, so ingest asks no one."""

    documents: Annotated[list[FiledOriginal], msgspec.Meta(min_length=1,
                                                            max_length=TEXTS_AT_ONCE)]


class DocumentBody(Struct):
    document_id: str
    text: str
    """Every page's text, joined as ``ExtractedText.text`` joins them."""


class Texts(Struct):
    """The answer to ``POST /ingest/texts``: the text of each document that has one, and
    the ids of those with none (filed without going through ingest, or its derived text
    is gone)."""

    texts: list[DocumentBody]
    missing: list[str]


# What the ingest API answers its other callers (the command line, scripts): an upload,
# a job, an original's state, a document read again or its previews made, a fixity run.

OcrEngineName = Literal["ppocr", "tesseract"]
"""``ppocr``: PP-OCRv6 small on onnxruntime; ``tesseract``: Tesseract 5 (``ARCHIVE_OCR_ENGINE``)."""


TextMadeBy = Literal["filing", "reocr", "correction"]
"""What made a text version: the reading when the document was filed (version 1), a
re-reading by OCR (``archive reocr``), or a person's correction (校对, the review page)."""


class TextVersionEntry(msgspec.Struct, kw_only=True):
    """One version of a document's page texts (D6: the older ones are kept, never
    altered): what made it and with which OCR engine (``None`` for a person, or a text
    layer), who, when and why, and whether it is the text the document has now."""

    version: int
    made_by: TextMadeBy
    engine: OcrEngineName | None = None
    recorded_by: str | None = None
    recorded_at: datetime | None = None
    reason: str
    current: bool


class TextVersions(msgspec.Struct, kw_only=True):
    """``GET /ingest/documents/{id}/text/versions``: the text's versions, oldest first;
    a document whose text was never revised has one, the filing's reading."""

    document_id: str
    versions: list[TextVersionEntry]


class UploadReceipt(Struct):
    """The answer to an upload: 202 with a new (or still running) job, 200 with the
    existing ``document_id`` when the same bytes were already filed (``duplicate``)."""

    job_id: str
    sha256: str
    status: JobStatus
    document_id: str | None = None
    duplicate: bool = False


class JobView(JobProgress, Struct):
    """A job as the API shows it; ``error``/``error_code`` say why it failed (or why it is
    being retried); ``pages`` once the document is extracted."""

    job_id: str
    status: JobStatus
    sha256: str
    attempts: int
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None = None


class OriginalState(Struct):
    """Whether the archive holds an original with this SHA-256, and its job's state (and
    pages, once read); the CLI asks before uploading, with the metadata it would send
    (``POST /ingest/originals/{sha256}``), so a re-run batch sends nothing twice and a
    file said otherwise than it is filed is refused as its upload would be."""

    sha256: str
    job_id: str
    status: JobStatus
    document_id: str | None = None
    pages: int | None = None


class OriginalUploaded(Struct):
    """ingest's ``GET /ingest/documents/{id}/original/uploaded``: whether the document's
    original was ever uploaded (ingest holds a job for its bytes, in any state). False for
    a record catalogued before its original was scanned: there is nothing to download,
    and the document page says so rather than offer 下载原件."""

    document_id: str
    uploaded: bool


class DeriveRequest(Struct):
    """``POST /ingest/documents/{id}/derive``: ``missing`` makes previews only where some
    are not stored (``archive derive --missing``); otherwise all are made again."""

    missing: bool = False


class ScansAttached(Struct):
    """``POST /ingest/documents/attach-scans``: how many records catalogued before their
    scan took the pages of an original ingest had filed without attaching them (an
    earlier release), and those it could not attach (``document <id>: why``)."""

    attached: int
    refused: list[str]


class DeriveResult(Struct):
    """What became of one document: its previews ``derived`` (and character boxes added
    to ``boxes_added`` text-layer pages that had none), or ``skipped`` when ``missing``
    was asked and nothing was."""

    document_id: str
    status: Literal["derived", "skipped"]
    pages: int
    boxes_added: int = 0


DEFAULT_REASON = "re-read by archive reocr"
FILING_REASON = "read when filed"
"""The reason of version 1, the text read when the document was filed."""


class ReocrRequest(Struct):
    """``POST /ingest/documents/{id}/reocr``: which engine (default: the configured one);
    ``replace_corrected`` replaces the pages people corrected too (otherwise they are
    kept as the people wrote them); ``read_before``: a document whose text that engine
    read before this moment is read again too (after an upgrade that reads better), one it
    read since is not (so a run asked again continues where it stopped)."""

    engine: OcrEngineName | None = None
    reason: TextReason = DEFAULT_REASON
    replace_corrected: bool = False
    read_before: datetime | None = None


SkippedBecause = Literal["already_read", "no_ocr_pages", "reading_empty"]


class ReocrResult(Struct):
    """What became of one document: ``reread`` into ``text_version``, or ``skipped`` and
    why (``already_read``; ``no_ocr_pages``: no scanned page left to read but those people
    corrected; ``reading_empty``: the engine read every scanned page it would have changed
    empty, so the text stays, no new version); ``kept_corrected``: its pages people
    corrected, left as they wrote them;
    ``kept_empty_reading``: its pages the new reading found empty, left as they were."""

    document_id: str
    status: Literal["reread", "skipped"]
    engine: OcrEngineName
    text_version: int
    pages: int
    skipped_because: SkippedBecause | None = None
    kept_corrected: int = 0
    kept_empty_reading: int = 0


FixityStatus = Literal["running", "done", "failed"]
FixityTrigger = Literal["manual", "scheduled"]


class FixityRun(Struct):
    """A fixity check: how far it got and what it found."""

    run_id: str
    status: FixityStatus
    trigger: FixityTrigger
    started_by: str
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    documents_total: int
    documents_checked: int
    bytes_hashed: int
    findings: list[FixityFinding]
    error: str | None
    documents_without_previews: int = 0
    """Documents with no page previews at all, filed before previews were made: not a
    finding (nothing was lost); ``archive derive --missing`` makes them."""
