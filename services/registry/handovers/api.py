"""Handover routes (移交, O1): draw one up, each side signs, cancel one unsigned, read,
print."""

from __future__ import annotations

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from services.common.auth import Principal
from services.common.contracts.operations import (
    Handover,
    HandoverCancel,
    HandoverRequest,
    HandoverSummary,
)
from services.common.web import PageOffset, SummaryPageLimit, attachment
from services.registry.guards import allow
from services.registry.handovers.models import HandoverSignature
from services.registry.handovers.rules import CANCELLER_ROLES, CREATOR_ROLES, READER_ROLES
from services.registry.handovers.service import HandoverService


class HandoversController(Controller):
    path = "/handovers"
    tags = ("operations",)

    @post("/", operation_id="createHandover", status_code=HTTP_201_CREATED,
          guards=[allow(*CREATOR_ROLES)])
    async def create(self, data: JSONBody[HandoverRequest], principal: NamedDependency[Principal],
                     handovers: NamedDependency[HandoverService]) -> Handover:
        """A handover (移交) from a service centre to the archive, awaiting both sides'
        signatures."""
        return await handovers.create(principal, data)

    @get("/", operation_id="listHandovers", guards=[allow(*READER_ROLES)])
    async def list_handovers(self, handovers: NamedDependency[HandoverService],
                             limit: SummaryPageLimit = 100, offset: PageOffset = 0
                             ) -> list[HandoverSummary]:
        return await handovers.summaries(limit=limit, offset=offset)

    @get("/{handover_id:str}", operation_id="getHandover")
    async def get_handover(self, handover_id: FromPath[str], principal: NamedDependency[Principal],
                           handovers: NamedDependency[HandoverService]) -> Handover:
        """The handover and its transfer list; an item the caller is not cleared for is
        a redacted row."""
        return await handovers.get(principal, handover_id)

    @post("/{handover_id:str}/sign", operation_id="signHandover", status_code=HTTP_200_OK)
    async def sign(self, handover_id: FromPath[str], data: JSONBody[HandoverSignature],
                   principal: NamedDependency[Principal],
                   handovers: NamedDependency[HandoverService]) -> Handover:
        """The person handing over or the archivist receiving signs with their own token
        and re-entered password (O1); both signed: ``completed``."""
        return await handovers.sign(principal, handover_id, data)

    @post("/{handover_id:str}/cancel", operation_id="cancelHandover", status_code=HTTP_200_OK,
          guards=[allow(*CANCELLER_ROLES)])
    async def cancel(self, handover_id: FromPath[str], data: JSONBody[HandoverCancel],
                     principal: NamedDependency[Principal],
                     handovers: NamedDependency[HandoverService]) -> Handover:
        """An archivist cancels a handover not yet signed by both sides, with a reason (a
        signer left): ``cancelled``, audited; a new one is drawn up instead (409
        ``invalid_transition`` once completed or cancelled)."""
        return await handovers.cancel(principal, handover_id, data.reason)

    @get("/{handover_id:str}/transfer-list.pdf", operation_id="getHandoverTransferListPdf",
         media_type="application/pdf")
    async def transfer_list_pdf(self, handover_id: FromPath[str],
                                principal: NamedDependency[Principal],
                                handovers: NamedDependency[HandoverService]
                                ) -> Response[bytes]:
        """The transfer list (移交清单) in two copies, printable (CJK font embedded)."""
        content = await handovers.transfer_list_pdf(principal, handover_id)
        return attachment(content, f"transfer-list-{handover_id}", "pdf")

    @get("/{handover_id:str}/transfer-list.csv", operation_id="getHandoverTransferListCsv",
         media_type="text/csv")
    async def transfer_list_csv(self, handover_id: FromPath[str],
                                principal: NamedDependency[Principal],
                                handovers: NamedDependency[HandoverService]
                                ) -> Response[bytes]:
        """The transfer list as CSV (formulas neutralised)."""
        content = await handovers.transfer_list_csv(principal, handover_id)
        return attachment(content, f"transfer-list-{handover_id}", "csv")
