"""The review page's routes: the queue with the page to correct, and the correction (a
POST form with its CSRF token, answered by a redirect to the next page in the queue)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery

from services.common.clients.ingest import IngestClient
from services.common.clients.reader import RegistryReader
from services.common.contracts.ingest import PageCorrection
from services.common.errors import ArchiveError, Forbidden, NotFound
from services.common.names import written
from services.web.failures import none_if, page_token, see
from services.web.forms import FORM, PageForm
from services.web.links import document_url
from services.web.page import Page, PageNumber
from services.web.review_page import (
    QUEUE_DOCUMENTS,
    REVIEW_PATH,
    Correcting,
    RefusedPage,
    ReviewItem,
    ReviewPage,
    as_typed,
    asked_item,
    chosen_index,
    correcting,
    correction_problem,
    listed_at,
    may_correct,
    refused_page,
    review_items,
    settled_url,
)


class CorrectionForm(PageForm):
    document_id: str = ""
    number: str = ""
    base_version: str = ""
    text: str = ""
    reason: str = ""


class ReviewPages(Controller):
    path = "/review"

    @get("/", operation_id="reviewPage")
    async def review(self, page: NamedDependency[Page], registry: NamedDependency[RegistryReader],
                     ingest: NamedDependency[IngestClient], document: FromQuery[str] = "",
                     page_number: PageNumber = None, saved: FromQuery[str] = "",
                     saved_page: FromQuery[int | None] = None,
                     problem: FromQuery[str] = "") -> Response[str]:
        """The queue, and the page asked for (else the oldest) beside its text."""
        page_token(page.reader, may_correct)
        items = review_items(await registry.review_queue(page.reader.token, limit=QUEUE_DOCUMENTS))
        pages, refused = await _with_asked(registry, page.reader.token, items, document,
                                           page_number)
        current = await _reading(ingest, page.reader.token, pages,
                                 chosen_index(pages, document, page_number))
        settled = settled_url(items, document, page_number)
        # Said settled only of a document there is: not of an address mistyped or old.
        unknown = bool(settled) and await none_if(
            registry.permissions(page.reader.token, document), NotFound) is None
        view = ReviewPage(
            items=items, current=current, problem=problem[:40], reason="", refused=refused,
            settled="" if unknown else settled, unknown=unknown,
            saved=document_url(saved, page=saved_page) if saved and saved_page else "")
        return page.render("review.html", view=view)

    @post("/", operation_id="correctPageForm")
    async def correct(self, page: NamedDependency[Page], registry: NamedDependency[RegistryReader],
                      ingest: NamedDependency[IngestClient],
                      data: Annotated[CorrectionForm, FORM]) -> Response[Any]:
        """Save a person's reading of the page: a new text version (ingest keeps the
        OCR's); then the next page in the queue. Refused, the page again with the typed
        text kept (and the current text beside it when someone changed the page meanwhile)."""
        page_token(page.reader, may_correct)
        number = int(data.number) if data.number.isdigit() else 0
        base_version = int(data.base_version) if data.base_version.isdigit() else 0
        # Browsers send a textarea's line breaks as CRLF; the text keeps LF as OCR wrote it.
        text = data.text.replace("\r\n", "\n")
        problem = correction_problem(text, data.reason, base_version)
        refusal: dict[str, Any] = {}
        if not problem:
            try:
                await ingest.correct_page_text(
                    page.reader.token, data.document_id, number,
                    PageCorrection(text=text, reason=written(data.reason),
                                   base_version=base_version))
            except ArchiveError as exc:
                if exc.status >= 500 or isinstance(exc, NotFound | Forbidden):
                    raise
                problem, refusal = exc.code, exc.extra
            else:
                return see(REVIEW_PATH, saved=data.document_id, saved_page=str(number))
        items = review_items(await registry.review_queue(page.reader.token, limit=QUEUE_DOCUMENTS))
        pages, refused = await _with_asked(registry, page.reader.token, items,
                                           data.document_id, number)
        current = await _reading(ingest, page.reader.token, pages,
                                 chosen_index(pages, data.document_id, number))
        if current is not None and (current.item.document_id, current.item.number) == (
                data.document_id, number):
            current = as_typed(current, text, problem, refusal)
        view = ReviewPage(items=items, current=current, problem=problem,
                          reason=data.reason[:500], saved="", refused=refused)
        return page.render("review.html", status_code=422, view=view)


async def _with_asked(registry: RegistryReader, token: str, items: list[ReviewItem],
                      document_id: str, number: int | None
                      ) -> tuple[list[ReviewItem], RefusedPage | None]:
    """The queue, after the page asked for when it is not in it (``asked_item``); or the
    queue and why the page asked for is not offered, when the person may not read it
    (asked, not read: the registry's answer to what they may do is no read)."""
    if not document_id or number is None or listed_at(items, document_id, number) is not None:
        return items, None
    permissions = await none_if(registry.permissions(token, document_id), NotFound)
    if permissions is None:
        return items, None
    if not permissions.read_text.allowed:
        return items, refused_page(permissions.document, permissions.read_text.code)
    asked = asked_item(permissions.document, number)
    return ([asked, *items] if asked is not None else items), None


async def _reading(ingest: IngestClient, token: str, items: list[ReviewItem], index: int
                   ) -> Correcting | None:
    """The item at ``index`` with its text; None for an empty queue, or a page the text no
    longer has (the queue read before a newer reading). The queue holds only pages the
    person may read (the registry's query), so no other is tried in its place. Read as
    the document page reads it, as part of a viewing: the page loaded again, or the same
    document's other pages, join one 阅读内容 entry (``VIEWING_WINDOW``)."""
    if not items:
        return None
    item = items[index]
    return correcting(items, index, await ingest.reading(token, item.document_id, item.number))
