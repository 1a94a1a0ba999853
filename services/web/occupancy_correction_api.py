"""The routes of the form correcting a registered occupancy (D12,
``occupancy_correction``): shown to an archivist from the household page; sent, what it
lacks is said next to its field, then what it will do is confirmed (``confirm``), then
it is asked of the registry and the household page says it waits for a Department Head;
refused, the form again with what was typed, saying why next to the field."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from services.common.clients.reader import RegistryReader
from services.common.contracts.households import Household, Occupancy
from services.common.errors import ArchiveError
from services.common.names import tidied_household
from services.web.failures import no_such_page, page_token, refusal_code, see
from services.web.forms import text
from services.web.household_page import may_change_occupants
from services.web.limits import LIMITS
from services.web.links import household_url
from services.web.occupancy_correction import (
    FIELDS,
    Proposal,
    correction_form,
    occupancy_in,
    pending_corrections,
    proposal,
    refused_field,
)
from services.web.page import Page

PATH = "/{household:str}/occupants/{occupancy_id:int}/correction"


class OccupancyCorrectionPages(Controller):
    path = "/households"

    @get(PATH, operation_id="occupancyCorrectionForm")
    async def form(self, household: FromPath[str], occupancy_id: FromPath[int],
                   page: NamedDependency[Page], registry: NamedDependency[RegistryReader]
                   ) -> Response[str]:
        """The form, filled with the occupancy as it reads."""
        record, occupancy, pending = await self._read(page, registry, household, occupancy_id)
        return page.render("occupancy_correction.html", view=correction_form(
            record, occupancy, pending=pending))

    @post(PATH, operation_id="correctOccupancyForm")
    async def correct(self, household: FromPath[str], occupancy_id: FromPath[int],
                      page: NamedDependency[Page], registry: NamedDependency[RegistryReader],
                      today: NamedDependency[date]) -> Response[Any]:
        """Checked, confirmed, then asked of the registry (D12)."""
        form = await page.request.form()
        values = {name: text(form, name, limit=LIMITS.name + 1 if name == "occupant" else 40)
                  for name in FIELDS} | {"reason": text(form, "reason", limit=LIMITS.note + 1)}
        shown = {name: text(form, f"shown_{name}", limit=LIMITS.name + 1) for name in FIELDS}
        record, occupancy, pending = await self._read(page, registry, household, occupancy_id)
        asked = proposal(record, occupancy, values, shown, today=today,
                         longest=LIMITS.name, longest_reason=LIMITS.note)
        if not isinstance(asked, Proposal):
            problem, wrong = asked
            # a stale form comes back showing the occupancy as it reads now
            return page.render("occupancy_correction.html", status_code=422 if wrong else 409,
                               view=correction_form(record, occupancy, values=values,
                                                    pending=pending, problem=problem,
                                                    problem_field=wrong))
        if text(form, "confirm") != "1":
            return page.render("occupancy_correction.html", view=correction_form(
                record, occupancy, values=values, shown=shown, pending=pending,
                proposal=asked))
        try:
            await registry.correct_occupancy(page.reader.token, record.household,
                                             occupancy_id, asked.request)
        except ArchiveError as exc:
            code = refusal_code(exc)
            if code != "correction_pending":  # the same, asked already: it waits
                return page.render("occupancy_correction.html", status_code=exc.status,
                                   view=correction_form(
                                       record, occupancy, values=values, pending=pending,
                                       problem=code, problem_field=refused_field(
                                           code, asked.changed, asked.corrected.moved_in,
                                           today=today)))
        return see(household_url(record.household), done="correction_asked",
                   occupancy=str(occupancy_id))

    async def _read(self, page: Page, registry: RegistryReader, household: str,
                    occupancy_id: int) -> tuple[Household, Occupancy, bool]:
        """The household, the occupancy (404 for one not in its history) and whether a
        correction of it waits for approval already."""
        token = page_token(page.reader, may_change_occupants)
        record, waiting = await asyncio.gather(
            registry.household(token, household),
            registry.corrections(token, status="pending",
                                 household=tidied_household(household)))
        occupancy = occupancy_in(record, occupancy_id)
        if occupancy is None:
            raise no_such_page()
        return record, occupancy, occupancy_id in pending_corrections(waiting)
