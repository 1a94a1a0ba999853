"""Retention sweep routes (R2–R5): start one, appraise its items, approve or reject it."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from services.common.auth import Principal
from services.common.contracts.lending import AwaitingCount
from services.common.contracts.retention import (
    Sweep,
    SweepItem,
    SweepRequest,
    SweepStatus,
    SweepSummary,
)
from services.common.retention import (
    APPRAISER_ROLES,
    APPROVER_ROLE,
    RETENTION_READERS,
    SWEEP_ROLES,
)
from services.common.web import PageOffset, SummaryPageLimit
from services.registry.guards import allow
from services.registry.sweeps.models import AppraisalRequest, SweepDecision, SweepRejection
from services.registry.sweeps.service import SweepsService


class SweepsController(Controller):
    path = "/sweeps"
    tags = ("retention",)

    @post("/", operation_id="startSweep", guards=[allow(*SWEEP_ROLES)], responses={
        HTTP_200_OK: ResponseSpec(Sweep, description="dry_run: what a sweep would list")})
    async def start(self, data: JSONBody[SweepRequest], principal: NamedDependency[Principal],
                    sweeps: NamedDependency[SweepsService]) -> Response[Sweep]:
        """List the documents past retention (登记造册, R2): 201 with the new sweep, or 200
        with what a sweep would list when ``dry_run`` (nothing recorded)."""
        sweep = await sweeps.start(principal, data)
        return Response(sweep, status_code=HTTP_200_OK if data.dry_run else HTTP_201_CREATED)

    @get("/", operation_id="listSweeps", guards=[allow(*RETENTION_READERS)])
    async def list_sweeps(self, sweeps: NamedDependency[SweepsService],
                          status: Annotated[SweepStatus | None, QueryParameter()] = None,
                          limit: SummaryPageLimit = 100, offset: PageOffset = 0
                          ) -> list[SweepSummary]:
        """Sweeps, newest first."""
        return await sweeps.summaries(status=status, limit=limit, offset=offset)

    @get("/awaiting-count", operation_id="countSweepsAwaitingMe",
         guards=[allow(APPROVER_ROLE)])
    async def awaiting_count(self, sweeps: NamedDependency[SweepsService]) -> AwaitingCount:
        """How many sweeps wait for the director's approval: under appraisal, none of
        their items undecided, however old (the count in the director's top bar)."""
        return await sweeps.awaiting_approval_count()

    @get("/{sweep_id:str}", operation_id="getSweep", guards=[allow(*RETENTION_READERS)])
    async def get_sweep(self, sweep_id: FromPath[str], principal: NamedDependency[Principal],
                        sweeps: NamedDependency[SweepsService]) -> Sweep:
        """The sweep with every item, its appraisals and outcome; an item the caller is
        not cleared for is a redacted row (``redacted``: counted, not named)."""
        return await sweeps.get(principal, sweep_id)

    @post("/{sweep_id:str}/appraisals", operation_id="appraiseSweepItem",
          status_code=HTTP_200_OK, guards=[allow(*APPRAISER_ROLES)])
    async def appraise(self, sweep_id: FromPath[str], data: JSONBody[AppraisalRequest],
                       principal: NamedDependency[Principal], sweeps: NamedDependency[SweepsService]
                       ) -> SweepItem:
        """One appraiser's decision (R2–R4); the item, decided once two agree."""
        return await sweeps.appraise(principal, sweep_id, data)

    @post("/{sweep_id:str}/approve", operation_id="approveSweep", status_code=HTTP_200_OK,
          guards=[allow(APPROVER_ROLE)])
    async def approve(self, sweep_id: FromPath[str], principal: NamedDependency[Principal],
                      sweeps: NamedDependency[SweepsService],
                      data: JSONBody[SweepDecision | None] = None) -> Sweep:
        """The director approves: destroy items wait until ``destroy_after`` (R5)."""
        return await sweeps.approve(principal, sweep_id,
                                    note=data.note if data else None)

    @post("/{sweep_id:str}/reject", operation_id="rejectSweep", status_code=HTTP_200_OK,
          guards=[allow(APPROVER_ROLE)])
    async def reject(self, sweep_id: FromPath[str], data: JSONBody[SweepRejection],
                     principal: NamedDependency[Principal],
                     sweeps: NamedDependency[SweepsService]) -> Sweep:
        """The director sends the list back, saying why; its documents are swept again
        later."""
        return await sweeps.reject(principal, sweep_id, note=data.note)

