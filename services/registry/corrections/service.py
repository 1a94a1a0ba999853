"""Corrections (更正, D6): metadata changes never overwrite, each is a new version.

An archivist corrects; the correction records who, when and why. It waits, ``pending``,
for someone other than the requester to approve it when it lowers protection (D10:
security lowered or ``personal_info`` cleared; a ``director`` or ``center_head``
approves, and the old level holds until then), when it moves the document to another
household's file (D11: a ``manager`` approves) or when the document is a working
document (D6: ``working``, still in use by a department; a ``manager`` approves). A
correction that only raises protection takes effect at once, working or not. The
approver is recorded with the version, and the approval is audited under their name. A
correction of the filing year, category or household renumbers the document when it
applies (D11: the next number of the new series; the former one is kept,
``DocumentRecord.former_archive_nos``). A correction written against a version of the
record that is no longer the current one (``base_version``), or approved after the
document changed, is refused (``stale_correction``): it was written against metadata that
is no longer there, and would put back what someone changed meanwhile. Its proposer may
withdraw it while it is pending (撤回, ``withdrawn``); nobody else may. A document that
has left the archive is corrected no more, or only in part; one listed in a destruction
register not yet executed keeps its filing until the register is withdrawn, and one under
a legal hold its household and category until the hold is released (``correction_limit``,
``limit_refusal``: 409 ``document_destroyed``, ``already_transferred``,
``in_destruction_register``, ``on_hold``), when asked and when approved.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime
from typing import NoReturn

import msgspec

from services.common.auth import Principal
from services.common.clock import Clock
from services.common.contracts.corrections import (
    CorrectionDocument,
    OccupancyCorrectionRequest,
    approvers_for,
    awaits_decision,
)
from services.common.contracts.lending import AwaitingCount
from services.common.contracts.registry import DocumentRecord
from services.common.errors import Conflict, Forbidden, NotFound
from services.common.paging import MAX_PAGE
from services.registry.access import GrantSource, access_filter, can
from services.registry.catalogue.rules import renumbered
from services.registry.catalogue.service import correction_limit_of, file_to_household
from services.registry.corrections import occupancies
from services.registry.corrections.models import (
    Correction,
    CorrectionCount,
    CorrectionFilters,
    CorrectionRequest,
    MetadataChanges,
)
from services.registry.corrections.repository import Listing
from services.registry.corrections.rules import (
    apply_changes,
    change_event,
    correction_refusal,
    decider_refusal,
    limit_refusal,
)
from services.registry.households.service import seen_by
from services.registry.journal.models import AuditEntry
from services.registry.journal.service import JournalService
from services.registry.schedule.rules import RetentionRules
from services.registry.store import RegistryStore, Tx
from services.registry.transitions import in_state

_SCANNED = MAX_PAGE
"""Pending corrections read at a time while those awaiting a decision are counted."""


class CorrectionsService:
    def __init__(self, store: RegistryStore, clock: Clock, *, grants: GrantSource,
                 journal: JournalService) -> None:
        self.store = store
        self.clock = clock
        self.grants = grants
        self.journal = journal

    async def request(self, principal: Principal, document_id: str,
                      request: CorrectionRequest) -> Correction:
        """Apply the correction now, or leave it pending for ``approvers_for`` it."""
        grants = await self.grants.grants_for(principal)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            rules = await tx.schedule.rules(lock="share")
            record = await tx.documents.get(document_id, lock=True)
            refusal = correction_refusal(principal, can(principal, "correct", record, grants),
                                         request.changes)
            if refusal is None and record is not None:
                limit = await correction_limit_of(tx, record)
                if (closed := limit_refusal(record, request.changes, limit)) is not None:
                    raise closed
                if request.base_version is not None and request.base_version != record.version:
                    await _refuse_stale(tx, record, request.base_version)
                changes = msgspec.to_builtins(request.changes)
                correction = Correction(
                    correction_id=str(uuid.uuid4()), document_id=document_id,
                    base_version=record.version, changes=changes,
                    before=msgspec.to_builtins({name: getattr(record, name)
                                                for name in changes}),
                    reason=request.reason, requested_by=principal.username, requested_at=now,
                    status="pending")
                approvers = approvers_for(record, request.changes)
                if not approvers:
                    return await self._apply(tx, rules, record, correction, approver=None,
                                             at=now)
                # Answered as the queue lists it (its document, who approves it), read
                # before the validation below changes the record in hand.
                pending = _listed(correction, record)
                # Validated now (unknown category, no change) rather than at approval.
                apply_changes(record, request.changes, rules, occupants=(), at=now,
                              today=self.clock.day_of(now))
                await tx.corrections.refuse_same_pending(correction)
                await tx.corrections.save(correction)
                await tx.journal.audit(AuditEntry(
                    action="correction_requested", username=principal.username,
                    document_id=document_id,
                    detail={"correction_id": correction.correction_id,
                            "approvers": list(approvers)}), at=now)
                return pending
        assert refusal is not None
        await self.journal.refuse(principal, "correction_requested", refusal.error(),
                                  document_id=document_id, code=refusal.code)

    async def request_occupancy(self, principal: Principal, household: str,
                                occupancy_id: int, request: OccupancyCorrectionRequest
                                ) -> Correction:
        """D12: a correction of a registered occupancy, pending until a manager other
        than ``principal`` approves it (``occupancies.ask``)."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            return await occupancies.ask(tx, principal, household, occupancy_id, request,
                                         at=now, today=self.clock.day_of(now))

    async def approve(self, principal: Principal, correction_id: str, *, note: str | None
                      ) -> Correction:
        """Someone other than the requester, holding a role ``approvers_for`` names,
        approves a pending correction (D6, D10); a manager one of an occupancy (D12)."""
        grants = await self.grants.grants_for(principal)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            rules = await tx.schedule.rules(lock="share")
            correction = await self._pending(tx, correction_id)
            if correction.occupancy_id is not None:
                household = await occupancies.shown_household(tx, principal, correction)
                refusal = occupancies.decider_refusal(principal, correction, household)
                if refusal is None and household is not None:
                    applied = await occupancies.approved(
                        tx, household, correction, approver=principal.username, note=note,
                        at=now, today=self.clock.day_of(now))
                    await _tell_proposer(tx, applied, at=now)
                    return applied
                record = None
            else:
                assert correction.document_id is not None
                record = await tx.documents.get(correction.document_id, lock=True)
                refusal = decider_refusal(principal, correction,
                                          can(principal, "read", record, grants), record)
            if refusal is None and record is not None:
                changes = msgspec.convert(correction.changes, MetadataChanges)
                limit = await correction_limit_of(tx, record)
                if (closed := limit_refusal(record, changes, limit)) is not None:
                    raise closed
                if record.version != correction.base_version:
                    raise Conflict("the document changed since this correction was asked "
                                   "for; reject it and ask again", code="stale_correction")
                decided = msgspec.structs.replace(correction, note=note)
                applied = await self._apply(tx, rules, record, decided,
                                            approver=principal.username, at=now)
                await _tell_proposer(tx, applied, at=now)
                return applied
        assert refusal is not None
        await self.journal.refuse(principal, "corrected", refusal.error,
                                  document_id=correction.document_id, code=refusal.code)

    async def reject(self, principal: Principal, correction_id: str, *, note: str | None
                     ) -> Correction:
        """Whoever may approve the correction may reject it instead."""
        grants = await self.grants.grants_for(principal)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            correction = await self._pending(tx, correction_id)
            if correction.occupancy_id is not None:
                refusal = occupancies.decider_refusal(
                    principal, correction,
                    await occupancies.shown_household(tx, principal, correction))
            else:
                assert correction.document_id is not None
                record = await tx.documents.get(correction.document_id)
                refusal = decider_refusal(principal, correction,
                                          can(principal, "read", record, grants), record)
            if refusal is None:
                rejected = msgspec.structs.replace(correction, status="rejected",
                                                   decided_by=principal.username,
                                                   decided_at=now, note=note)
                await tx.corrections.save(rejected)
                await tx.journal.audit(AuditEntry(
                    action="correction_rejected", username=principal.username,
                    document_id=correction.document_id,
                    detail={"correction_id": correction_id}), at=now)
                await _tell_proposer(tx, rejected, at=now)
                return rejected
        await self.journal.refuse(principal, "correction_rejected", refusal.error,
                                  document_id=correction.document_id, code=refusal.code)

    async def withdraw(self, principal: Principal, correction_id: str) -> Correction:
        """The proposer takes back their own pending correction (撤回): ``withdrawn``, the
        record unchanged, and off the approvers' queue and count. Only the proposer may
        (403 ``not_proposer``), and only while it is pending (409)."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            correction = await self._pending(tx, correction_id)
            if correction.requested_by == principal.username:
                withdrawn = msgspec.structs.replace(correction, status="withdrawn",
                                                    decided_by=principal.username,
                                                    decided_at=now)
                await tx.corrections.save(withdrawn)
                await tx.journal.audit(AuditEntry(
                    action="correction_withdrawn", username=principal.username,
                    document_id=correction.document_id,
                    detail={"correction_id": correction_id}), at=now)
                return withdrawn
        await self.journal.refuse(principal, "correction_withdrawn", Forbidden(
            f"only {correction.requested_by}, who asked for this correction, may withdraw "
            "it; an approver rejects it instead", code="not_proposer"),
            document_id=correction.document_id)

    async def corrections(self, principal: Principal,
                          wanted: CorrectionFilters, *,
                          newest_first: bool = False, limit: int, offset: int = 0
                          ) -> list[Correction]:
        """Corrections of the documents the caller may see (a document above their
        clearance is not named, nor its corrections) and of the occupancies of the
        households they may know of (D12), oldest first unless ``newest_first``; each
        with its document (or occupancy) as it stands now and, while pending, the roles
        that approve it. ``offset`` and ``limit`` count the corrections the caller sees,
        so the pages of a list neither skip nor repeat one."""
        async with self.store.transaction() as tx:
            found = await tx.corrections.list(_listing(tx, principal, wanted),
                                              newest_first=newest_first, limit=limit,
                                              offset=offset)
            return [await _as_listed(tx, correction) for correction in found]

    async def count(self, principal: Principal,
                    wanted: CorrectionFilters) -> CorrectionCount:
        """How many corrections ``corrections`` lists with these filters, on every
        page: the count a paged list shows beside it."""
        async with self.store.transaction() as tx:
            return CorrectionCount(count=await tx.corrections.count(
                _listing(tx, principal, wanted)))

    async def awaiting_count(self, principal: Principal) -> AwaitingCount:
        """How many pending corrections the caller sees wait for their decision
        (``awaits_decision``: the count beside 更正审批 on every page)."""
        awaiting = 0
        async with self.store.transaction() as tx:
            listing = _listing(tx, principal, CorrectionFilters(status="pending"))
            for offset in itertools.count(0, _SCANNED):
                found = await tx.corrections.list(listing, limit=_SCANNED, offset=offset)
                for correction in found:
                    awaiting += awaits_decision(principal, await _as_listed(tx, correction))
                if len(found) < _SCANNED:
                    break
        return AwaitingCount(awaiting=awaiting)

    async def _pending(self, tx: Tx, correction_id: str) -> Correction:
        return in_state(await tx.corrections.get(correction_id, lock=True), "pending",
                        missing=NotFound(f"no correction {correction_id}",
                                         code="unknown_correction"),
                        refusal="the correction is already {status}")

    async def _apply(self, tx: Tx, rules: RetentionRules, record: DocumentRecord,
                     correction: Correction, *, approver: str | None, at: datetime
                     ) -> Correction:
        changes = msgspec.convert(correction.changes, MetadataChanges)
        household = record.household if changes.household is msgspec.UNSET \
            else changes.household or None
        if household is not None and household != record.household:
            # D11: held (or made) as filing holds it, so its occupants cannot change
            # while the document moves in.
            await file_to_household(tx, household, by=correction.requested_by, at=at)
        # Read after the document's row is locked: a change of the occupants history
        # waits for that row to place the document, so one of them sees the other.
        occupants = await tx.households.occupants(household) if household is not None else []
        updated, diff = apply_changes(record, changes, rules, occupants=occupants, at=at,
                                      today=self.clock.day_of(at))
        if renumbered(record, updated):
            # D11: the next number of its new series, by filing's counter; the number it
            # had stays its own (原档号), in its series for good.
            updated = msgspec.structs.replace(
                updated, archive_no=await tx.documents.next_archive_no(
                    updated.filed_at.year, updated.category, updated.household),
                former_archive_nos=[*record.former_archive_nos, record.archive_no])
            diff["archive_no"] = [record.archive_no, updated.archive_no]
        await tx.documents.update(updated)
        await tx.documents.add_version(
            updated, changes=diff, changed_by=correction.requested_by, changed_at=at,
            reason=correction.reason, approved_by=approver,
            correction_id=correction.correction_id)
        applied = msgspec.structs.replace(
            correction, status="applied", version=updated.version, decided_by=approver,
            decided_at=at if approver else None)
        await tx.corrections.save(applied)
        await tx.journal.emit(change_event(record, updated, list(diff)), at=at)
        # An approval is the approver's act, as a rejection is the decider's: it is
        # audited under their name, the proposer in the detail.
        await tx.journal.audit(AuditEntry(
            action="corrected", username=approver or correction.requested_by,
            document_id=record.document_id,
            detail={"version": updated.version, "fields": sorted(diff),
                    "requested_by": correction.requested_by, "approved_by": approver,
                    "correction_id": correction.correction_id,
                    **({"archive_no": updated.archive_no, "former_archive_no": record.archive_no}
                       if "archive_no" in diff else {})}),
            at=at)
        return applied


async def _refuse_stale(tx: Tx, record: DocumentRecord, base_version: int) -> NoReturn:
    """``Conflict(stale_correction)``: the record is no longer at ``base_version``, the
    version the correction was written against; naming who made the version it is at,
    and when, so the caller can read it and send their changes again."""
    latest = (await tx.documents.versions(record.document_id))[-1]
    raise Conflict(
        f"the record was changed by {latest.changed_by} at {latest.changed_at.isoformat()}"
        f" after version {base_version}, which the correction was written against; read"
        f" it (version {record.version}) and send your changes with base_version"
        f" {record.version}", code="stale_correction",
        extra={"version": record.version, "changed_by": latest.changed_by,
               "changed_at": latest.changed_at.isoformat()})


async def _tell_proposer(tx: Tx, decided: Correction, *, at: datetime) -> None:
    """The proposer is told of the decision, as a borrower of theirs (the pages show it
    with their other notifications)."""
    applied = decided.status == "applied"
    await tx.loans.notify(
        [decided.requested_by], kind="correction_applied" if applied else "correction_rejected",
        correction_id=decided.correction_id, at=at,
        message=f"your correction was {'approved' if applied else 'rejected'} by "
                f"{decided.decided_by}" + (f": {decided.note}" if decided.note else ""))


def _listing(tx: Tx, principal: Principal, wanted: CorrectionFilters) -> Listing:
    """The corrections with these filters that ``principal`` sees: of the documents they
    may know exist (``can``'s ``list``: the clearance ceiling; a loan's grant does not
    name a document above it), and of the occupancies of the households they may know
    of (D12, ``seen_by``)."""
    return Listing(access=access_filter(principal), seen=seen_by(tx, principal),
                   wanted=wanted)


async def _as_listed(tx: Tx, correction: Correction) -> Correction:
    """``correction`` as a list shows it, with what it corrects as it stands now."""
    if correction.occupancy_id is not None:
        return await occupancies.listed(tx, correction)
    assert correction.document_id is not None
    record = await tx.documents.get(correction.document_id)
    assert record is not None, "a corrected document's record is never deleted"
    return _listed(correction, record)


def _listed(correction: Correction, record: DocumentRecord) -> Correction:
    """``correction`` with its document now and, while pending, who approves it."""
    changes = msgspec.convert(correction.changes, MetadataChanges)
    current = msgspec.to_builtins({name: getattr(record, name) for name in correction.changes})
    return msgspec.structs.replace(
        correction,
        document=CorrectionDocument(archive_no=record.archive_no, title=record.title,
                                    version=record.version, current=current),
        approvers=list(approvers_for(record, changes)) if correction.status == "pending"
        else [])
