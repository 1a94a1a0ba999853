"""Transfer-out routes (移出): record one, read them."""

from __future__ import annotations

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED

from services.common.auth import Principal
from services.common.contracts.operations import Transfer, TransferRequest, TransferSummary
from services.common.operations import TRANSFER_ROLE
from services.common.web import PageOffset, SummaryPageLimit, attachment
from services.registry.guards import allow
from services.registry.handovers.rules import READER_ROLES
from services.registry.transfers.service import TransferService


class TransfersController(Controller):
    path = "/transfers"
    tags = ("operations",)

    @post("/", operation_id="createTransfer", status_code=HTTP_201_CREATED,
          guards=[allow(TRANSFER_ROLE)])
    async def create(self, data: JSONBody[TransferRequest], principal: NamedDependency[Principal],
                     transfers: NamedDependency[TransferService]) -> Transfer:
        """Record a transfer out: the documents become ``status: transferred`` and leave
        search. ``archive transfer`` makes the BagIt package."""
        return await transfers.create(principal, data)

    @get("/", operation_id="listTransfers", guards=[allow(*READER_ROLES)])
    async def list_transfers(self, transfers: NamedDependency[TransferService],
                             limit: SummaryPageLimit = 100, offset: PageOffset = 0
                             ) -> list[TransferSummary]:
        return await transfers.summaries(limit=limit, offset=offset)

    @get("/{transfer_id:str}", operation_id="getTransfer", guards=[allow(*READER_ROLES)])
    async def get_transfer(self, transfer_id: FromPath[str], principal: NamedDependency[Principal],
                           transfers: NamedDependency[TransferService]) -> Transfer:
        return await transfers.get(principal, transfer_id)

    @get("/{transfer_id:str}/transfer-list.pdf", operation_id="getTransferOutListPdf",
         guards=[allow(*READER_ROLES)], media_type="application/pdf")
    async def transfer_out_list_pdf(self, transfer_id: FromPath[str],
                                    principal: NamedDependency[Principal],
                                    transfers: NamedDependency[TransferService]
                                    ) -> Response[bytes]:
        """The list of a transfer out (移出清单) in two copies, each with a line for the
        archivist who sent the files and one for the recipient to sign on receipt."""
        content = await transfers.transfer_out_list_pdf(principal, transfer_id)
        return attachment(content, f"transfer-out-list-{transfer_id}", "pdf")
