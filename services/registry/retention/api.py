"""Retention routes (R1–R7): sweeps and appraisal, legal holds, destruction registers."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED

from services.common.auth import principal_of
from services.registry.guards import allow
from services.registry.retention.destruction import DestructionService
from services.registry.retention.holds import HoldsService
from services.registry.retention.models import (
    AppraisalRequest,
    Destruction,
    DestructionRequest,
    DestructionStatus,
    DestructionSummary,
    Hold,
    HoldRelease,
    HoldRequest,
    HoldStatus,
    Sweep,
    SweepDecision,
    SweepItem,
    SweepRequest,
    SweepStatus,
    SweepSummary,
    Tombstone,
    WitnessSignature,
)
from services.registry.retention.rules import (
    APPRAISER_ROLES,
    APPROVER_ROLE,
    DESTRUCTION_ROLE,
    HOLD_ROLE,
    RETENTION_READERS,
    SWEEP_ROLES,
    WITNESS_ROLES,
)
from services.registry.retention.sweeps import SweepsService

Limit = Annotated[int, QueryParameter(ge=1, le=500)]
Offset = Annotated[int, QueryParameter(ge=0, le=1_000_000_000)]


class SweepsController(Controller):
    path = "/sweeps"
    tags = ("retention",)

    @post("/", operation_id="startSweep", guards=[allow(*SWEEP_ROLES)], responses={
        HTTP_200_OK: ResponseSpec(Sweep, description="dry_run: what a sweep would list")})
    async def start(self, data: JSONBody[SweepRequest], request: Request[Any, Any, Any],
                    sweeps: NamedDependency[SweepsService]) -> Response[Sweep]:
        """List the documents past retention (登记造册, R2): 201 with the new sweep, or 200
        with what a sweep would list when ``dry_run`` (nothing recorded)."""
        sweep = await sweeps.start(principal_of(request), data)
        return Response(sweep, status_code=HTTP_200_OK if data.dry_run else HTTP_201_CREATED)

    @get("/", operation_id="listSweeps", guards=[allow(*RETENTION_READERS)])
    async def list_sweeps(self, sweeps: NamedDependency[SweepsService],
                          status: Annotated[SweepStatus | None, QueryParameter()] = None,
                          limit: Limit = 100, offset: Offset = 0) -> list[SweepSummary]:
        """Sweeps, newest first."""
        return await sweeps.summaries(status=status, limit=limit, offset=offset)

    @get("/{sweep_id:str}", operation_id="getSweep", guards=[allow(*RETENTION_READERS)])
    async def get_sweep(self, sweep_id: FromPath[str], request: Request[Any, Any, Any],
                        sweeps: NamedDependency[SweepsService]) -> Sweep:
        """The sweep with every item, its appraisals and outcome; an item the caller is
        not cleared for is a redacted row (``redacted``: counted, not named)."""
        return await sweeps.get(principal_of(request), sweep_id)

    @post("/{sweep_id:str}/appraisals", operation_id="appraiseSweepItem",
          status_code=HTTP_200_OK, guards=[allow(*APPRAISER_ROLES)])
    async def appraise(self, sweep_id: FromPath[str], data: JSONBody[AppraisalRequest],
                       request: Request[Any, Any, Any], sweeps: NamedDependency[SweepsService]
                       ) -> SweepItem:
        """One appraiser's decision (R2–R4); the item, decided once two agree."""
        return await sweeps.appraise(principal_of(request), sweep_id, data)

    @post("/{sweep_id:str}/approve", operation_id="approveSweep", status_code=HTTP_200_OK,
          guards=[allow(APPROVER_ROLE)])
    async def approve(self, sweep_id: FromPath[str], request: Request[Any, Any, Any],
                      sweeps: NamedDependency[SweepsService],
                      data: JSONBody[SweepDecision | None] = None) -> Sweep:
        """The director approves: destroy items wait until ``destroy_after`` (R5)."""
        return await sweeps.approve(principal_of(request), sweep_id,
                                    note=data.note if data else None)

    @post("/{sweep_id:str}/reject", operation_id="rejectSweep", status_code=HTTP_200_OK,
          guards=[allow(APPROVER_ROLE)])
    async def reject(self, sweep_id: FromPath[str], request: Request[Any, Any, Any],
                     sweeps: NamedDependency[SweepsService],
                     data: JSONBody[SweepDecision | None] = None) -> Sweep:
        """The director sends the list back; its documents are swept again later."""
        return await sweeps.reject(principal_of(request), sweep_id,
                                   note=data.note if data else None)


class HoldsController(Controller):
    path = "/holds"
    tags = ("retention",)

    @post("/", operation_id="placeHold", guards=[allow(HOLD_ROLE)])
    async def place(self, data: JSONBody[HoldRequest], request: Request[Any, Any, Any],
                    holds: NamedDependency[HoldsService]) -> Response[Hold]:
        """A legal hold (R7) on documents, a household or a category."""
        hold = await holds.place(principal_of(request), data)
        return Response(hold, status_code=HTTP_201_CREATED)

    @post("/{hold_id:str}/release", operation_id="releaseHold", status_code=HTTP_200_OK,
          guards=[allow(HOLD_ROLE)])
    async def release(self, hold_id: FromPath[str], request: Request[Any, Any, Any],
                      holds: NamedDependency[HoldsService],
                      data: JSONBody[HoldRelease | None] = None) -> Hold:
        """Release a hold (with an optional ``note``); its documents may be swept again."""
        return await holds.release(principal_of(request), hold_id,
                                   note=data.note if data else None)

    @get("/", operation_id="listHolds", guards=[allow(*RETENTION_READERS)])
    async def list_holds(self, request: Request[Any, Any, Any],
                         holds: NamedDependency[HoldsService],
                         status: Annotated[HoldStatus | None, QueryParameter()] = None,
                         document_id: Annotated[str | None, QueryParameter()] = None,
                         limit: Limit = 100, offset: Offset = 0) -> list[Hold]:
        """Holds, newest first; ``document_id``: those covering that document. Documents
        the caller may not know of are left out of ``documents`` and counted in
        ``documents_withheld``."""
        return await holds.holds(principal_of(request), status=status,
                                 document_id=document_id, limit=limit, offset=offset)


class DestructionsController(Controller):
    path = "/destructions"
    tags = ("retention",)

    @post("/", operation_id="registerDestruction", guards=[allow(DESTRUCTION_ROLE)])
    async def create(self, data: JSONBody[DestructionRequest], request: Request[Any, Any, Any],
                     destructions: NamedDependency[DestructionService]
                     ) -> Response[Destruction]:
        """A destruction register (销毁清册) of approved items past ``destroy_after``."""
        created = await destructions.create(principal_of(request), data)
        return Response(created, status_code=HTTP_201_CREATED)

    @get("/", operation_id="listDestructions", guards=[allow(*RETENTION_READERS)])
    async def list_destructions(
        self, destructions: NamedDependency[DestructionService],
        status: Annotated[DestructionStatus | None, QueryParameter()] = None,
        limit: Limit = 100, offset: Offset = 0,
    ) -> list[DestructionSummary]:
        return await destructions.summaries(status=status, limit=limit, offset=offset)

    @get("/{destruction_id:str}", operation_id="getDestruction",
         guards=[allow(*RETENTION_READERS)])
    async def get_destruction(self, destruction_id: FromPath[str],
                              request: Request[Any, Any, Any],
                              destructions: NamedDependency[DestructionService]
                              ) -> Destruction:
        """The register; an item the caller is not cleared for is a redacted row."""
        return await destructions.get(principal_of(request), destruction_id)

    @post("/{destruction_id:str}/witness", operation_id="witnessDestruction",
          status_code=HTTP_200_OK, guards=[allow(*WITNESS_ROLES)])
    async def witness(self, destruction_id: FromPath[str], data: JSONBody[WitnessSignature],
                      request: Request[Any, Any, Any],
                      destructions: NamedDependency[DestructionService]) -> Destruction:
        """A witness (监销人) signs the items' ``digest`` with their own token and
        re-entered password (R6); not the register's creator."""
        return await destructions.witness(principal_of(request), destruction_id, data)

    @post("/{destruction_id:str}/execute", operation_id="executeDestruction",
          status_code=HTTP_202_ACCEPTED, guards=[allow(DESTRUCTION_ROLE)])
    async def execute(self, destruction_id: FromPath[str], request: Request[Any, Any, Any],
                      destructions: NamedDependency[DestructionService]) -> Destruction:
        """202: the register is ``executing``; it carries on even across a restart.
        Follow it with GET until ``executed``. 409 ``signatures_void`` if the items
        changed since a witness signed; a witness does not execute (R6)."""
        return await destructions.execute(principal_of(request), destruction_id)

    @post("/{destruction_id:str}/cancel", operation_id="cancelDestruction",
          status_code=HTTP_200_OK, guards=[allow(DESTRUCTION_ROLE)])
    async def cancel(self, destruction_id: FromPath[str], request: Request[Any, Any, Any],
                     destructions: NamedDependency[DestructionService]) -> Destruction:
        """Withdraw a register not yet executing; its items wait for another."""
        return await destructions.cancel(principal_of(request), destruction_id)

    @get("/{destruction_id:str}/register.pdf", operation_id="getDestructionRegisterPdf",
         guards=[allow(*RETENTION_READERS)], media_type="application/pdf")
    async def register_pdf(self, destruction_id: FromPath[str],
                           request: Request[Any, Any, Any],
                           destructions: NamedDependency[DestructionService]
                           ) -> Response[bytes]:
        """The register, printable (CJK font embedded), redacted as ``GET`` is."""
        content = await destructions.register_pdf(principal_of(request), destruction_id)
        return Response(content, media_type="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="register-{destruction_id}.pdf"'})

    @get("/{destruction_id:str}/register.csv", operation_id="getDestructionRegisterCsv",
         guards=[allow(*RETENTION_READERS)], media_type="text/csv")
    async def register_csv(self, destruction_id: FromPath[str],
                           request: Request[Any, Any, Any],
                           destructions: NamedDependency[DestructionService]
                           ) -> Response[bytes]:
        """The register as CSV (formulas neutralised), redacted as ``GET`` is."""
        content = await destructions.register_csv(principal_of(request), destruction_id)
        return Response(content, media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="register-{destruction_id}.csv"'})


class TombstonesController(Controller):
    path = "/documents"
    tags = ("retention",)

    @get("/{document_id:str}/destruction", operation_id="getDocumentDestruction",
         guards=[allow(*RETENTION_READERS)])
    async def tombstone(self, document_id: FromPath[str], request: Request[Any, Any, Any],
                        destructions: NamedDependency[DestructionService]) -> Tombstone:
        """When a destroyed document was destroyed, by which register, who witnessed."""
        return await destructions.tombstone(principal_of(request), document_id)


CONTROLLERS = (SweepsController, HoldsController, DestructionsController, TombstonesController)
