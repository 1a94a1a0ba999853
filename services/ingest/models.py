"""Ingest's API bodies, the job payload and the derived artifacts' keys, as msgspec structs.

The upload's ``metadata`` form field decodes into ``UploadMetadata``; a job carries a
``JobPayload`` (its ``Filing``, plus what the server learnt from the bytes) until the worker
registers the document. Page texts are stored beside the original, keyed by its SHA-256,
as ``derived/<sha256>/pages.jsonl``: one ``PageText`` (see ``services.ingest.extraction``)
per line, in page order, word boxes included; page previews as
``derived/<sha256>/pages/<nnnn>.webp`` (``services.ingest.previews``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from services.common.contracts.fields import StoredTextReason
from services.common.contracts.ingest import PageBoxes
from services.common.contracts.registry import FilingDefaults, PaperLocation, StoredTitle, Title
from services.common.filing import filed_as
from services.common.models import SecurityLevel, Struct, Username
from services.common.objectstore import validate_key
from services.ingest.extraction import (
    ExtractionMethod,
    MediaType,
    OcrEngineName,
    OcrLanguage,
    Rotation,
    TextLine,
    WordBox,
)
from services.ingest.extraction.previews import large_name, preview_name, thumbnail_name

FileName = Annotated[str, msgspec.Meta(max_length=255)]


class UploadMetadata(Struct):
    """What the archivist says about an upload (归档信息), the ``metadata`` form field.

    ``household`` and ``category`` are plain strings so that a wrong value is refused with
    a domain code (``invalid_household``, ``unknown_category``, ``household_required``)
    rather than a decode error; ``IngestService`` checks them before anything is stored.
    ``language`` names Tesseract's model when the archivist knows the script (it skips
    the per-document choice); otherwise extraction chooses. PP-OCR reads every script
    with one model and needs no hint.

    A field left out (or null) is not said: a new document takes its default
    (``services.common.filing.filing_defaults``: the title is the file's name without its
    extension, the filing date today, security ``ordinary``, no personal information; no
    household, location or language), and an upload of bytes already uploaded or filed is
    compared with them only on what it says (``services.ingest.refiling``).

    As a job keeps it (``WrittenUploadMetadata``: as an upload says it now).
    """

    category: str
    title: StoredTitle | None = None
    filed_at: date | None = None
    household: str | None = None
    security: SecurityLevel | None = None
    personal_info: bool | None = None
    location: PaperLocation | None = None
    language: OcrLanguage | None = None


class WrittenUploadMetadata(UploadMetadata):
    """What an upload says now: a title says something."""

    title: Title | None = None


class JobPayload(Struct):
    """What a job needs to finish a document: what its upload said (``metadata``), the
    defaults it files for what that left out (decided at upload, ``filing_defaults``),
    and facts about the bytes. A job queued before the defaults travelled apart has none:
    its ``metadata`` has every field with a default filled in."""

    metadata: UploadMetadata
    media_type: MediaType
    size_bytes: Annotated[int, msgspec.Meta(ge=0)]
    uploaded_by: Username
    original_filename: FileName | None = None
    defaults: FilingDefaults | None = None

    def filing(self) -> UploadMetadata:
        """What the job files: ``metadata`` with its ``defaults`` for what it leaves out."""
        if self.defaults is None:
            return self.metadata
        filed = filed_as(self.metadata, self.defaults)
        return msgspec.structs.replace(
            self.metadata, title=filed.title, filed_at=filed.filed_at,
            security=filed.security, personal_info=filed.personal_info)


class PageView(Struct, omit_defaults=True):
    """One page's text (``GET /ingest/documents/{id}/text``); ``words`` (a box per word,
    or per character with PP-OCR) and ``lines`` (box and confidence per line) only when
    asked; ``engine`` and ``rotation`` for OCR pages."""

    number: int
    text: str
    confidence: float
    method: ExtractionMethod
    language: OcrLanguage | None
    needs_review: bool
    words: list[WordBox] | None = None
    lines: list[TextLine] | None = None
    engine: OcrEngineName | None = None
    rotation: int = 0


class TextVersion(Struct):
    """One version of a document's page texts (a derived artifact; the original is never
    touched, D6): version 1 is what ingest read when the document was filed; each
    re-reading (``archive reocr``) or correction adds one, and the one before is kept.
    ``engine`` is the OCR that read it (``None``: not known, or a person's correction),
    ``recorded_by``/``recorded_at``/``reason`` who made it, when and why (``None`` for
    version 1 when it was first recorded only as the older text of a revision).
    ``announced``: the registry was told (``text_revised``), so search has it."""

    version: Annotated[int, msgspec.Meta(ge=1)]
    engine: OcrEngineName | None
    reason: StoredTextReason
    recorded_by: Username | None = None
    recorded_at: datetime | None = None
    announced: bool = False


class DocumentText(Struct):
    """``GET /ingest/documents/{id}/text``: the current page texts and their text version
    (a correction names it as ``base_version``)."""

    document_id: str
    sha256: str
    text_version: int
    pages: list[PageView]
    view_only: bool = False
    """The caller may read this in the system only (B2): no download, no export."""


class ReadingPage(Struct):
    number: int
    text: str
    confidence: float
    """As in ``/text``: the review page shows it beside the page it offers to correct."""


class PageReading(Struct):
    """``GET /ingest/documents/{id}/reading?page=``: every page's text and one page's
    boxes (None when it has no preview) and doubtful lines (the texts of the lines that
    sent it to review, ``extraction.review``), what a person's viewing shows at once, with
    the number of the text version, which a correction names
    (``PageCorrection.base_version``)."""

    document_id: str
    text_version: int
    pages: list[ReadingPage]
    boxes: PageBoxes | None
    doubtful_lines: list[str]


def derived_prefix(sha256: str) -> str:
    """Every derived file of an original sits under this prefix (architecture principle 2)."""
    return validate_key(f"derived/{sha256}") + "/"


def pages_key(sha256: str) -> str:
    """The object key of a document's current page texts."""
    return validate_key(f"derived/{sha256}/pages.jsonl")


def pages_index_key(sha256: str) -> str:
    """Where each page of the current page texts starts and its text alone are kept
    (``services.ingest.derived.PagesIndex``), so a page turned reads that page alone."""
    return validate_key(f"derived/{sha256}/pages.index.json")


def older_pages_key(sha256: str, version: int) -> str:
    """Where version ``version`` of the page texts is kept once a newer one replaced it."""
    return validate_key(f"derived/{sha256}/pages.v{version}.jsonl")


def text_versions_key(sha256: str) -> str:
    """The history of the page texts: one ``TextVersion`` per line, oldest first."""
    return validate_key(f"derived/{sha256}/text-versions.jsonl")


def page_image_key(sha256: str, number: int, size: Literal["preview", "thumbnail"]) -> str:
    """Where page ``number``'s preview or thumbnail is stored."""
    name = preview_name(number) if size == "preview" else thumbnail_name(number)
    return validate_key(f"derived/{sha256}/pages/{name}")


def page_large_key(sha256: str, number: int, rotation: Rotation) -> str:
    """Where page ``number``'s large image, turned ``rotation``, is stored once viewed."""
    return validate_key(f"derived/{sha256}/pages/{large_name(number, rotation)}")


def previews_key(sha256: str) -> str:
    """The list of an original's page previews: one ``PagePreview`` per line."""
    return validate_key(f"derived/{sha256}/previews.jsonl")
