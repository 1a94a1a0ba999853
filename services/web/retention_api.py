"""The retention pages' routes. Every action is a POST form with its CSRF token, answered
by a redirect (post/redirect/get) to the page with what was done, or with the registry's
refusal code, which the page says in words with what to do next. Someone whose roles do
not read retention gets the same not-found page as for what does not exist."""

from __future__ import annotations

import asyncio
import re
from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from services.common.clients.reader import RegistryReader
from services.common.clients.retention import RegisterFile
from services.common.contracts.fields import MAX_NOTE, MAX_OPINION
from services.common.contracts.retention import (
    DESTRUCTION_STATUS_NAMES,
    NewHold,
    Sweep,
    SweepRequest,
)
from services.common.errors import ArchiveError, Forbidden, NotFound
from services.common.names import tidied_household, typed_items, written
from services.common.paging import LIST_PAGE
from services.common.web import PAGES_PREFIX, attachment, name_part
from services.web.failures import (
    answered,
    hidden_if_refused,
    outcome_values,
    page_token,
    refusal_code,
    refused_at,
    see,
)
from services.web.forms import FORM, PageForm, text, texts
from services.web.links import HOLDS_URL, destruction_url, sweep_url
from services.web.names import CATEGORY_BY_CODE, CLASS_BY_CODE
from services.web.page import Page, PageNumber
from services.web.pager import asked_page, rows_before
from services.web.retention_page import (
    DECISION_NAMES,
    FIRST_HOLDS_PAGES,
    HoldsPages,
    abilities,
    destroyed_lines,
    destruction_page,
    holds_part,
    may_read,
    may_read_register,
    placed_outcome,
    schedule_lines,
    sweep_page,
    sweep_status_name,
    unknown_archive_nos,
)
from services.web.session import Reader
from services.web.signing import SignatureForm, signed

RETENTION_URL = f"{PAGES_PREFIX}/retention"
DECISIONS = ("destroy", "keep", "reappraise")


class NoteForm(PageForm):
    note: str = ""


class AppraisalForm(PageForm):
    document_id: str = ""
    decision: str = ""
    opinion: str = ""


class HoldForm(PageForm):
    reason: str = ""
    documents: str = ""
    household: str = ""
    category: str = ""


class RetentionPages(Controller):
    path = "/retention"

    @get("/", operation_id="retentionPage")
    async def retention(self, page: NamedDependency[Page],
                        registry: NamedDependency[RegistryReader],
                        preview: FromQuery[str] = "") -> Response[str]:
        """The schedule, the sweeps and registers; ``?preview=1``: what a sweep started
        now would list (a dry run: nothing recorded)."""
        token = page_token(page.reader, may_read)
        can = abilities(page.reader.principal)
        schedule = await registry.schedule(token)
        sweeps = await hidden_if_refused(registry.sweeps(token))
        destructions = await hidden_if_refused(registry.destructions(token))
        dry_run: Sweep | None = None
        if preview and can.sweep:
            dry_run = await registry.start_sweep(token, SweepRequest(dry_run=True))
        return page.render("retention.html", schedule=schedule,
                           lines=schedule_lines(schedule), classes=CLASS_BY_CODE, sweeps=sweeps,
                           category_names=CATEGORY_BY_CODE, sweep_status_name=sweep_status_name,
                           destruction_status_names=DESTRUCTION_STATUS_NAMES,
                           destructions=destructions, dry_run=dry_run, can=can)

    @post("/schedule", operation_id="replaceScheduleForm")
    async def schedule(self, request: Request[Any, Any, Any], reader: NamedDependency[Reader],
                       registry: NamedDependency[RegistryReader]) -> Redirect:
        token = page_token(reader, may_read)
        form = await request.form()
        classes = {category: text(form, f"class_{category}") for category in CATEGORY_BY_CODE}
        try:
            years = {name: int(text(form, f"years_{name}")) for name in ("long", "short")}
        except ValueError:
            return see(RETENTION_URL, refused="years_required")
        return await answered(registry.replace_schedule(token, classes, years), RETENTION_URL,
                              done="schedule")

    @post("/sweeps", operation_id="startSweepForm")
    async def start(self, reader: NamedDependency[Reader],
                    registry: NamedDependency[RegistryReader],
                    data: Annotated[PageForm, FORM]) -> Redirect:
        token = page_token(reader, may_read)
        try:
            sweep = await registry.start_sweep(token, SweepRequest())
        except ArchiveError as exc:
            # At the top, where the page says the refusal: a nothing_due from a preview
            # gone stale (the documents swept since) must not scroll past it.
            return see(RETENTION_URL, refused=refusal_code(exc))
        assert sweep.sweep_id is not None
        if sweep.left_on_loan:  # due, but out on loan: the page says to chase them
            return see(sweep_url(sweep.sweep_id), done="started",
                       lent=str(len(sweep.left_on_loan)))
        return see(sweep_url(sweep.sweep_id), done="started")


class SweepPages(Controller):
    path = "/sweeps"

    @get("/{sweep_id:str}", operation_id="sweepPage")
    async def sweep(self, sweep_id: FromPath[str], page: NamedDependency[Page],
                    registry: NamedDependency[RegistryReader], today: NamedDependency[date],
                    lent: FromQuery[int] = 0, page_number: PageNumber = None,
                    item: FromQuery[str] = "") -> Response[str]:
        """The sweep, its items ``LIST_PAGE`` a page (``?page=``, or the page holding
        ``?item=``, a document's id); ``lent``: how many documents due its start left out,
        out on loan."""
        token = page_token(page.reader, may_read)
        record = await hidden_if_refused(registry.sweep(token, sweep_id))
        outcome = outcome_values(page.request)
        return page.render("sweep.html", view=sweep_page(page.reader.principal, record,
                                                         today=today,
                                                         refused=outcome["refused"],
                                                         at=outcome["at"], page=page_number,
                                                         item=item[:64]),
                           decisions=DECISIONS, decision_names=DECISION_NAMES,
                           lent=max(lent, 0))

    @post("/{sweep_id:str}/appraisals", operation_id="appraiseForm")
    async def appraise(self, sweep_id: FromPath[str], reader: NamedDependency[Reader],
                       registry: NamedDependency[RegistryReader],
                       data: Annotated[AppraisalForm, FORM]) -> Redirect:
        token = page_token(reader, may_read)
        item = f"item-{data.document_id}" if re.fullmatch(r"[\w-]{1,64}",
                                                          data.document_id) else ""
        opinion = written(data.opinion)
        if data.decision not in DECISIONS:
            return refused_at(sweep_url(sweep_id), item, "decision_required")
        if not opinion:
            return refused_at(sweep_url(sweep_id), item, "opinion_required")
        return await answered(registry.appraise(
            token, sweep_id, document_id=data.document_id, decision=data.decision,
            opinion=opinion[:MAX_OPINION]), sweep_url(sweep_id), done="appraised",
            refused_form=item, done_at=item or None)

    @post("/{sweep_id:str}/{move:str}", operation_id="decideSweepForm")
    async def decide(self, sweep_id: FromPath[str], move: FromPath[str],
                     reader: NamedDependency[Reader], registry: NamedDependency[RegistryReader],
                     data: Annotated[NoteForm, FORM]) -> Redirect:
        token = page_token(reader, may_read)
        if move not in ("approve", "reject"):
            raise NotFound("no such move", code="not_found")
        note = written(data.note)[:MAX_NOTE]
        if move == "reject" and not note:
            return see(sweep_url(sweep_id), refused="reason_required")
        return await answered(registry.decide_sweep(
            token, sweep_id, "approve" if move == "approve" else "reject", note or None),
            sweep_url(sweep_id), done=move)

    @post("/{sweep_id:str}/destruction", operation_id="registerDestructionForm")
    async def register(self, sweep_id: FromPath[str], request: Request[Any, Any, Any],
                       reader: NamedDependency[Reader],
                       registry: NamedDependency[RegistryReader]) -> Redirect:
        """A destruction register of the items chosen (held ones left out by default)."""
        token = page_token(reader, may_read)
        form = await request.form()
        documents = texts(form, "documents")
        if not documents:
            return see(sweep_url(sweep_id), refused="no_documents")
        try:
            created = await registry.create_destruction(token, sweep_id, documents)
        except ArchiveError as exc:
            return see(sweep_url(sweep_id), refused=refusal_code(exc))
        return see(destruction_url(created.destruction_id), done="registered")


class DestructionPages(Controller):
    path = "/destructions"

    @get("/{destruction_id:str}", operation_id="destructionPage")
    async def destruction(self, destruction_id: FromPath[str], page: NamedDependency[Page],
                          registry: NamedDependency[RegistryReader]) -> Response[str]:
        return await _destruction(page, registry, destruction_id, "destruction.html")

    @get("/{destruction_id:str}/progress", operation_id="destructionProgress")
    async def progress(self, destruction_id: FromPath[str], page: NamedDependency[Page],
                       registry: NamedDependency[RegistryReader]) -> Response[str]:
        """The items as they stand, polled while the register is executing."""
        return await _destruction(page, registry, destruction_id, "_destruction_items.html")

    @get("/{destruction_id:str}/register.pdf", operation_id="destructionRegisterPdf")
    async def register_pdf(self, destruction_id: FromPath[str], reader: NamedDependency[Reader],
                           registry: NamedDependency[RegistryReader]) -> Response[bytes]:
        return await _register_file(reader, registry, destruction_id, "pdf")

    @get("/{destruction_id:str}/register.csv", operation_id="destructionRegisterCsv")
    async def register_csv(self, destruction_id: FromPath[str], reader: NamedDependency[Reader],
                           registry: NamedDependency[RegistryReader]) -> Response[bytes]:
        return await _register_file(reader, registry, destruction_id, "csv")

    @post("/{destruction_id:str}/witness", operation_id="witnessForm")
    async def witness(self, destruction_id: FromPath[str], reader: NamedDependency[Reader],
                      registry: NamedDependency[RegistryReader],
                      data: Annotated[SignatureForm, FORM]) -> Redirect:
        """R6: the signed-in person signs as witness with their password, re-entered."""
        token = page_token(reader, may_read_register)
        return await signed(data, destruction_url(destruction_id), lambda password, digest:
                            registry.witness(token, destruction_id, password=password,
                                             digest=digest))

    @post("/{destruction_id:str}/execute", operation_id="executeForm")
    async def execute(self, destruction_id: FromPath[str], reader: NamedDependency[Reader],
                      registry: NamedDependency[RegistryReader],
                      data: Annotated[PageForm, FORM]) -> Redirect:
        token = page_token(reader, may_read)
        return await answered(registry.execute_destruction(token, destruction_id),
                              destruction_url(destruction_id), done="executing")

    @post("/{destruction_id:str}/cancel", operation_id="cancelDestructionForm")
    async def cancel(self, destruction_id: FromPath[str], reader: NamedDependency[Reader],
                     registry: NamedDependency[RegistryReader],
                     data: Annotated[PageForm, FORM]) -> Redirect:
        """Withdraw the register (撤回清册): its items wait on their sweep for another."""
        token = page_token(reader, may_read)
        return await answered(registry.cancel_destruction(token, destruction_id),
                              destruction_url(destruction_id), done="cancelled")


async def _destruction(page: Page, registry: RegistryReader, destruction_id: str,
                       template: str) -> Response[str]:
    """The register as the reader sees it, in ``template``: the page and its polled items
    show the same."""
    token = page_token(page.reader, may_read_register)
    record = await hidden_if_refused(registry.destruction(token, destruction_id))
    return page.render(template, view=destruction_page(page.reader.principal, record),
                       category_names=CATEGORY_BY_CODE)


async def _register_file(reader: Reader, registry: RegistryReader, destruction_id: str,
                         kind: RegisterFile) -> Response[bytes]:
    """The printable register through the pages (the cookie is not a bearer token)."""
    token = page_token(reader, may_read_register)
    content, _ = await hidden_if_refused(registry.register_file(token, destruction_id, kind))
    return attachment(content, f"register-{name_part(destruction_id)}", kind)


SHOWN_HELD_DOCUMENTS = 10
"""A hold's documents the list names by archive number; the rest are counted."""


async def _holds_page(page: Page, registry: RegistryReader, form: HoldForm, *,
                      pages: HoldsPages = FIRST_HOLDS_PAGES, refused: str | None = None,
                      destroyed: object = None, unknown: object = None,
                      status_code: int = 200) -> Response[str]:
    """The holds page at ``pages``, its form filled with ``form`` (what was typed, when
    refused), and the destroyed or unknown documents a refusal names (``destroyed``,
    ``unknown``, as the registry lists them). Each part is counted, then its page read
    (R7: every active hold is on a page, and the page holding ``pages.hold`` is found
    by its place in the list), however many holds the archive has."""
    token = page_token(page.reader, may_read)
    active_count, released_count = await asyncio.gather(
        hidden_if_refused(registry.hold_count(token, status="active",
                                              hold_id=pages.hold or None)),
        hidden_if_refused(registry.hold_count(token, status="released")))
    pages = pages.within(active_count, released_count)
    active, released = await asyncio.gather(
        hidden_if_refused(registry.holds(token, status="active", limit=LIST_PAGE,
                                         offset=rows_before(pages.page))),
        hidden_if_refused(registry.holds(token, status="released", limit=LIST_PAGE,
                                         offset=rows_before(pages.released_page))))
    shown = {} if refused is None else {"refused": refused, "done": ""}
    return page.render(
        "holds.html", status_code=status_code,
        active=holds_part(active, active_count.count, pages.page,
                          lambda number: pages.url(page=number)),
        released=holds_part(released, released_count.count, pages.released_page,
                            lambda number: pages.url(released_page=number)),
        shown_documents=SHOWN_HELD_DOCUMENTS, can=abilities(page.reader.principal),
        categories=CATEGORY_BY_CODE, form=form, destroyed=destroyed_lines(destroyed),
        unknown=unknown_archive_nos(unknown), **shown)


class HoldPages(Controller):
    path = "/holds"

    @get("/", operation_id="holdsPage")
    async def holds(self, page: NamedDependency[Page], registry: NamedDependency[RegistryReader],
                    document: FromQuery[str] = "", page_number: PageNumber = None,
                    released_page: FromQuery[int | None] = None,
                    hold: FromQuery[str] = "") -> Response[str]:
        """Active holds, then released ones, ``LIST_PAGE`` a page each (``?page=``, or the
        page holding ``?hold=``, an active hold's id; ``?released_page=``); ``?document=``
        (an id, e.g. from a sweep's item) fills the form with that document's archive
        number (档号), as the field asks and as the folder reads; one the reader may not
        see stays as given."""
        token = page_token(page.reader, may_read)
        typed = document.strip()[:64]
        try:
            named = (await registry.get_document(typed, token=token)).archive_no if typed else ""
        except (NotFound, Forbidden):
            named = typed
        return await _holds_page(page, registry, HoldForm(documents=named), pages=HoldsPages(
            page=asked_page(page_number), released_page=asked_page(released_page),
            hold=hold[:64]))

    @post("/", operation_id="placeHoldForm")
    async def place(self, page: NamedDependency[Page],
                    registry: NamedDependency[RegistryReader],
                    data: Annotated[HoldForm, FORM]) -> Response[Any]:
        """Place a hold; refused, the form comes back as typed with the reason (422)."""
        token = page_token(page.reader, may_read)
        reason = written(data.reason)[:MAX_NOTE]
        documents = typed_items(data.documents)
        household, category = tidied_household(data.household), data.category.strip()
        destroyed = unknown = None
        if not reason:
            problem = "reason_required"
        elif bool(documents) == bool(household or category):
            problem = "hold_scope"
        else:
            try:
                hold = await registry.place_hold(token, NewHold(
                    reason=reason, documents=documents or None, household=household or None,
                    category=category or None))
            except NotFound as exc:
                problem = "unknown_document"
                unknown = exc.extra.get("documents")
            except ArchiveError as exc:
                problem = refusal_code(exc)
                if problem == "hold_exists":  # the same form sent twice: placed once
                    return see(HOLDS_URL, done="already_placed")
                destroyed = exc.extra.get("destroyed")  # R7: the evidence is gone
            else:
                return see(HOLDS_URL, done=placed_outcome(hold))
        return await _holds_page(page, registry, data, refused=problem, destroyed=destroyed,
                                 unknown=unknown, status_code=422)

    @post("/{hold_id:str}/release", operation_id="releaseHoldForm")
    async def release(self, hold_id: FromPath[str], reader: NamedDependency[Reader],
                      registry: NamedDependency[RegistryReader],
                      data: Annotated[NoteForm, FORM]) -> Redirect:
        token = page_token(reader, may_read)
        note = written(data.note)[:MAX_NOTE]
        if not note:
            return see(HOLDS_URL, refused="release_reason_required")
        return await answered(registry.release_hold(token, hold_id, note), HOLDS_URL,
                              done="released")
