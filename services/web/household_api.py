"""The household page's routes (``/ui/households/{household}``): the file a page at a
time, and, for an archivist, the forms that record a new occupant and a move-out (D2,
D3). A form that would close the current occupant's part is shown again to be confirmed
first, saying what it does (its ``confirm`` field says it was, its ``closes`` field the
occupancy it showed closing: if someone recorded another change meanwhile, it is refused,
409 ``occupants_changed``, rather than close a part nobody confirmed); done, the page says what
changed (``?done=`` and the ``occupancy`` concerned); refused, the page is shown again
with the form as typed, saying why and what to do."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import date
from typing import Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from services.common.clients.reader import RegistryReader
from services.common.contracts.households import Household
from services.common.contracts.registry import Departure, DocumentRecord, in_file
from services.common.errors import ArchiveError
from services.common.names import tidied_household
from services.common.paging import LIST_PAGE
from services.common.retention import RETENTION_READERS
from services.web.failures import page_token, refusal_code, see
from services.web.forms import text
from services.web.household_page import (
    Confirmation,
    closed_parts,
    confirmation,
    confirmed_closing,
    current_occupancy,
    file_view,
    household_page,
    may_change_occupants,
    move_out_problem,
    occupant_problem,
    outcome,
    registered_as_asked,
    registration_problem,
    typed_day,
)
from services.web.households_page import finding, households_view
from services.web.limits import LIMITS
from services.web.links import household_url
from services.web.occupancy_correction import pending_corrections
from services.web.page import Page, PageNumber

OCCUPANTS_ANCHOR = "#occupants"
REGISTRATION_FIELDS = ("household", "occupant", "moved_in")
"""The form registering a household (开户) on the households page."""


@dataclass(frozen=True)
class _File:
    """A household's file as the registry answers it: the household, its documents (those
    that left it too) and how those left it."""

    household: Household
    records: list[DocumentRecord]
    departures: list[Departure]


class HouseholdPages(Controller):
    path = "/households"

    @get("/", operation_id="householdsPage")
    async def households(self, page: NamedDependency[Page],
                         registry: NamedDependency[RegistryReader], q: FromQuery[str] = "",
                         page_number: PageNumber = None) -> Response[str]:
        """Find a household by its unit code or an occupant's name (``households_page``)."""
        found = finding(q, page_number)
        households = await registry.households(page.reader.token, found.typed,
                                               limit=LIST_PAGE + 1, offset=found.offset)
        return page.render("households.html", view=households_view(found, households),
                           may_register=may_change_occupants(page.reader.principal),
                           problem="", values=dict.fromkeys(REGISTRATION_FIELDS, ""))

    @post("/", operation_id="registerHouseholdForm")
    async def register(self, page: NamedDependency[Page],
                       registry: NamedDependency[RegistryReader],
                       today: NamedDependency[date]) -> Response[Any]:
        """An archivist registers a household (开户, D1), and its first occupant if typed
        (D2): done, its page; refused, this page again with the form as typed saying why."""
        token = page_token(page.reader, may_change_occupants)
        form = await page.request.form()
        values = {"household": text(form, "household", limit=40),
                  "occupant": text(form, "occupant", limit=LIMITS.name + 1),
                  "moved_in": text(form, "moved_in", limit=40)}
        moved_in = typed_day(values["moved_in"])
        household = tidied_household(values["household"])
        problem = registration_problem(household, values["occupant"], values["moved_in"],
                                       moved_in, today=today, longest=LIMITS.name)
        if not problem:
            try:
                registered = await registry.register_household(
                    token, household, occupant=values["occupant"] or None, moved_in=moved_in)
            except ArchiveError as exc:
                problem = refusal_code(exc)
                if problem == "household_exists":
                    registered = await registry.household(token, household)
                    if registered_as_asked(registered, values["occupant"], moved_in):
                        problem = ""
            if not problem:
                occupancy = current_occupancy(registered)
                if occupancy is None:
                    return see(household_url(registered.household), OCCUPANTS_ANCHOR)
                return see(household_url(registered.household), done="occupant_added",
                           occupancy=str(occupancy.occupancy_id))
        households = await registry.households(page.reader.token, "", limit=LIST_PAGE + 1,
                                               offset=0)
        return page.render("households.html", status_code=409 if problem ==
                           "household_exists" else 422,
                           view=households_view(finding("", None), households),
                           may_register=True, problem=problem, values=values)

    @get("/{household:str}", operation_id="householdPage")
    async def household(self, household: FromPath[str], page: NamedDependency[Page],
                        registry: NamedDependency[RegistryReader], category: FromQuery[str] = "",
                        part: FromQuery[str] = "", occupancy: FromQuery[str] = "",
                        page_number: PageNumber = None) -> Response[str] | Redirect:
        if (code := tidied_household(household)) != household:
            return Redirect(household_url(code))  # a0906 typed in the address is A-0906
        file = await self._file(page, registry, household)
        record = file.household
        done = outcome(record, file.records, page.request.query_params.get("done", ""),
                       occupancy[:20])
        # D12: an archivist sees which occupancies wait for a correction already
        waiting = await registry.corrections(page.reader.token, status="pending",
                                             household=record.household) \
            if may_change_occupants(page.reader.principal) else []
        holds = await registry.holds_bearing_on(page.reader.token, record.household) \
            if page.reader.principal.has_role(*RETENTION_READERS) else []
        return page.render("household.html", view=household_page(
            page.reader.principal, record, file.records,
            file_view(household, category=category, part=part, page=page_number),
            departures=file.departures, outcome=done,
            pending=frozenset(pending_corrections(waiting)), holds=holds))

    @post("/{household:str}/occupants", operation_id="changeOccupantForm")
    async def new_occupant(self, household: FromPath[str], page: NamedDependency[Page],
                           registry: NamedDependency[RegistryReader],
                           today: NamedDependency[date]) -> Response[Any]:
        token = page_token(page.reader, may_change_occupants)
        form = await page.request.form()
        values = {"occupant": text(form, "occupant", limit=LIMITS.name + 1),
                  "moved_in": text(form, "moved_in", limit=40)}
        moved_in = typed_day(values["moved_in"])
        closes = confirmed_closing(text(form, "confirm"), text(form, "closes", limit=20))
        file = await self._file(page, registry, household)
        problem, wrong = occupant_problem(values["occupant"], moved_in,
                                          current=current_occupancy(file.household),
                                          closes=closes, today=today, longest=LIMITS.name)
        if problem or moved_in is None:
            return self._refused_page(page, file, problem, wrong, values)
        if closes is None:
            asked = confirmation(file.household, file.records, "occupant", moved_in,
                                 values["occupant"])
            if asked is not None:
                return self._confirm(page, file, asked, values)
        return await self._changed(
            page, registry, household, values, "moved-in", "occupant_added",
            registry.change_occupant(token, household, values["occupant"], moved_in,
                                     closes=closes))

    @post("/{household:str}/move-out", operation_id="moveOutForm")
    async def move_out(self, household: FromPath[str], page: NamedDependency[Page],
                       registry: NamedDependency[RegistryReader],
                       today: NamedDependency[date]) -> Response[Any]:
        token = page_token(page.reader, may_change_occupants)
        form = await page.request.form()
        values = {"moved_out": text(form, "moved_out", limit=40)}
        moved_out = typed_day(values["moved_out"])
        closes = confirmed_closing(text(form, "confirm"), text(form, "closes", limit=20))
        file = await self._file(page, registry, household)
        current = current_occupancy(file.household)
        problem, wrong = move_out_problem(moved_out, current=current, closes=closes,
                                          today=today)
        if problem or moved_out is None:
            return self._refused_page(page, file, problem, wrong, values)
        if closes is None:
            asked = confirmation(file.household, file.records, "move_out", moved_out)
            if asked is not None:
                return self._confirm(page, file, asked, values)
            return self._refused_page(page, file, "vacant", "", values)
        return await self._changed(
            page, registry, household, values, "moved-out", "moved_out",
            registry.move_out(token, household, moved_out, closes=closes))

    async def _file(self, page: Page, registry: RegistryReader, household: str) -> _File:
        """The file; how its documents left it is asked only when some did."""
        token = page.reader.token
        record, documents = await asyncio.gather(registry.household(token, household),
                                                 registry.household_file(token, household))
        gone = not all(in_file(document) for document in documents)
        return _File(record, documents,
                     await registry.departures(token, household) if gone else [])

    async def _changed(self, page: Page, registry: RegistryReader, household: str,
                       values: dict[str, str], field: str, done: str,
                       change: Awaitable[Household]) -> Response[Any]:
        """Await ``change`` and show the page saying it was ``done`` to the occupancy it
        closed (a move-out) or opened (a new occupant); refused, the form again saying
        why (``field`` to correct, unless the household's state refused it, 409)."""
        try:
            changed = await change
        except ArchiveError as exc:
            return await self._refused(page, registry, household, refusal_code(exc),
                                       "" if exc.status == 409 else field, values,
                                       status_code=exc.status)
        concerned = (closed_parts(changed)[:1] if done == "moved_out"
                     else [o for o in changed.occupants if o.moved_out is None])
        return see(household_url(household), done=done,
                   occupancy=str(concerned[0].occupancy_id) if concerned else "")

    async def _refused(self, page: Page, registry: RegistryReader, household: str,
                       problem: str, field: str, values: dict[str, str], *,
                       status_code: int) -> Response[str]:
        return self._refused_page(page, await self._file(page, registry, household), problem,
                                  field, values, status_code=status_code)

    def _refused_page(self, page: Page, file: _File, problem: str, field: str,
                      values: dict[str, str], *,
                      status_code: int | None = None) -> Response[str]:
        """The page again with the form as typed, saying why it was refused: 422 for a
        field to correct, 409 for none (the household is not as the form found it)."""
        status_code = status_code or (422 if field else 409)
        return page.render("household.html", status_code=status_code, view=household_page(
            page.reader.principal, file.household, file.records, departures=file.departures,
            problem=problem, problem_field=field, values=values))

    def _confirm(self, page: Page, file: _File, asked: Confirmation, values: dict[str, str]
                 ) -> Response[str]:
        return page.render("household.html", view=household_page(
            page.reader.principal, file.household, file.records, departures=file.departures,
            confirmation=asked, values=values))

