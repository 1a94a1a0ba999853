"""The review page (``/ui/review``): pages whose OCR needs a person (校对), the earliest
registered first; and any page asked for by address (``?document=&page=``, the document
page's link), which a person may correct though the OCR was confident.

The queue is the registry's (documents whose current text has pages under the
``low_confidence`` threshold, those whose text the person may read: a confidential or
personal document without a loan, 借阅, is not in it, nor in its count); each of those
pages is one item, in the order the documents were registered, then page order. Registered
(登记), not filed (归档日期): a scan waits for a person from the day it arrives, and a batch
of old papers digitised today would otherwise go ahead of pages waiting for weeks. A
correction goes to ingest, which keeps the OCR's reading as the older text version; the
page then leaves the queue because the registry's record of the text no longer lists it.
The correction names the text version the page showed; when someone else changed the page
meanwhile, ingest refuses it and the page shows their text beside the person's own, which
is kept to merge.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from services.common.auth import Principal
from services.common.contracts.fields import MAX_TEXT_REASON
from services.common.contracts.ingest import MAX_PAGE_TEXT, DocumentReading
from services.common.contracts.registry import DocumentRecord
from services.common.filing import TEXT_CORRECTORS
from services.common.names import written
from services.common.web import PAGES_PREFIX
from services.web.links import address, document_url, page_image_url
from services.web.names import CATEGORY_BY_CODE

REVIEW_PATH = f"{PAGES_PREFIX}/review"
QUEUE_DOCUMENTS = 200
"""Documents asked of the registry at once: the oldest, which the queue shows first."""



@dataclass(frozen=True)
class ReviewItem:
    """One page waiting for a person."""

    document_id: str
    archive_no: str
    title: str
    category: str
    number: int
    registered_at: datetime

    @property
    def url(self) -> str:
        return address(REVIEW_PATH, {"document": self.document_id, "page": self.number})

    @property
    def image_url(self) -> str:
        return page_image_url(self.document_id, self.number)

    @property
    def large_image_url(self) -> str:
        return page_image_url(self.document_id, self.number, size="large")

    @property
    def document_url(self) -> str:
        return document_url(self.document_id, page=self.number)


def may_correct(principal: Principal) -> bool:
    """Whether the review page exists for ``principal`` (else: the not-found page)."""
    return principal.has_role(*TEXT_CORRECTORS)


def _item(record: DocumentRecord, number: int) -> ReviewItem:
    return ReviewItem(document_id=record.document_id, archive_no=record.archive_no,
                      title=record.title,
                      category=CATEGORY_BY_CODE.get(record.category, record.category),
                      number=number, registered_at=record.registered_at)


def review_items(records: list[DocumentRecord]) -> list[ReviewItem]:
    """Each page needing review, the earliest registered first, then in page order."""
    return [_item(record, number) for record in records if record.extraction is not None
            for number in sorted(record.extraction.pages_needing_review)]


def asked_item(record: DocumentRecord, number: int | None) -> ReviewItem | None:
    """A page of ``record`` asked for by address (the document page's 更正文字), to be
    corrected though its reading was confident; None for a page it does not have."""
    if number is None or not 1 <= number <= record.pages:
        return None
    return _item(record, number)


@dataclass(frozen=True)
class RefusedPage:
    """A page asked for by address that the person may not read (``code``: the
    registry's reason, ``needs_grant`` when a loan is the way); the page says so above
    the queue instead of showing another document in its place."""

    document_id: str
    title: str
    archive_no: str
    code: str

    @property
    def document_url(self) -> str:
        return document_url(self.document_id)


def refused_page(record: DocumentRecord, code: str) -> RefusedPage:
    return RefusedPage(document_id=record.document_id, title=record.title,
                       archive_no=record.archive_no, code=code)


def listed_at(items: list[ReviewItem], document_id: str, number: int | None) -> int | None:
    """Where the page asked for stands in ``items`` (no ``number``: the document's first
    page there), or None."""
    for index, item in enumerate(items):
        if item.document_id == document_id and number in (None, item.number):
            return index
    return None


def settled_url(items: list[ReviewItem], document_id: str, number: int | None) -> str:
    """The document page of a document asked for without a page (a batch's link) none of
    whose pages wait any more (corrected or read again since); else empty."""
    if not document_id or number is not None or listed_at(items, document_id, None) is not None:
        return ""
    return document_url(document_id)


def chosen_index(items: list[ReviewItem], document_id: str, number: int | None) -> int:
    """The item asked for, else the first (the oldest)."""
    return listed_at(items, document_id, number) or 0


@dataclass(frozen=True)
class ChangedMeanwhile:
    """The page's text as someone else saved it while the person was correcting it, shown
    read-only above the person's text; ``by`` and ``at`` as ingest's refusal names them
    (empty, ``None`` when it could not)."""

    text: str
    by: str
    at: datetime | None


@dataclass(frozen=True)
class Correcting:
    """The page shown for correction: its reading (or what the person typed), the text
    version it shows (the correction's base), the item after it, and the lines the OCR
    read doubtfully (``doubtful_lines``: what to check first when the page's mean
    confidence is high); ``changed`` when the person's correction was refused because the
    page changed meanwhile."""

    item: ReviewItem
    text: str
    confidence: float
    next: ReviewItem | None
    text_version: int
    doubtful_lines: tuple[str, ...] = ()
    changed: ChangedMeanwhile | None = None


def correcting(items: list[ReviewItem], index: int, text: DocumentReading
               ) -> Correcting | None:
    """The item at ``index`` with its page's text; None when the text has no such page
    (the queue was read before a newer reading)."""
    item = items[index]
    page = next((page for page in text.pages if page.number == item.number), None)
    if page is None:
        return None
    following = items[index + 1] if index + 1 < len(items) else (
        items[0] if len(items) > 1 else None)
    return Correcting(item=item, text=page.text, confidence=page.confidence, next=following,
                      text_version=text.text_version,
                      doubtful_lines=tuple(text.doubtful_lines))


def as_typed(current: Correcting, typed: str, problem: str, refusal: dict[str, Any]
             ) -> Correcting:
    """The page after a refused correction: the person's ``typed`` text in the box, and,
    when the page changed meanwhile (``page_changed``), its current text and who changed it
    when (``refusal``: ingest's answer) beside it. Saving again sends the current version.
    A text refused for being empty (``empty_text``) is not kept: the box shows the page's
    text again, to write what it says."""
    if problem == "empty_text":
        return current
    changed = None
    if problem == "page_changed":
        at = refusal.get("changed_at")
        changed = ChangedMeanwhile(text=current.text, by=str(refusal.get("changed_by") or ""),
                                   at=datetime.fromisoformat(at) if isinstance(at, str) else None)
    return replace(current, text=typed, changed=changed)


@dataclass(frozen=True)
class ReviewPage:
    items: list[ReviewItem]
    current: Correcting | None
    saved: str
    """The document page of the page just saved, or empty."""
    problem: str
    """Why the last correction was refused (a code the template says in words)."""
    reason: str
    """The reason typed last (kept when a correction is refused)."""
    refused: RefusedPage | None = None
    """The page asked for, when the person may not read it."""
    settled: str = ""
    """The document page of the document asked for, when none of its pages wait."""
    unknown: bool = False
    """The document asked for is none the person may see (a mistyped or old address)."""


def correction_problem(text: str, reason: str, base_version: int) -> str:
    """What is wrong with a correction before it is sent, as a code; empty if nothing. A
    form that does not say which text version it showed (one loaded before the page sent
    it) is taken as showing an old one: the person sees the current text beside theirs."""
    if base_version < 1:
        return "page_changed"
    if not written(reason):
        return "reason_required"
    if len(reason) > MAX_TEXT_REASON or len(text) > MAX_PAGE_TEXT:
        return "too_long"
    return ""
