"""The departures route: how a household's documents left its file (离档)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import PathParameter

from services.common.auth import Principal
from services.common.contracts.registry import Departure
from services.common.models import HOUSEHOLD_PATTERN
from services.registry.departures.service import DeparturesService

Household = Annotated[str, PathParameter(pattern=HOUSEHOLD_PATTERN)]


class DeparturesController(Controller):
    path = "/households"
    tags = ("households",)

    @get("/{household:str}/departures", operation_id="listDepartures")
    async def departures(self, household: Household, principal: NamedDependency[Principal],
                         departures: NamedDependency[DeparturesService]) -> list[Departure]:
        """How the household's documents that left its file left it, the latest first:
        ``destroyed`` (when, by which destruction register) or ``transferred`` out (when,
        by which transfer, to whom). Documents the caller may not know exist are left out;
        a household with none, or unknown, answers an empty list, as its file does; a code
        no household could have, 400."""
        return await departures.of_household(principal, household)
