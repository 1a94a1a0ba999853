"""The loan and statistics pages' routes. Every action is a POST form with its CSRF
token, answered by a redirect (post/redirect/get): to the loan with what was done, or
with the registry's refusal code, which the page says in words with what to do next."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any, cast

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from services.common.approvals import APPROVERS, DESK, REGISTER_READERS
from services.common.clients.reader import RegistryReader
from services.common.config import Settings
from services.common.contracts.fields import MAX_NOTE
from services.common.contracts.lending import LoanKind, LoanRequest, WrittenExternalReader
from services.common.errors import ArchiveError, NotFound, ValidationFailed
from services.common.names import tidied_household, written
from services.common.paging import LIST_PAGE
from services.common.retention import WITNESS_ROLES
from services.web.failures import answered, page_token, refusal_code, see
from services.web.forms import FORM, PageForm, text, texts
from services.web.loans_page import (
    EXTERNAL_FIELDS,
    LOANS_URL,
    MOVES,
    REGISTERS,
    IncidentLine,
    Register,
    RequestForm,
    incident_lines,
    loan_page,
    loan_url,
    loans_page,
    offered_groups,
)
from services.web.offered import named_in, offered_documents
from services.web.page import Page, PageNumber
from services.web.pager import asked_page, rows_before
from services.web.session import Reader
from services.web.statistics_page import YEARS, parse_year, statistics_page
from services.web.statistics_page import may_read as may_read_statistics


class MoveForm(PageForm):
    note: str = ""
    intact: str = ""
    renewals: str = ""
    """续借's form: the renewals the page showed, so the same form sent twice renews once."""


class LoanPages(Controller):
    path = "/loans"

    @get("/", operation_id="loansPage")
    async def loans(self, page: NamedDependency[Page], registry: NamedDependency[RegistryReader],
                    show: FromQuery[str] = "all", page_number: PageNumber = None,
                    mine_page: FromQuery[int | None] = None) -> Response[str]:
        """My loans; the requests waiting for my approval; the destruction registers
        waiting for my signature as a witness (R6); the register (overdue, escalated),
        ``LIST_PAGE`` loans a page (``?page=``: ten years of loans are thousands; my own,
        ``?mine_page=``, as the corrections page has it); my notifications, marked read
        once shown; the desk's open incidents to resolve."""
        token, principal = page.reader.token, page.reader.principal
        shown: Register = next((kind for kind in REGISTERS if kind == show), "all")
        register_page, own_page = asked_page(page_number), asked_page(mine_page)
        register_reader = principal.has_role(*REGISTER_READERS)

        async def nothing() -> None:
            return None

        filters = {"all": {}, "overdue": {"overdue": True}, "escalated": {"escalated": True}}
        mine, awaiting, to_witness, register, notifications, incidents = await asyncio.gather(
            registry.loans(token, limit=LIST_PAGE + 1, offset=rows_before(own_page),
                           borrower=principal.username),
            registry.awaiting_loans(token) if principal.has_role(*APPROVERS) else nothing(),
            registry.awaiting_signature(token) if principal.has_role(*WITNESS_ROLES)
            else nothing(),
            # One more than a page holds: one past it says another page follows.
            registry.loans(token, limit=LIST_PAGE + 1, offset=rows_before(register_page),
                           **filters[shown]) if register_reader else nothing(),
            registry.notifications(token),
            _incidents(registry, token) if principal.has_role(*DESK) else nothing())
        unread = [notice.notification_id for notice in notifications if notice.read_at is None]
        if unread:
            # Shown is read: the page marks them, and the count on every page drops.
            await registry.mark_read(token, unread)
        view = loans_page(mine=mine, awaiting=awaiting, register=register, shown=shown,
                          register_page=register_page, mine_page=own_page,
                          notifications=notifications, incidents=incidents,
                          to_witness=to_witness)
        return page.render("loans.html", view=view)

    @post("/incidents/{incident_id:str}/resolve", operation_id="resolveIncidentForm")
    async def resolve_incident(self, incident_id: FromPath[str],
                               reader: NamedDependency[Reader],
                               registry: NamedDependency[RegistryReader],
                               data: Annotated[MoveForm, FORM]) -> Redirect:
        """B5: the desk closes a loss or damage report with what was done."""
        note = written(data.note)[:MAX_NOTE]
        if not note:
            return see(LOANS_URL, refused="resolution_required")
        return await answered(registry.resolve_incident(reader.token, incident_id, note),
                              LOANS_URL, done="resolved")

    @get("/new", operation_id="newLoanPage")
    async def new(self, page: NamedDependency[Page], registry: NamedDependency[RegistryReader],
                  household: FromQuery[str] = "") -> Response[str]:
        """The request form, for the documents named (``?document=``, from a document
        page) or chosen among a household's (``?household=``)."""
        asked = named_in(page.request)
        household = tidied_household(household[:64])
        offered = await offered_documents(registry, page.reader.token, household=household,
                                          named=asked)
        if not offered:
            raise NotFound("nothing to borrow", code="not_found")
        return page.render("loan_new.html", offered=offered, chosen=set(asked),
                           groups=offered_groups(offered, set(asked)),
                           household=household, form=RequestForm({}))

    @post("/", operation_id="requestLoanForm")
    async def request_loan(self, page: NamedDependency[Page],
                           registry: NamedDependency[RegistryReader]) -> Response[Any]:
        form = await page.request.form()
        documents = texts(form, "documents")
        values = {name: text(form, name)
                  for name in ("kind", "purpose", "reason", "household",
                               *(f"external_{field}" for field in EXTERNAL_FIELDS))}
        problem, refusal = _problem(documents, values), {}
        if not problem:
            try:
                loan = await registry.request_loan(page.reader.token, LoanRequest(
                    documents=documents, kind=cast(LoanKind, values["kind"]),  # _problem checked it
                    purpose=values["purpose"],
                    reason=values["reason"], external=_external(values)))
            except ArchiveError as exc:
                problem, refusal = refusal_code(exc), exc.extra
                if problem == "already_requested" and isinstance(exc.extra.get("loan_id"), str):
                    return see(loan_url(exc.extra["loan_id"]), refused=problem)
            else:
                return see(loan_url(loan.loan_id), done="requested")
        offered = await offered_documents(registry, page.reader.token,
                                          household=values["household"][:64], named=documents)
        return page.render("loan_new.html", status_code=422, offered=offered,
                           chosen=set(documents), groups=offered_groups(offered, set(documents)),
                           household=values["household"],
                           form=RequestForm(values, problem, refusal))

    @get("/{loan_id:str}", operation_id="loanPage")
    async def loan(self, loan_id: FromPath[str], page: NamedDependency[Page],
                   registry: NamedDependency[RegistryReader],
                   now: NamedDependency[datetime], settings: NamedDependency[Settings]
                   ) -> Response[str]:
        record = await registry.loan(page.reader.token, loan_id)
        return page.render("loan.html", view=loan_page(
            page.reader.principal, record, now=now,
            max_renewals=settings.loan_max_renewals, zone=settings.time_zone))

    @post("/{loan_id:str}/{move:str}", operation_id="moveLoan")
    async def move(self, loan_id: FromPath[str], move: FromPath[str],
                   reader: NamedDependency[Reader], registry: NamedDependency[RegistryReader],
                   data: Annotated[MoveForm, FORM]) -> Redirect:
        if move not in MOVES:
            raise NotFound("no such move", code="not_found")
        note = written(data.note)[:MAX_NOTE]
        body: dict[str, Any] | None = None
        if move == "approve":
            body = {"note": note or None}
        elif move == "reject":
            if not note:
                return see(loan_url(loan_id), refused="reason_required")
            body = {"reason": note}
        elif move == "renew" and data.renewals.isascii() and data.renewals.isdigit():
            body = {"renewals": int(data.renewals)}
        elif move == "return":
            if data.intact not in ("yes", "no"):
                return see(loan_url(loan_id), refused="intact_required")
            if data.intact == "no" and not note:
                return see(loan_url(loan_id), refused="damage_note_required")
            body = {"intact": data.intact == "yes", "note": note or None}
        return await answered(registry.move_loan(reader.token, loan_id, move, body),
                              loan_url(loan_id), done=move)


class StatisticsPages(Controller):
    path = "/statistics"

    @get("/", operation_id="statisticsPage")
    async def statistics(self, page: NamedDependency[Page],
                         registry: NamedDependency[RegistryReader],
                         year: FromQuery[str] = "") -> Response[str]:
        """The year's report (O2) with its charts; a year not begun, or not a year, gets the
        page saying so."""
        token = page_token(page.reader, may_read_statistics)
        problem, view, status = "", None, 200
        try:
            view = statistics_page(await registry.year_report(token, parse_year(year)))
        except ValueError:
            problem, status = "not_a_year", 422
        except ValidationFailed as exc:
            problem, status = exc.code, exc.status
        except ArchiveError as exc:
            if exc.status != 400:
                raise
            problem, status = "not_a_year", 422
        return page.render("statistics.html", status_code=status, view=view,
                           problem=problem, year=year[:8], years=YEARS)


def _problem(documents: list[str], values: dict[str, str]) -> str:
    """What the request form lacks, checked before asking the registry."""
    if not documents:
        return "no_documents"
    if values["kind"] not in ("paper", "digital"):
        return "kind_required"
    if not values["purpose"] or not values["reason"]:
        return "purpose_required"
    if any(len(values[name]) > MAX_NOTE for name in ("purpose", "reason")):
        return "too_long"
    external = [values[f"external_{field}"] for field in EXTERNAL_FIELDS]
    if any(external) and not all(external):
        return "external_incomplete"
    if any(len(value) > 200 for value in external):
        return "too_long"
    return ""


def _external(values: dict[str, str]) -> WrittenExternalReader | None:
    if not values["external_name"]:
        return None
    return WrittenExternalReader(**{field: values[f"external_{field}"]
                                    for field in EXTERNAL_FIELDS})


async def _incidents(registry: RegistryReader, token: str) -> list[IncidentLine]:
    """The latest open incidents, each with its loan's documents (one call per loan)."""
    incidents = await registry.incidents(token, open_only=True)
    loan_ids = list(dict.fromkeys(incident.loan_id for incident in incidents))
    loans = await asyncio.gather(*(registry.loan(token, loan_id) for loan_id in loan_ids))
    return incident_lines(incidents, {loan.loan_id: loan for loan in loans})
