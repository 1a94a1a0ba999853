"""Destruction register routes (R5–R7): draw one up, witness, execute, cancel, print; and
what remains of a destroyed document."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED

from services.common.auth import Principal
from services.common.contracts.lending import AwaitingCount
from services.common.contracts.retention import (
    Destruction,
    DestructionStatus,
    DestructionSummary,
    DisposalStanding,
    Tombstone,
)
from services.common.retention import (
    DESTRUCTION_ROLE,
    REGISTER_READERS,
    RETENTION_READERS,
    WITNESS_ROLES,
)
from services.common.web import PageOffset, SummaryPageLimit, attachment
from services.registry.destruction.models import DestructionRequest, WitnessSignature
from services.registry.destruction.service import DestructionService
from services.registry.guards import allow


class DestructionsController(Controller):
    path = "/destructions"
    tags = ("retention",)

    @post("/", operation_id="registerDestruction", status_code=HTTP_201_CREATED,
          guards=[allow(DESTRUCTION_ROLE)])
    async def create(self, data: JSONBody[DestructionRequest],
                     principal: NamedDependency[Principal],
                     destructions: NamedDependency[DestructionService]) -> Destruction:
        """A destruction register (销毁清册) of approved items past ``destroy_after``."""
        return await destructions.create(principal, data)

    @get("/", operation_id="listDestructions", guards=[allow(*RETENTION_READERS)])
    async def list_destructions(
        self, destructions: NamedDependency[DestructionService],
        status: Annotated[DestructionStatus | None, QueryParameter()] = None,
        limit: SummaryPageLimit = 100, offset: PageOffset = 0,
    ) -> list[DestructionSummary]:
        return await destructions.summaries(status=status, limit=limit, offset=offset)

    @get("/awaiting", operation_id="listDestructionsAwaitingMe",
         guards=[allow(*WITNESS_ROLES)])
    async def awaiting(self, principal: NamedDependency[Principal],
                       destructions: NamedDependency[DestructionService]
                       ) -> list[DestructionSummary]:
        """The registers waiting for the caller's signature as a witness (R6): not
        executing or done, not drawn up by them, not signed by them (or their signature
        voided by a change of the items), every item one they are cleared for; oldest
        first."""
        return await destructions.awaiting_signature(principal)

    @get("/awaiting-count", operation_id="countDestructionsAwaitingMe",
         guards=[allow(*WITNESS_ROLES)])
    async def awaiting_count(self, principal: NamedDependency[Principal],
                             destructions: NamedDependency[DestructionService]
                             ) -> AwaitingCount:
        """How many registers ``/awaiting`` lists (the count on every page)."""
        return AwaitingCount(awaiting=len(
            await destructions.awaiting_signature(principal)))

    @get("/{destruction_id:str}", operation_id="getDestruction",
         guards=[allow(*REGISTER_READERS)])
    async def get_destruction(self, destruction_id: FromPath[str],
                              principal: NamedDependency[Principal],
                              destructions: NamedDependency[DestructionService]
                              ) -> Destruction:
        """The register; an item the caller is not cleared for is a redacted row. Every
        witness reads it (R6: they check what they sign), not only retention's readers."""
        return await destructions.get(principal, destruction_id)

    @post("/{destruction_id:str}/witness", operation_id="witnessDestruction",
          status_code=HTTP_200_OK, guards=[allow(*WITNESS_ROLES)])
    async def witness(self, destruction_id: FromPath[str], data: JSONBody[WitnessSignature],
                      principal: NamedDependency[Principal],
                      destructions: NamedDependency[DestructionService]) -> Destruction:
        """A witness (监销人) signs the items' ``digest`` with their own token and
        re-entered password (R6); not the register's creator."""
        return await destructions.witness(principal, destruction_id, data)

    @post("/{destruction_id:str}/execute", operation_id="executeDestruction",
          status_code=HTTP_202_ACCEPTED, guards=[allow(DESTRUCTION_ROLE)])
    async def execute(self, destruction_id: FromPath[str], principal: NamedDependency[Principal],
                      destructions: NamedDependency[DestructionService]) -> Destruction:
        """202: the register is ``executing``; it carries on even across a restart.
        Follow it with GET until ``executed``. 409 ``signatures_void`` if the items
        changed since a witness signed; a witness does not execute (R6)."""
        return await destructions.execute(principal, destruction_id)

    @post("/{destruction_id:str}/cancel", operation_id="cancelDestruction",
          status_code=HTTP_200_OK, guards=[allow(DESTRUCTION_ROLE)])
    async def cancel(self, destruction_id: FromPath[str], principal: NamedDependency[Principal],
                     destructions: NamedDependency[DestructionService]) -> Destruction:
        """Withdraw a register not yet executing; its items wait for another."""
        return await destructions.cancel(principal, destruction_id)

    @get("/{destruction_id:str}/register.pdf", operation_id="getDestructionRegisterPdf",
         guards=[allow(*REGISTER_READERS)], media_type="application/pdf")
    async def register_pdf(self, destruction_id: FromPath[str],
                           principal: NamedDependency[Principal],
                           destructions: NamedDependency[DestructionService]
                           ) -> Response[bytes]:
        """The register, printable (CJK font embedded), redacted as ``GET`` is."""
        content = await destructions.register_pdf(principal, destruction_id)
        return attachment(content, f"register-{destruction_id}", "pdf")

    @get("/{destruction_id:str}/register.csv", operation_id="getDestructionRegisterCsv",
         guards=[allow(*REGISTER_READERS)], media_type="text/csv")
    async def register_csv(self, destruction_id: FromPath[str],
                           principal: NamedDependency[Principal],
                           destructions: NamedDependency[DestructionService]
                           ) -> Response[bytes]:
        """The register as CSV (formulas neutralised), redacted as ``GET`` is."""
        content = await destructions.register_csv(principal, destruction_id)
        return attachment(content, f"register-{destruction_id}", "csv")


class DocumentDisposalController(Controller):
    path = "/documents"
    tags = ("retention",)

    @get("/{document_id:str}/disposal", operation_id="getDocumentDisposal",
         guards=[allow(*RETENTION_READERS)])
    async def disposal(self, document_id: FromPath[str], principal: NamedDependency[Principal],
                       destructions: NamedDependency[DestructionService]
                       ) -> list[DisposalStanding]:
        """Where the document stands on its way to destruction (R2–R6): the open sweep that
        lists it (one at most), its item's state there and the register not executed yet
        that lists it; empty when no sweep lists it (404 ``unknown_document`` for one the
        caller may not see)."""
        standing = await destructions.standing(principal, document_id)
        return [] if standing is None else [standing]


class TombstonesController(Controller):
    path = "/documents"
    tags = ("retention",)

    @get("/{document_id:str}/destruction", operation_id="getDocumentDestruction",
         guards=[allow(*RETENTION_READERS)])
    async def tombstone(self, document_id: FromPath[str], principal: NamedDependency[Principal],
                        destructions: NamedDependency[DestructionService]) -> Tombstone:
        """When a destroyed document was destroyed, by which register, who witnessed."""
        return await destructions.tombstone(principal, document_id)
