"""The document page (``/ui/documents/{document_id}``): the catalogue record, one page's
image beside its text with the search terms marked in both, page navigation, the
document's history, and download or the reason there is none.

Every value here comes from the services' answers for the signed-in person: whether the
text may be read and the original downloaded is the registry's decision
(``DocumentPermissions``), shown with its reason; this module only arranges it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from services.common.clients.ingest import ExtractedText, PageBox, PageBoxes
from services.common.clients.reader import LoanView, VersionView
from services.common.clients.registry import (
    AuditTrailEntry,
    DocumentPermissions,
    DocumentRecord,
)
from services.common.models import (
    CATEGORY_NAMES,
    RETENTION_CLASS_NAMES,
    SECURITY_LEVEL_NAMES,
)
from services.common.web import PAGES_PREFIX
from services.web.household_page import location_text
from services.web.marking import Run, Span, marked_boxes, marked_spans, query_words, runs


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str
    active: bool
    marked: bool
    """The search terms stand on this page."""


@dataclass(frozen=True)
class ShownPage:
    number: int
    runs: list[Run]
    marks: int
    image_url: str | None
    """The page's preview, when ingest has one."""
    width: int = 0
    height: int = 0
    boxes: list[PageBox] = field(default_factory=list)
    """The boxes the search terms cover, in the preview's pixels."""


@dataclass(frozen=True)
class DocumentPage:
    record: DocumentRecord
    category_name: str
    retention_name: str
    security_name: str
    location: str
    household_url: str | None
    q: str
    permissions: DocumentPermissions
    download_url: str | None
    page: ShownPage | None
    """None when the text may not be read (``permissions.read_text`` says why) or none
    was extracted."""
    pages: list[PageLink]
    previous_url: str | None
    next_url: str | None
    history_url: str


@dataclass(frozen=True)
class DocumentHistory:
    versions: list[VersionView]
    """Newest first."""
    loans: list[LoanView]
    audit: list[AuditTrailEntry]


def document_history(versions: list[VersionView], loans: list[LoanView],
                     audit: list[AuditTrailEntry]) -> DocumentHistory:
    return DocumentHistory(versions=list(reversed(versions)), loans=loans, audit=audit)


def document_url(document_id: str, *, q: str = "", page: int | None = None) -> str:
    query = {key: value for key, value in (("q", q), ("page", page)) if value}
    return f"{PAGES_PREFIX}/documents/{document_id}" + (f"?{urlencode(query)}" if query else "")


def chosen_page(text: ExtractedText | None, q: str, asked: int | None) -> int | None:
    """The page to show: the one asked for, else the first holding a search term, else
    the first."""
    if text is None or not text.pages:
        return None
    numbers = [page.number for page in text.pages]
    if asked in numbers:
        return asked
    words = query_words(q)
    if words:
        for page in text.pages:
            if marked_spans(page.text, words):
                return page.number
    return numbers[0]


def document_page(record: DocumentRecord, permissions: DocumentPermissions, *,
                  q: str, text: ExtractedText | None, number: int | None,
                  boxes: PageBoxes | None, has_preview: bool) -> DocumentPage:
    words = query_words(q)
    base = f"{PAGES_PREFIX}/documents/{record.document_id}"
    shown: ShownPage | None = None
    links: list[PageLink] = []
    if text is not None and number is not None:
        spans_by_page: dict[int, list[Span]] = {
            page.number: marked_spans(page.text, words) for page in text.pages}
        links = [PageLink(page.number, document_url(record.document_id, q=q, page=page.number),
                          page.number == number, bool(spans_by_page[page.number]))
                 for page in text.pages]
        current = next(page for page in text.pages if page.number == number)
        spans = spans_by_page[number]
        shown = ShownPage(
            number=number, runs=runs(current.text, spans), marks=len(spans),
            image_url=f"{base}/pages/{number}/preview" if has_preview else None,
            width=boxes.width if boxes else 0, height=boxes.height if boxes else 0,
            boxes=marked_boxes(boxes.boxes, spans) if boxes else [])
    position = [link.number for link in links]
    index = position.index(number) if number in position else -1
    return DocumentPage(
        record=record, category_name=CATEGORY_NAMES[record.category],
        retention_name=RETENTION_CLASS_NAMES[record.retention_class],
        security_name=SECURITY_LEVEL_NAMES[record.security],
        location=location_text(record.location),
        household_url=f"{PAGES_PREFIX}/households/{record.household}"
        if record.household else None,
        q=q, permissions=permissions,
        download_url=f"{base}/original" if permissions.download.allowed else None,
        page=shown, pages=links,
        previous_url=links[index - 1].url if index > 0 else None,
        next_url=links[index + 1].url if 0 <= index < len(links) - 1 else None,
        history_url=f"{base}/history")

