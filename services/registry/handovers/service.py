"""Handovers (移交, O1): every half year a service centre hands files to the company
archive with a transfer list (移交清单) signed by both sides.

A handover lists the documents of the households named and/or the documents named (each
once, active ones only: 409 ``document_destroyed``, ``already_transferred``). The person
who hands over (``handed_over_by``, the service centre's) and the archivist who receives
(``received_by``) each sign in their own session by re-entering their password, as the
destruction witnesses do (``services.registry.seal``); only those two sign (403
``not_a_signer``), a wrong password is 403 ``wrong_password``, and a side signs only if
cleared for every item (403 ``above_clearance``, ``common.clearance``; a handover naming a
side who is not is refused when drawn up, 422 ``signer_not_cleared``). Each signs the
items' digest as they stand. Once both have signed the handover is ``completed`` and, if it
names the archive's ``location``, each document's paper location becomes it (D7) as a
new version of its record (D6). Creation and each signature are audited (O4), and so is
a signature refused to someone not one of its two signers or not cleared
(``handover_signed``, refused). One not yet signed by both sides may be cancelled by an
archivist with a reason (``cancel``: a signer left, the list was wrong), audited; a new
one is drawn up instead. A handover as read names its signers whose accounts are
deactivated (``signers_left``), and a signer's departure or a change of their clearance
is refused while a handover waits for their signature (``waiting_on``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

import msgspec

from services.common.auth import Principal
from services.common.clearance import clearance_refusal
from services.common.clock import Clock
from services.common.contracts.accounts import User
from services.common.contracts.catalogue import SystemReason
from services.common.contracts.operations import (
    Handover,
    HandoverItem,
    HandoverRequest,
    HandoverSummary,
    Side,
    WaitingHandover,
)
from services.common.contracts.registry import (
    DocumentCorrected,
    DocumentRecord,
    PaperLocation,
    feed_document,
    in_file,
)
from services.common.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from services.common.names import written
from services.registry.access import known_to, visible_to
from services.registry.handovers import transfer_list
from services.registry.handovers.models import HandoverSignature
from services.registry.handovers.rules import READER_ROLES, RECEIVER_ROLE, complete, side_of
from services.registry.households.service import seen_by
from services.registry.journal.models import AuditEntry
from services.registry.journal.service import JournalService
from services.registry.seal import PasswordChecker, WitnessSeal, check_signers_password
from services.registry.store import RegistryStore, Tx, printed


class HandoverService:
    def __init__(self, store: RegistryStore, clock: Clock, journal: JournalService, *,
                 passwords: PasswordChecker, seal: WitnessSeal) -> None:
        self.store = store
        self.clock = clock
        self.journal = journal
        self.passwords = passwords
        self.seal = seal

    async def create(self, principal: Principal, request: HandoverRequest) -> Handover:
        """A handover awaiting both sides' signatures."""
        now = self.clock.now()
        handover_id = str(uuid.uuid4())
        async with self.store.transaction() as tx:
            signers = await _signers(tx, request)
            records = await _documents(tx, principal, request)
            _check_signers_cleared(signers, records)
            twin = await tx.handovers.same_awaiting(request, records, by=principal.username)
            if twin is not None:  # the same form sent twice: drawn up once
                raise Conflict(f"the same handover awaits its signatures already ({twin})",
                               code="handover_exists", extra={"handover_id": twin})
            await tx.handovers.insert(handover_id, request, records, by=principal.username,
                                      at=now)
            await tx.journal.audit(AuditEntry(
                action="handover_created", username=principal.username,
                detail={"handover_id": handover_id, "items": len(records),
                        "service_centre": request.service_centre,
                        "handed_over_by": request.handed_over_by,
                        "received_by": request.received_by}), at=now)
            return await self._shown(tx, principal, handover_id)

    async def sign(self, principal: Principal, handover_id: str,
                   signature: HandoverSignature) -> Handover:
        """O1: one side signs the items' digest with their own token and password."""
        await check_signers_password(self.passwords, self.journal, principal,
                                     signature.password, action="handover_signed",
                                     who_signs="each side")
        now = self.clock.now()
        async with self.store.transaction() as tx:
            current = await _locked(tx, handover_id)
            side = side_of(current, principal.username)
            refusal: Forbidden | None
            if side is None:
                refusal = Forbidden("only the person handing over and the archivist "
                                    "receiving sign a handover (O1)", code="not_a_signer")
            elif current.status != "awaiting_signatures":
                raise Conflict("the handover is complete: both sides have signed it, and "
                               "it is not signed again", code="invalid_transition")
            else:
                refusal = clearance_refusal(principal.clearance,
                                            await tx.handovers.levels(handover_id),
                                            decision="this handover", decided_by="signs it")
                if refusal is None:
                    return await self._signed(tx, current, principal, side,
                                              digest=signature.digest, at=now)
        await self.journal.refuse(principal, "handover_signed", refusal)

    async def cancel(self, principal: Principal, handover_id: str, reason: str) -> Handover:
        """O1: an archivist cancels a handover not yet signed by both sides, saying why (a
        signer left, the list was drawn up wrong): ``cancelled``, the signatures given
        void, audited (O4); a new one is drawn up in its place. Nothing else changes: the
        paper is where it was."""
        why = written(reason)
        if not why:
            raise ValidationFailed("say why the handover is cancelled (e.g. its signer has "
                                   "left); the reason is kept with it", code="reason_required")
        now = self.clock.now()
        async with self.store.transaction() as tx:
            current = await _locked(tx, handover_id)
            if current.status != "awaiting_signatures":
                raise Conflict(f"the handover is {current.status} already; only one still "
                               "waiting for a signature is cancelled", code="invalid_transition")
            await tx.handovers.cancel(handover_id, by=principal.username, at=now, reason=why)
            await tx.journal.audit(AuditEntry(
                action="handover_cancelled", username=principal.username,
                detail={"handover_id": handover_id, "reason": why,
                        "signed": sorted(s.side for s in current.signatures)}), at=now)
            return await self._shown(tx, principal, handover_id)

    async def _signed(self, tx: Tx, current: Handover, principal: Principal, side: Side, *,
                      digest: str | None, at: datetime) -> Handover:
        """``principal`` signs ``current`` as ``side``, on the items' ``digest`` they
        checked (if given); once both sides have, it completes."""
        handover_id = current.handover_id
        signed = await tx.handovers.digest(handover_id)
        if digest is not None and digest != signed:
            raise Conflict("the handover's items changed since you checked them; check "
                           "them again and sign their new digest",
                           code="handover_changed", extra={"digest": signed})
        await tx.handovers.sign(
            handover_id, principal.username, side, at=at, digest=signed,
            signature=self.seal.sign(handover_id, principal.username, at, signed))
        sides = {s.side for s in current.signatures
                 if s.username != principal.username} | {side}
        await tx.journal.audit(AuditEntry(
            action="handover_signed", username=principal.username,
            detail={"handover_id": handover_id, "side": side, "digest": signed}), at=at)
        if complete(sides) and await self._all_verify(tx, handover_id, signed):
            await self._complete(tx, current, principal)
        return await self._shown(tx, principal, handover_id)

    async def _all_verify(self, tx: Tx, handover_id: str, digest: str) -> bool:
        return all(self.seal.holds(handover_id, stored, digest)
                   for stored in await tx.handovers.stored_signatures(handover_id))

    async def _complete(self, tx: Tx, handover: Handover, principal: Principal) -> None:
        now = self.clock.now()
        await tx.handovers.complete(handover.handover_id, at=now)
        relocated: list[tuple[DocumentRecord, DocumentRecord]] = []
        if handover.location is not None:
            found = await tx.handovers.get(handover.handover_id)
            assert found is not None
            for item in found.items:
                record = await tx.documents.get(item.document_id, lock=True)
                if record is not None and record.location != handover.location:
                    relocated.append(await _relocate(tx, record, handover, now))
        # The journal is appended last in the transaction (see services.registry.journal).
        for _, updated in relocated:
            await tx.journal.emit(DocumentCorrected(document=feed_document(updated),
                                                    fields=["location"]), at=now)
        await tx.journal.audit(AuditEntry(
            action="handover_completed", username=principal.username,
            detail={"handover_id": handover.handover_id, "relocated": len(relocated)}),
            at=now)

    async def get(self, principal: Principal, handover_id: str) -> Handover:
        """To the archive's readers and the two signers; to others it does not exist."""
        async with self.store.snapshot() as tx:
            shown = await self._shown(tx, principal, handover_id)
        if not principal.has_role(*READER_ROLES) and side_of(shown, principal.username) is None:
            raise _unknown(handover_id)
        return shown

    async def summaries(self, *, limit: int, offset: int) -> list[HandoverSummary]:
        async with self.store.snapshot() as tx:
            return await tx.handovers.summaries(limit=limit, offset=offset)

    async def transfer_list_pdf(self, principal: Principal, handover_id: str) -> bytes:
        """The transfer list, two copies, printable, naming people by their full names;
        rendering runs in a thread."""
        handover = await self.get(principal, handover_id)
        return await printed(self.store, transfer_list.pdf, handover, self.clock.zone,
                             naming=transfer_list.signers(handover))

    async def transfer_list_csv(self, principal: Principal, handover_id: str) -> bytes:
        return transfer_list.csv(await self.get(principal, handover_id))

    async def _shown(self, tx: Tx, principal: Principal, handover_id: str) -> Handover:
        """The handover, its items redacted where the reader is not cleared for them."""
        found = await tx.handovers.get(handover_id)
        if found is None:
            raise _unknown(handover_id)
        visible = await visible_to(tx.documents, principal,
                                   (item.document_id for item in found.items))
        left = [username for username in (found.handed_over_by, found.received_by)
                if not await _active(tx, username)]
        return msgspec.structs.replace(found, signers_left=left, items=[
            item if item.document_id in visible else _redacted(item) for item in found.items])


def _unknown(handover_id: str) -> NotFound:
    return NotFound(f"no handover {handover_id}", code="unknown_handover")


async def _locked(tx: Tx, handover_id: str) -> Handover:
    """The handover without its items, its row locked until ``tx`` ends."""
    current = await tx.handovers.header(handover_id, lock=True)
    if current is None:
        raise _unknown(handover_id)
    return current


async def waiting_on(tx: Tx, before: User, after: User | None) -> list[WaitingHandover]:
    """O1, in the transaction ``tx`` of a change of ``before`` to ``after`` (None: a
    departure): the handovers waiting for ``before``'s signature that ``after`` could
    not give (gone, or no longer cleared for every item). ``AccountsService`` refuses
    the change on any: they sign first, or an archivist cancels the handover."""
    if not before.active:
        return []
    found = []
    for handover in await tx.handovers.awaiting_signature_of(before.username):
        side = side_of(handover, before.username)
        assert side is not None
        if after is None or not after.active or clearance_refusal(
                after.clearance, await tx.handovers.levels(handover.handover_id),
                decision="the handover", decided_by="signs it") is not None:
            found.append(WaitingHandover(
                handover_id=handover.handover_id, service_centre=handover.service_centre,
                side=side, created_at=handover.created_at))
    return found


async def _active(tx: Tx, username: str) -> bool:
    account = await tx.accounts.get(username)
    return account is not None and account.user.active


async def _signers(tx: Tx, request: HandoverRequest) -> list[User]:
    """The two sides, active users, the receiver an archivist."""
    if request.handed_over_by == request.received_by:
        raise ValidationFailed("a handover has two sides: the person handing over and the "
                               "archivist receiving are different people (O1)",
                               code="same_person")
    signers = []
    for username in (request.handed_over_by, request.received_by):
        account = await tx.accounts.get(username)
        if account is None or not account.user.active:
            raise ValidationFailed(f"no active user {username!r}", code="unknown_user")
        if username == request.received_by and RECEIVER_ROLE not in account.user.roles:
            raise ValidationFailed(f"{username!r} is not an archivist; the archive's "
                                   "archivist receives a handover", code="receiver_not_archivist")
        signers.append(account.user)
    return signers


def _check_signers_cleared(signers: list[User], records: list[DocumentRecord]) -> None:
    """Each side signs only if cleared for every item (``sign``): a handover a side could
    never sign would wait for ever, so it is not drawn up (``signer_not_cleared``)."""
    for signer in signers:
        refusal = clearance_refusal(signer.clearance,
                                    [record.security for record in records],
                                    decision="the handover", decided_by="signs it")
        if refusal is not None:
            needed = refusal.extra["clearance_needed"]
            raise ValidationFailed(
                f"{signer.username} is cleared to {signer.clearance}, and "
                f"{refusal.extra['documents_above']} document(s) handed over need "
                f"{needed}, so {signer.username} could not sign: name someone cleared to "
                f"{needed}, or leave those documents out", code="signer_not_cleared",
                extra={**refusal.extra, "signer": signer.username,
                       "signer_clearance": signer.clearance})


async def _documents(tx: Tx, principal: Principal, request: HandoverRequest
                     ) -> list[DocumentRecord]:
    """The documents handed over: the households' files, then the documents named. A
    household ``principal`` may not know of (``seen_by``) is ``unknown_household``, as a
    unit code never used (D1): the signers' clearance is not asked about its documents."""
    if not request.households and not request.documents:
        raise ValidationFailed("name the households and/or documents handed over",
                               code="nothing_to_hand_over")
    for household in request.households or ():
        await tx.households.existing(household, seen=seen_by(tx, principal))
    records = {record.document_id: record
               for record in await tx.documents.of_households(request.households or ())
               if in_file(record)}
    for document_id in request.documents or ():
        record = known_to(principal, await tx.documents.get(document_id), document_id)
        refuse_inactive([record])
        records.setdefault(document_id, record)
    if not records:
        raise Conflict("those households have no document in the archive",
                       code="nothing_to_hand_over")
    return list(records.values())


def refuse_inactive(records: Iterable[DocumentRecord]) -> None:
    """409 for a document no longer in the archive (destroyed, or transferred out)."""
    for record in records:
        if record.status == "destroyed":
            raise Conflict(f"{record.archive_no} was destroyed", code="document_destroyed",
                           extra={"document_id": record.document_id})
        if record.status == "transferred":
            raise Conflict(f"{record.archive_no} was already transferred out",
                           code="already_transferred",
                           extra={"document_id": record.document_id})


async def _relocate(tx: Tx, record: DocumentRecord, handover: Handover, now: datetime
                    ) -> tuple[DocumentRecord, DocumentRecord]:
    """D7: the paper is now where the archive keeps it, a new version of the record (D6)."""
    location: PaperLocation | None = handover.location
    assert location is not None
    updated = msgspec.structs.replace(record, location=location, version=record.version + 1,
                                      updated_at=now)
    await tx.documents.update(updated)
    await tx.documents.add_version(
        updated, changes={"location": [msgspec.to_builtins(record.location),
                                       msgspec.to_builtins(location)]},
        changed_by=handover.received_by, changed_at=now,
        reason=SystemReason(
            code="handed_over",
            values={"handover_id": handover.handover_id,
                    "service_centre": handover.service_centre},
            sentence=f"handover (移交) {handover.handover_id} from {handover.service_centre}"))
    return record, updated


def _redacted(item: HandoverItem) -> HandoverItem:
    return msgspec.structs.replace(item, document_id="", archive_no="", title="",
                                   household=None, redacted=True)
