"""Corrections routes (D6, D10, D12): ask for one of a document or of an occupancy, the
approvers' queue, approve or reject, or withdraw one's own."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED

from services.common.auth import Principal
from services.common.contracts.corrections import (
    CORRECTION_DECIDERS,
    CORRECTION_READERS,
    OccupancyCorrectionRequest,
)
from services.common.contracts.lending import AwaitingCount
from services.common.filing import RECORD_CORRECTORS
from services.common.operations import OCCUPANT_RECORDERS
from services.common.web import PageOffset, SummaryPageLimit
from services.registry.corrections.models import (
    Correction,
    CorrectionCount,
    CorrectionDecision,
    CorrectionFilters,
    CorrectionRequest,
    CorrectionStatus,
)
from services.registry.corrections.service import CorrectionsService
from services.registry.guards import allow


def _wanted(principal: NamedDependency[Principal],
            status: Annotated[CorrectionStatus | None, QueryParameter()] = None,
            document_id: Annotated[str | None, QueryParameter()] = None,
            requested_by: Annotated[str | None, QueryParameter()] = None,
            household: Annotated[str | None, QueryParameter()] = None) -> CorrectionFilters:
    """The filters a corrections list and its count share; ``requested_by=me`` is the
    caller."""
    return CorrectionFilters(
        status=status, document_id=document_id, household=household,
        requested_by=principal.username if requested_by == "me" else requested_by)


_FILTERED = {"wanted": Provide(_wanted, sync_to_thread=False)}


class CorrectionsController(Controller):
    path = "/"
    tags = ("catalogue",)

    @post("/documents/{document_id:str}/corrections", operation_id="correctDocument")
    async def correct(self, document_id: FromPath[str], data: JSONBody[CorrectionRequest],
                      principal: NamedDependency[Principal],
                      corrections: NamedDependency[CorrectionsService]
                      ) -> Response[Correction]:
        """201 with the applied correction, or 202 pending approval: a manager's when the
        document is a working document (D6), a director's or centre head's when it lowers
        security or clears ``personal_info`` (D10; the old level holds until then). 409
        ``stale_correction`` when ``base_version`` is given and the record is at another
        version (``extra``: ``version``, ``changed_by``, ``changed_at``): nothing is
        saved."""
        correction = await corrections.request(principal, document_id, data)
        status = HTTP_201_CREATED if correction.status == "applied" else HTTP_202_ACCEPTED
        return Response(correction, status_code=status)

    @post("/households/{household:str}/occupants/{occupancy_id:int}/corrections",
          operation_id="correctOccupancy", status_code=HTTP_202_ACCEPTED,
          guards=[allow(*OCCUPANT_RECORDERS)])
    async def correct_occupancy(self, household: FromPath[str], occupancy_id: FromPath[int],
                                data: JSONBody[OccupancyCorrectionRequest],
                                principal: NamedDependency[Principal],
                                corrections: NamedDependency[CorrectionsService]
                                ) -> Correction:
        """202: a correction of a registered occupancy (D12: its occupant's name, move-in
        or move-out; ``moved_out: null`` undoes a mistaken move-out), pending until a
        manager other than the requester approves it in the corrections queue. 404
        ``unknown_household`` also for one the caller may not know of,
        ``unknown_occupancy``; 409 ``stale_correction`` when the occupancy no longer reads
        as ``shown``; 422 ``no_changes``, ``date_in_future``, ``date_out_of_range``,
        ``moved_in_after_moved_out``, ``overlaps_previous``, ``overlaps_next``."""
        return await corrections.request_occupancy(principal, household, occupancy_id, data)

    @get("/corrections", operation_id="listCorrections", guards=[allow(*CORRECTION_READERS)],
         dependencies=_FILTERED)
    async def list_corrections(
        self, principal: NamedDependency[Principal],
        corrections: NamedDependency[CorrectionsService],
        wanted: NamedDependency[CorrectionFilters],
        sort: Annotated[Literal["oldest", "newest"], QueryParameter()] = "oldest",
        limit: SummaryPageLimit = 100, offset: PageOffset = 0,
    ) -> list[Correction]:
        """Corrections of the documents the caller may see, e.g. ``status=pending`` for
        an approver's queue (oldest first) or ``requested_by=me&sort=newest`` for one's
        own, or ``household`` for those of one household's documents and occupancies;
        each with its ``document`` now (archive number, title, version, the current
        values of the fields it changes) and, while pending, its ``approvers``.
        ``offset`` counts the corrections the caller sees."""
        return await corrections.corrections(principal, wanted, newest_first=sort == "newest",
                                             limit=limit, offset=offset)

    @get("/corrections/count", operation_id="countCorrections",
         guards=[allow(*CORRECTION_READERS)], dependencies=_FILTERED)
    async def count_corrections(
        self, principal: NamedDependency[Principal],
        corrections: NamedDependency[CorrectionsService],
        wanted: NamedDependency[CorrectionFilters],
    ) -> CorrectionCount:
        """How many corrections ``GET /registry/corrections`` lists with the same
        filters (``requested_by=me`` too), on every page: those the caller sees, by the
        same rule, so a paged list can say its total and its last page."""
        return await corrections.count(principal, wanted)

    @get("/corrections/awaiting-count", operation_id="countCorrectionsAwaitingMe",
         guards=[allow(*CORRECTION_DECIDERS)])
    async def awaiting_count(self, principal: NamedDependency[Principal],
                             corrections: NamedDependency[CorrectionsService]
                             ) -> AwaitingCount:
        """How many pending corrections wait for the caller's decision: among those
        ``status=pending`` lists, the ones whose ``approvers`` name a role of theirs and
        that they did not ask for (the count on every page)."""
        return await corrections.awaiting_count(principal)

    @post("/corrections/{correction_id:str}/approve", operation_id="approveCorrection",
          status_code=HTTP_200_OK, guards=[allow(*CORRECTION_DECIDERS)])
    async def approve(self, correction_id: FromPath[str], data: JSONBody[CorrectionDecision],
                      principal: NamedDependency[Principal],
                      corrections: NamedDependency[CorrectionsService]) -> Correction:
        """Someone other than the requester approves: a manager for a working document
        (D6), a director or centre head when it lowers protection (D10); the new version
        names them."""
        return await corrections.approve(principal, correction_id, note=data.note)

    @post("/corrections/{correction_id:str}/withdraw", operation_id="withdrawCorrection",
          status_code=HTTP_200_OK, guards=[allow(*RECORD_CORRECTORS)])
    async def withdraw(self, correction_id: FromPath[str], principal: NamedDependency[Principal],
                       corrections: NamedDependency[CorrectionsService]) -> Correction:
        """The proposer takes back their own pending correction (撤回): ``withdrawn``,
        the record unchanged; 403 ``not_proposer`` for anyone else, 409 once decided."""
        return await corrections.withdraw(principal, correction_id)

    @post("/corrections/{correction_id:str}/reject", operation_id="rejectCorrection",
          status_code=HTTP_200_OK, guards=[allow(*CORRECTION_DECIDERS)])
    async def reject(self, correction_id: FromPath[str], data: JSONBody[CorrectionDecision],
                     principal: NamedDependency[Principal],
                     corrections: NamedDependency[CorrectionsService]) -> Correction:
        return await corrections.reject(principal, correction_id, note=data.note)
