"""Households routes: create, read, list by building and floor, occupant, move-out."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from services.common.auth import Principal
from services.common.contracts.fields import MAX_NAME
from services.common.contracts.households import Household
from services.common.operations import OCCUPANT_RECORDERS
from services.common.web import PageLimit, PageOffset
from services.registry.guards import allow
from services.registry.households.models import MoveOut, NewHousehold, NewOccupant
from services.registry.households.service import HouseholdsService


class HouseholdsController(Controller):
    path = "/households"
    tags = ("households",)

    @post("/", operation_id="createHousehold", guards=[allow("archivist")])
    async def create(self, data: JSONBody[NewHousehold], principal: NamedDependency[Principal],
                     households: NamedDependency[HouseholdsService]) -> Household:
        """Open a household's file (一户一档, D1), with its first occupant if known; one
        made by filing a document under its unit code is registered now, answered the
        same way (201); 409 ``household_exists`` only for one registered already."""
        return await households.create(principal, data)

    @get("/", operation_id="listHouseholds")
    async def list_households(
        self, principal: NamedDependency[Principal],
        households: NamedDependency[HouseholdsService],
        building: Annotated[str | None, QueryParameter()] = None,
        floor: Annotated[int | None, QueryParameter(ge=0, le=999)] = None,
        q: Annotated[str | None, QueryParameter(max_length=MAX_NAME)] = None,
        limit: PageLimit = 200, offset: PageOffset = 0,
    ) -> list[Household]:
        """Households in cabinet order: building, floor, unit; those the caller may know
        of (registered, or holding a document within their clearance). ``q``: those whose
        unit code holds it however typed (a1201, A-1201, 1201), or the name of an
        occupant, current or former, Simplified or Traditional."""
        return await households.list_households(principal, building=building, floor=floor,
                                                typed=q, limit=limit, offset=offset)

    @get("/{household:str}", operation_id="getHousehold")
    async def get_household(self, household: FromPath[str],
                            principal: NamedDependency[Principal],
                            households: NamedDependency[HouseholdsService]) -> Household:
        """The household with its current label and occupants history; 404
        ``unknown_household`` also for one the caller may not know of."""
        return await households.get(principal, household)

    @post("/{household:str}/occupants", operation_id="changeOccupant",
          status_code=HTTP_200_OK, guards=[allow(*OCCUPANT_RECORDERS)])
    async def change_occupant(self, household: FromPath[str], data: JSONBody[NewOccupant],
                              principal: NamedDependency[Principal],
                              households: NamedDependency[HouseholdsService]) -> Household:
        """A new occupant moves in (D2); the previous one's part of the file closes. 404
        ``unknown_household`` also for one the caller may not know of (D1); 409
        ``occupants_changed`` if ``closes`` is not the occupancy current now; 422
        ``date_in_future``, ``date_before_occupancy``, ``same_day_as_move_in``."""
        return await households.change_occupant(principal, household, data)

    @post("/{household:str}/move-out", operation_id="moveOut", status_code=HTTP_200_OK,
          guards=[allow(*OCCUPANT_RECORDERS)])
    async def move_out(self, household: FromPath[str], data: JSONBody[MoveOut],
                       principal: NamedDependency[Principal],
                       households: NamedDependency[HouseholdsService]) -> Household:
        """Move-out (退租, D3): the occupant's part of the file closes. 404
        ``unknown_household`` also for one the caller may not know of (D1); 409 ``vacant``,
        or ``occupants_changed`` if ``closes`` is not the occupancy current now; 422
        ``date_in_future``, ``date_before_occupancy``."""
        return await households.move_out(principal, household, data.moved_out,
                                         closes=data.closes)
