"""Handovers (移交, O1), transfers out (移出) and catalogues (D3) as a person works them
through the staff pages, with the signed-in person's own token.

What it decodes is ``services.common.contracts.operations``; the printable files
(transfer lists, catalogues, labels) come back as bytes with their content type.
"""

from __future__ import annotations

from typing import Literal

from services.common.clients import segment
from services.common.clients.registry import RegistryClient
from services.common.contracts.operations import (
    CatalogueFile,
    ClosedFloor,
    Handover,
    HandoverRequest,
    HandoverSummary,
    Transfer,
    TransferRequest,
    TransferSummary,
)
from services.common.paging import LIST_PAGE

PrintedFile = Literal["pdf", "csv"]


class OperationsReader(RegistryClient):
    async def handovers(self, token: str) -> list[HandoverSummary]:
        return await self.call("GET", "/registry/handovers", list[HandoverSummary],
                               token=token, params={"limit": LIST_PAGE})

    async def handover(self, token: str, handover_id: str) -> Handover:
        return await self.call("GET", f"/registry/handovers/{segment(handover_id)}",
                               Handover, token=token)

    async def create_handover(self, token: str, handover: HandoverRequest) -> Handover:
        return await self.call("POST", "/registry/handovers", Handover, token=token,
                               json=handover)

    async def sign_handover(self, token: str, handover_id: str, *, password: str,
                            digest: str | None) -> Handover:
        """The signed-in person signs their side (O1), re-entering their password;
        ``digest`` is the items as they were shown (a change since is refused)."""
        body = {"password": password, **({"digest": digest} if digest else {})}
        return await self.call("POST", f"/registry/handovers/{segment(handover_id)}/sign",
                               Handover, token=token, json=body)

    async def cancel_handover(self, token: str, handover_id: str, *, reason: str) -> Handover:
        """An archivist cancels a handover not yet signed by both sides, saying why (O1)."""
        return await self.call("POST", f"/registry/handovers/{segment(handover_id)}/cancel",
                               Handover, token=token, json={"reason": reason})

    async def transfer_list(self, token: str, handover_id: str, kind: PrintedFile
                            ) -> tuple[bytes, str]:
        """The transfer list (移交清单) as PDF or CSV, and its content type."""
        response = await self.request(
            "GET", f"/registry/handovers/{segment(handover_id)}/transfer-list.{kind}", token=token)
        return response.content, response.headers.get("content-type", "")

    async def transfers(self, token: str) -> list[TransferSummary]:
        return await self.call("GET", "/registry/transfers", list[TransferSummary],
                               token=token, params={"limit": LIST_PAGE})

    async def record_transfer(self, token: str, request: TransferRequest) -> Transfer:
        """Record a transfer out (the documents leave search); the bag is written after."""
        return await self.call("POST", "/registry/transfers", Transfer, token=token,
                               json=request)

    async def transfer_out_list(self, token: str, transfer_id: str) -> bytes:
        """The list of a transfer out (移出清单) as PDF."""
        response = await self.request(
            "GET", f"/registry/transfers/{segment(transfer_id)}/transfer-list.pdf",
            token=token)
        return response.content

    async def transfer(self, token: str, transfer_id: str) -> Transfer:
        """A transfer out with the catalogue records of the documents ``token``'s user is
        cleared for (``items`` counts them all)."""
        return await self.call("GET", f"/registry/transfers/{segment(transfer_id)}", Transfer,
                               token=token)

    async def general_catalogue(self, token: str) -> list[CatalogueFile]:
        return await self.call("GET", "/registry/catalogues/general", list[CatalogueFile],
                               token=token)

    async def closed_floors(self, token: str, year: int) -> list[ClosedFloor]:
        return await self.call("GET", "/registry/catalogues/closed", list[ClosedFloor],
                               token=token, params={"year": year})

    async def catalogue_file(self, token: str, path: str, params: dict[str, str]
                             ) -> tuple[bytes, str]:
        """A printable catalogue or label sheet under ``/registry/catalogues/`` (``path``
        already checked by the caller), and its content type."""
        response = await self.request("GET", f"/registry/catalogues/{path}", token=token,
                                      params=params)
        return response.content, response.headers.get("content-type", "")

