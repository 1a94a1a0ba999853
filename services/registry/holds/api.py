"""Legal hold routes (R7): place, release, list."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from services.common.auth import Principal
from services.common.contracts.retention import Hold, HoldCount, HoldStatus
from services.common.models import HOUSEHOLD_PATTERN
from services.common.retention import HOLD_ROLE, RETENTION_READERS
from services.common.web import PageOffset, SummaryPageLimit
from services.registry.guards import allow
from services.registry.holds.models import HoldFilters, HoldRelease, HoldRequest
from services.registry.holds.service import HoldsService


def _wanted(status: Annotated[HoldStatus | None, QueryParameter()] = None,
            document_id: Annotated[str | None, QueryParameter()] = None,
            household: Annotated[str | None,
                                 QueryParameter(pattern=HOUSEHOLD_PATTERN)] = None
            ) -> HoldFilters:
    """The filters a list of holds and its count share."""
    return HoldFilters(status=status, document_id=document_id, household=household)


_FILTERED = {"wanted": Provide(_wanted, sync_to_thread=False)}


class HoldsController(Controller):
    path = "/holds"
    tags = ("retention",)

    @post("/", operation_id="placeHold", status_code=HTTP_201_CREATED,
          guards=[allow(HOLD_ROLE)])
    async def place(self, data: JSONBody[HoldRequest], principal: NamedDependency[Principal],
                    holds: NamedDependency[HoldsService]) -> Hold:
        """A legal hold (R7) on documents, a household or a category."""
        return await holds.place(principal, data)

    @post("/{hold_id:str}/release", operation_id="releaseHold", status_code=HTTP_200_OK,
          guards=[allow(HOLD_ROLE)])
    async def release(self, hold_id: FromPath[str], principal: NamedDependency[Principal],
                      holds: NamedDependency[HoldsService],
                      data: JSONBody[HoldRelease | None] = None) -> Hold:
        """Release a hold (with an optional ``note``); its documents may be swept again."""
        return await holds.release(principal, hold_id,
                                   note=data.note if data else None)

    @get("/", operation_id="listHolds", guards=[allow(*RETENTION_READERS)],
         dependencies=_FILTERED)
    async def list_holds(self, principal: NamedDependency[Principal],
                         holds: NamedDependency[HoldsService],
                         wanted: NamedDependency[HoldFilters],
                         limit: SummaryPageLimit = 100, offset: PageOffset = 0) -> list[Hold]:
        """Holds, newest first; ``document_id``: those covering that document;
        ``household``: those bearing on that household's file (``HoldsService.holds``).
        Documents the caller may not know of are left out of ``documents`` and counted in
        ``documents_withheld``."""
        return await holds.holds(principal, wanted, limit=limit, offset=offset)

    @get("/count", operation_id="countHolds", guards=[allow(*RETENTION_READERS)],
         dependencies=_FILTERED)
    async def count_holds(self, principal: NamedDependency[Principal],
                          holds: NamedDependency[HoldsService],
                          wanted: NamedDependency[HoldFilters],
                          hold: Annotated[str | None, QueryParameter(max_length=64)] = None
                          ) -> HoldCount:
        """How many holds ``GET /registry/holds`` lists with the same filters, on every
        page, by the same rule; with ``hold`` (a hold's id), how many it lists before that
        one (``before``; null when it does not list it): a paged list's total and the page
        holding a hold asked for."""
        return await holds.count(principal, wanted, hold_id=hold)
