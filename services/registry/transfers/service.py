"""Transfers out of the archive (移出): a household's file or a selection sent to another
archive, or an owner's file to a new manager.

The domain's rules are silent on who approves a transfer out; the archive department
keeps the files, so an archivist records it, with the recipient and the reason (audited,
O4). Only documents in the archive go (409 ``document_destroyed``,
``already_transferred``); a held document (R7, 409 ``on_hold``) or one out on loan (409
``on_loan``) stays; one whose original is never downloaded (B2, B8: 403
``not_downloadable``) cannot be packed, so it is refused before anything is recorded.
The records stay in the catalogue as ``status: transferred`` with their audit;
``DocumentTransferred`` in the change feed drops them from search. The originals are
kept (until a destruction, which appraises them as any other): the paper went away, but
deleting the digital copy is destruction, and only R2-R6 destroy. The package itself (a
BagIt bag) is made by ``archive transfer`` from the records this returns, the originals
and the page texts.
"""

from __future__ import annotations

import uuid

from services.common.auth import Principal
from services.common.clock import Clock
from services.common.contracts.operations import Transfer, TransferRequest, TransferSummary
from services.common.contracts.registry import (
    DocumentRecord,
    DocumentTransferred,
    feed_document,
    in_file,
)
from services.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.registry.access import can, known_to, visible_to
from services.registry.handovers.service import refuse_inactive
from services.registry.households.service import seen_by
from services.registry.journal.models import AuditEntry
from services.registry.journal.service import JournalService
from services.registry.store import RegistryStore, Tx, printed
from services.registry.transfers import transfer_out_list


class TransferService:
    def __init__(self, store: RegistryStore, clock: Clock, journal: JournalService) -> None:
        self.store = store
        self.clock = clock
        self.journal = journal

    async def create(self, principal: Principal, request: TransferRequest) -> Transfer:
        """Record the transfer: each document ``transferred``, its event and audit entry,
        in one transaction."""
        now = self.clock.now()
        transfer_id = str(uuid.uuid4())
        async with self.store.transaction() as tx:
            chosen = await _chosen(tx, principal, request)
            await _refuse_kept(tx, chosen)
            await tx.transfers.insert(transfer_id, chosen, recipient=request.recipient,
                                      reason=request.reason, by=principal.username, at=now)
            sent = [await tx.documents.mark_transferred(record.document_id, at=now)
                    for record in chosen]
            # The journal is appended last in the transaction (see services.registry.journal).
            for record in sent:
                await tx.journal.emit(DocumentTransferred(
                    document=feed_document(record), transfer_id=transfer_id,
                    recipient=request.recipient, transferred_at=now), at=now)
                await tx.journal.audit(AuditEntry(
                    action="transferred", username=principal.username,
                    document_id=record.document_id,
                    detail={"transfer_id": transfer_id, "recipient": request.recipient,
                            "archive_no": record.archive_no, "sha256": record.sha256}),
                    at=now)
            return await _shown(tx, principal, transfer_id)

    async def get(self, principal: Principal, transfer_id: str) -> Transfer:
        async with self.store.snapshot() as tx:
            return await _shown(tx, principal, transfer_id)

    async def summaries(self, *, limit: int, offset: int) -> list[TransferSummary]:
        async with self.store.snapshot() as tx:
            return await tx.transfers.summaries(limit=limit, offset=offset)

    async def transfer_out_list_pdf(self, principal: Principal, transfer_id: str) -> bytes:
        """The list of what left (移出清单), two copies for both sides to sign, naming the
        archivist by their full name; rendering runs in a thread."""
        transfer = await self.get(principal, transfer_id)
        return await printed(self.store, transfer_out_list.pdf, transfer, self.clock.zone,
                             naming=[transfer.transferred_by])


async def _chosen(tx: Tx, principal: Principal, request: TransferRequest
                  ) -> list[DocumentRecord]:
    """The household's file (newest first, D4), then the documents named, each once. A
    household ``principal`` may not know of (``seen_by``) is ``unknown_household``, as a
    unit code never used (D1), not a file with documents above their clearance."""
    if request.household is None and not request.documents:
        raise ValidationFailed("name a household or documents to transfer",
                               code="nothing_to_transfer")
    chosen: dict[str, DocumentRecord] = {}
    if request.household is not None:
        await tx.households.existing(request.household, seen=seen_by(tx, principal))
        file = await tx.documents.of_households([request.household])
        chosen.update((record.document_id, record) for record in file
                      if in_file(record))
        if not chosen:
            raise Conflict(f"household {request.household} has no document in the archive",
                           code="nothing_to_transfer")
    for document_id in request.documents or ():
        record = known_to(principal, await tx.documents.get(document_id, lock=True), document_id)
        refuse_inactive([record])
        chosen.setdefault(document_id, record)
    hidden = [record for record in chosen.values() if not principal.cleared_for(record.security)]
    if hidden:
        raise NotFound(f"the household's file has {len(hidden)} document(s) above your "
                       "clearance; someone cleared for them transfers it",
                       code="documents_not_visible")
    # The bag carries the originals: refuse before recording what could not be packed.
    kept = [record.archive_no for record in chosen.values()
            if not can(principal, "download", record).allowed]
    if kept:
        raise Forbidden(f"{len(kept)} document(s) are confidential or hold personal "
                        "information (B2, B8) and their originals are never downloaded, so "
                        "they cannot be packed for a transfer out; leave them out",
                        code="not_downloadable", extra={"archive_numbers": kept})
    return list(chosen.values())


async def _refuse_kept(tx: Tx, records: list[DocumentRecord]) -> None:
    """Refused naming the documents that stay, by id and by archive number (档号)."""
    numbers = {record.document_id: record.archive_no for record in records}
    held = sorted(await tx.holds.held(list(numbers)))
    if held:  # R7: a held document stays in the archive
        raise Conflict(f"{len(held)} document(s) are under a legal hold; release the hold "
                       "or leave them out", code="on_hold", extra=_naming(held, numbers))
    lent = sorted(await tx.loans.on_loan(list(numbers)))
    if lent:
        raise Conflict(f"{len(lent)} document(s) are out on loan; transfer them once "
                       "returned", code="on_loan", extra=_naming(lent, numbers))


def _naming(document_ids: list[str], numbers: dict[str, str]) -> dict[str, object]:
    return {"documents": document_ids,
            "archive_numbers": [numbers[document_id] for document_id in document_ids]}


async def _shown(tx: Tx, principal: Principal, transfer_id: str) -> Transfer:
    summary = await tx.transfers.summary(transfer_id)
    if summary is None:
        raise NotFound(f"no transfer {transfer_id}", code="unknown_transfer")
    ids = await tx.transfers.documents(transfer_id)
    visible = await visible_to(tx.documents, principal, ids)
    records = [record for document_id in ids if document_id in visible
               if (record := await tx.documents.get(document_id)) is not None]
    return Transfer(transfer_id=transfer_id, recipient=summary.recipient,
                    reason=await tx.transfers.reason(transfer_id),
                    transferred_by=summary.transferred_by,
                    transferred_at=summary.transferred_at, items=summary.items,
                    documents=records)
