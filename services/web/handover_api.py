"""The handover and catalogue pages' routes. Every action is a POST form with its CSRF
token, answered by a redirect (post/redirect/get) to the page with what was done, or with
the registry's refusal code, which the page says in words with what to do next. Someone
whose roles do not read handovers or catalogues gets the same not-found page as for what
does not exist; a handover's two signers read it whatever their roles (the registry
decides)."""

from __future__ import annotations

import asyncio
import re
from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Stream

from services.common.bagit import Bag, IngestSource, bag_info, tar_stream
from services.common.clients.ingest import IngestClient
from services.common.clients.operations import PrintedFile
from services.common.clients.reader import RegistryReader
from services.common.contracts.fields import MAX_NOTE, MAX_TEXT_REASON
from services.common.contracts.operations import SIDE_NAMES
from services.common.contracts.registry import DocumentRecord
from services.common.errors import ArchiveError, Forbidden, NotFound
from services.common.models import BUILDING, HOUSEHOLD, HOUSEHOLD_RE
from services.common.names import tidied_household, written
from services.common.web import attachment, name_part, streamed_attachment
from services.web.failures import (
    answered,
    hidden_if_refused,
    no_such_page,
    page_token,
    refusal_code,
    refused_at,
    see,
)
from services.web.forms import FORM, PageForm, text, texts
from services.web.handover_page import (
    HANDOVER_FIELDS,
    HANDOVERS_URL,
    UnclearedSigner,
    abilities,
    floors_of,
    handover_lines,
    handover_page,
    handover_request,
    handover_url,
    item_list_of,
    may_hand_over,
    may_print_catalogues,
    may_read_handovers,
    may_transfer,
    uncleared_signer,
)
from services.web.names import CATEGORY_BY_CODE
from services.web.offered import named_in, offered_documents
from services.web.page import Page
from services.web.session import Reader
from services.web.signing import SignatureForm, signed

PRINTABLE = re.compile(
    rf"general\.(pdf|csv)|floors/{BUILDING}/[0-9]{{1,3}}/(catalogue\.(pdf|csv)|closed\.pdf)"
    rf"|households/{HOUSEHOLD}/items\.(pdf|csv)|labels\.pdf")
"""The registry's printable catalogues and label sheets (``/registry/catalogues/...``)."""
PRINT_PARAMETERS = ("year", "kind", "building", "floor", "household")


class CancelForm(PageForm):
    reason: str = ""


class HandoverPages(Controller):
    path = "/handovers"

    @get("/", operation_id="handoversPage")
    async def handovers(self, page: NamedDependency[Page],
                        registry: NamedDependency[RegistryReader]) -> Response[str]:
        """Handovers open and completed, and the transfers out (移出) recorded, each with
        its bag to download (archivists)."""
        token = page_token(page.reader, may_read_handovers)
        summaries, transfers = await asyncio.gather(
            hidden_if_refused(registry.handovers(token)),
            hidden_if_refused(registry.transfers(token)))
        return page.render("handovers.html", lines=handover_lines(summaries),
                           transfers=transfers, can=abilities(page.reader.principal))

    @get("/transfers/{transfer_id:str}/bag.tar", operation_id="transferBagTar")
    async def transfer_bag(self, transfer_id: FromPath[str], reader: NamedDependency[Reader],
                           registry: NamedDependency[RegistryReader],
                           ingest: NamedDependency[IngestClient],
                           today: NamedDependency[date]) -> Stream | Redirect:
        """O1: a transfer out's BagIt bag as one tar, streamed as ingest sends each
        original (``services.common.bagit``), for the archivist as ``archive transfer``
        writes it; refused with the reason if some document is above their clearance."""
        token = page_token(reader, may_transfer)
        transfer = await hidden_if_refused(registry.transfer(token, transfer_id))
        try:
            info = bag_info(transfer, today)
        except Forbidden as exc:
            return see(HANDOVERS_URL, refused=exc.code)
        return streamed_attachment(tar_stream(info, IngestSource(ingest, token)),
                                   Bag(info).name, "tar")

    @get("/transfers/{transfer_id:str}/transfer-list.pdf",
         operation_id="transferOutListPdf")
    async def transfer_out_list_pdf(self, transfer_id: FromPath[str],
                                    reader: NamedDependency[Reader],
                                    registry: NamedDependency[RegistryReader]
                                    ) -> Response[bytes]:
        """The list of a transfer out (移出清单) for both sides to sign, through the pages."""
        content = await hidden_if_refused(registry.transfer_out_list(reader.token,
                                                                     transfer_id))
        return attachment(content, f"transfer-out-list-{name_part(transfer_id)}", "pdf")

    @get("/new", operation_id="newHandoverPage")
    async def new(self, page: NamedDependency[Page], registry: NamedDependency[RegistryReader],
                  household: FromQuery[str] = "") -> Response[str]:
        """The form: a household's documents (``?household=``) or those named
        (``?document=``, e.g. from search results) to choose from, or households typed."""
        token = page_token(page.reader, may_hand_over)
        asked = named_in(page.request)
        household = tidied_household(household[:64])
        offered = await offered_documents(registry, token, household=household, named=asked)
        return _form(page, offered=offered, chosen=set(asked) or None,
                     household=household, values={}, problem="")

    @post("/", operation_id="createHandoverForm")
    async def create(self, page: NamedDependency[Page],
                     registry: NamedDependency[RegistryReader]) -> Response[Any]:
        token = page_token(page.reader, may_hand_over)
        form = await page.request.form()
        chosen, offered_ids = texts(form, "documents"), texts(form, "offered")
        values = {name: text(form, name, limit=MAX_NOTE) for name in HANDOVER_FIELDS}
        household = tidied_household(text(form, "household", limit=64))
        handover, problem = handover_request(values, household, chosen, offered_ids)
        uncleared, unknown = None, ""
        if handover is not None:
            try:
                created = await registry.create_handover(token, handover)
            except NotFound as exc:
                problem, unknown = exc.code, str(exc.extra.get("household", ""))
            except ArchiveError as exc:
                problem, uncleared = refusal_code(exc), uncleared_signer(exc)
                if problem == "handover_exists":  # the same form sent twice: that one
                    return see(handover_url(str(exc.extra["handover_id"])), done="created")
            else:
                return see(handover_url(created.handover_id), done="created")
        offered = await offered_documents(registry, token, household=household,
                                          named=offered_ids)
        return _form(page, offered=offered, chosen=set(chosen), household=household,
                     values=values, problem=problem, uncleared=uncleared,
                     unknown_household=unknown, status_code=422)

    @get("/{handover_id:str}", operation_id="handoverPage")
    async def handover(self, handover_id: FromPath[str], page: NamedDependency[Page],
                       registry: NamedDependency[RegistryReader]) -> Response[str]:
        record = await hidden_if_refused(registry.handover(page.reader.token, handover_id))
        return page.render("handover.html",
                           view=handover_page(page.reader.principal, record),
                           can=abilities(page.reader.principal), side_names=SIDE_NAMES,
                           category_names=CATEGORY_BY_CODE)

    @post("/{handover_id:str}/sign", operation_id="signHandoverForm")
    async def sign(self, handover_id: FromPath[str], reader: NamedDependency[Reader],
                   registry: NamedDependency[RegistryReader],
                   data: Annotated[SignatureForm, FORM]) -> Redirect:
        """O1: the signed-in person signs their side with their password, re-entered."""
        return await signed(data, handover_url(handover_id), lambda password, digest:
                            registry.sign_handover(reader.token, handover_id,
                                                   password=password, digest=digest))

    @post("/{handover_id:str}/cancel", operation_id="cancelHandoverForm")
    async def cancel(self, handover_id: FromPath[str], reader: NamedDependency[Reader],
                     registry: NamedDependency[RegistryReader],
                     data: Annotated[CancelForm, FORM]) -> Redirect:
        """O1: an archivist cancels a handover not yet signed by both sides, saying why (a
        signer left); a new one is drawn up after. No reason is refused before asking."""
        url = handover_url(handover_id)
        reason = written(data.reason)[:MAX_TEXT_REASON]
        if not reason:
            return refused_at(url, "cancel", "reason_required")
        return await answered(registry.cancel_handover(reader.token, handover_id,
                                                       reason=reason),
                              url, done="cancelled", refused_form="cancel")

    @get("/{handover_id:str}/transfer-list.pdf", operation_id="handoverTransferListPdf")
    async def transfer_list_pdf(self, handover_id: FromPath[str],
                                reader: NamedDependency[Reader],
                                registry: NamedDependency[RegistryReader]) -> Response[bytes]:
        return await _transfer_list(reader, registry, handover_id, "pdf")

    @get("/{handover_id:str}/transfer-list.csv", operation_id="handoverTransferListCsv")
    async def transfer_list_csv(self, handover_id: FromPath[str],
                                reader: NamedDependency[Reader],
                                registry: NamedDependency[RegistryReader]) -> Response[bytes]:
        return await _transfer_list(reader, registry, handover_id, "csv")


async def _transfer_list(reader: Reader, registry: RegistryReader, handover_id: str,
                         kind: PrintedFile) -> Response[bytes]:
    """The transfer list through the pages (the cookie is not a bearer token)."""
    content, _ = await hidden_if_refused(registry.transfer_list(reader.token, handover_id, kind))
    return attachment(content, f"transfer-list-{name_part(handover_id)}", kind)


def _form(page: Page, *,
          offered: list[DocumentRecord], chosen: set[str] | None, household: str,
          values: dict[str, str], problem: str, uncleared: UnclearedSigner | None = None,
          unknown_household: str = "", status_code: int = 200) -> Response[str]:
    """``chosen`` None: every document offered is ticked; ``uncleared``: the side a
    ``signer_not_cleared`` ``problem`` names; ``unknown_household``: the unit code typed
    that an ``unknown_household`` ``problem`` names."""
    return page.render("handover_new.html", status_code=status_code,
                       offered=offered,
                       chosen=chosen, household=household, values=values, problem=problem,
                       uncleared=uncleared, unknown_household=unknown_household)


class CataloguePages(Controller):
    path = "/catalogues"

    @get("/", operation_id="cataloguesPage")
    async def catalogues(self, page: NamedDependency[Page],
                         registry: NamedDependency[RegistryReader], this_year: NamedDependency[int],
                         year: FromQuery[str] = "",
                         household: FromQuery[str] = "") -> Response[str]:
        """The general catalogue, each floor's file catalogue and labels, the floors with
        parts closed in ``year`` (D3), and a household's item list (``?household=``)."""
        token = page_token(page.reader, may_print_catalogues)
        problem = ""
        chosen = int(year) if year.strip().isdigit() else this_year
        if year and not year.strip().isdigit():
            problem = "not_a_year"
        household = tidied_household(household[:64])
        if household and not HOUSEHOLD_RE.match(household):
            problem, household = "invalid_household", ""
        files = await hidden_if_refused(registry.general_catalogue(token))
        household, unknown = item_list_of(household, files)
        try:
            closed = await hidden_if_refused(registry.closed_floors(token, chosen))
        except ArchiveError as exc:
            problem, closed = refusal_code(exc), []
        return page.render("catalogues.html", status_code=422 if problem or unknown else 200,
                           floors=floors_of(files), closed=closed, year=chosen,
                           household=household, unknown=unknown, problem=problem)

    @get("/print/{path:path}", operation_id="cataloguePrint")
    async def printed(self, path: FromPath[str], request: Request[Any, Any, Any],
                      reader: NamedDependency[Reader],
                      registry: NamedDependency[RegistryReader]) -> Response[bytes]:
        """A catalogue or label sheet through the pages (the cookie is not a bearer
        token); anything but the registry's printable files is not found."""
        token = page_token(reader, may_print_catalogues)
        wanted = path.lstrip("/")
        if not PRINTABLE.fullmatch(wanted):
            raise no_such_page()
        params = {name: str(request.query_params[name])[:16] for name in PRINT_PARAMETERS
                  if name in request.query_params}
        content, _ = await hidden_if_refused(registry.catalogue_file(token, wanted, params))
        stem, kind = wanted.replace("/", "-").rsplit(".", 1)
        # The parameters in the name, so that a floor's labels and a household's are not
        # both saved as labels.pdf (the second as "labels (1).pdf").
        named = "-".join([stem, *(name_part(value) for value in params.values())])
        return attachment(content, named, "csv" if kind == "csv" else "pdf")  # PRINTABLE

