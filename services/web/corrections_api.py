"""The corrections page's routes (更正审批, D6, D10): the list, and a decision (or the
proposer's withdrawal) posted
twice, first to be confirmed, then (``confirm=1``) sent to the registry and answered by a
redirect to the list saying what was done, or why the registry refused."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from services.common.clients.reader import RegistryReader
from services.common.contracts.corrections import CORRECTION_READERS, Correction
from services.common.contracts.fields import MAX_NOTE
from services.common.errors import ArchiveError
from services.common.names import written
from services.common.paging import LIST_PAGE
from services.web.corrections_page import (
    CORRECTIONS_URL,
    DECISIONS,
    FIRST_PAGES,
    CorrectionsPage,
    Counted,
    ListPages,
    confirming,
    corrections_page,
    list_pages,
    may_decide,
    may_propose,
    outcome_of,
)
from services.web.failures import refusal_code, see
from services.web.forms import FORM, PageForm
from services.web.page import Page, PageNumber
from services.web.pager import rows_before


class DecisionForm(PageForm):
    decision: str = ""
    note: str = ""
    confirm: str = ""
    page: int = 1
    mine_page: int = 1
    """The page of each list the form was sent from: the confirmation looks there and
    returns there."""


class CorrectionPages(Controller):
    path = "/corrections"

    @get("/", operation_id="correctionsPage")
    async def corrections(self, page: NamedDependency[Page],
                          registry: NamedDependency[RegistryReader],
                          page_number: PageNumber = None,
                          mine_page: FromQuery[int | None] = None) -> Response[str]:
        """The corrections waiting for approval and the reader's own, each list a page at
        a time (``?page=``, ``?mine_page=``); to someone who neither asks for nor decides
        corrections, a refusal saying who does (403)."""
        if not page.reader.principal.has_role(*CORRECTION_READERS):
            return page.render("corrections.html", status_code=403, view=None)
        view = await _view(page, registry,
                           pages=list_pages(page=page_number, mine_page=mine_page))
        return page.render("corrections.html", view=view)

    @post("/{correction_id:str}", operation_id="decideCorrectionForm")
    async def decide(self, correction_id: FromPath[str], page: NamedDependency[Page],
                     registry: NamedDependency[RegistryReader],
                     data: Annotated[DecisionForm, FORM]) -> Response[Any]:
        """Approve or reject, or withdraw one's own (撤回): without ``confirm``, the page
        asks to confirm what it will do; a rejection needs a reason (``note``)."""
        decision = next((name for name in DECISIONS if name == data.decision), None)
        note = written(data.note)[:MAX_NOTE]
        if decision is None:
            return see(CORRECTIONS_URL, refused="decision_required")
        if decision == "reject" and not note:
            return see(CORRECTIONS_URL, refused="reason_required")
        if data.confirm != "1":
            view = confirming(await _view(page, registry, pages=list_pages(
                page=data.page, mine_page=data.mine_page)), correction_id, decision, note)
            if view is None:
                return see(CORRECTIONS_URL, refused="not_pending")
            return page.render("corrections.html", view=view)
        try:
            decided = (await registry.withdraw_correction(page.reader.token, correction_id)
                       if decision == "withdraw" else
                       await registry.decide_correction(page.reader.token, correction_id,
                                                        decision, note or None))
        except ArchiveError as exc:
            return see(CORRECTIONS_URL, refused=refusal_code(exc))
        return await _decided(page, registry, decided, decision)


async def _view(page: Page, registry: RegistryReader, *,
                pages: ListPages = FIRST_PAGES) -> CorrectionsPage:
    """The page of each list ``pages`` asks for, read from the registry with their
    totals, not the lists whole."""
    token, principal = page.reader.token, page.reader.principal
    proposes, decides = may_propose(principal), may_decide(principal)

    async def nothing() -> int:
        return 0

    waiting_total, mine_total, to_decide = await asyncio.gather(
        registry.correction_count(token, status="pending"),
        registry.correction_count(token, mine=True) if proposes else nothing(),
        registry.awaiting_decision_count(token) if decides else nothing())
    pages = pages.within(waiting=waiting_total, mine=mine_total)

    async def mine() -> Counted | None:
        if not proposes:
            return None
        return Counted(await registry.correction_page(
            token, mine=True, limit=LIST_PAGE, offset=rows_before(pages.mine_page)), mine_total)

    waiting, own = await asyncio.gather(registry.correction_page(
        token, status="pending", limit=LIST_PAGE, offset=rows_before(pages.page)), mine())
    return corrections_page(principal, waiting=Counted(waiting, waiting_total), mine=own,
                            to_decide=to_decide, pages=pages,
                            outcome=outcome_of(dict(page.request.query_params)))


async def _decided(page: Page, registry: RegistryReader, decided: Correction,
                   decision: str) -> Response[Any]:
    """The list, saying what was decided: the document by its archive number, the new
    version, and who was told; an occupancy's (D12), by its occupant as it read."""
    if decided.occupancy_id is not None:
        return see(CORRECTIONS_URL, done=decision,
                   occ=str((decided.before or {}).get("occupant", "")),
                   by=decided.requested_by)
    listed = await registry.corrections(page.reader.token, document_id=decided.document_id)
    document = next((correction.document for correction in listed
                     if correction.correction_id == decided.correction_id), None)
    return see(CORRECTIONS_URL, done=decision, doc=decided.document_id or "",
               no=document.archive_no if document else "", v=str(decided.version or ""),
               by=decided.requested_by)
