"""Corrections (更正, D6): metadata changes never overwrite, each is a new version.

An archivist corrects; the correction records who, when and why. It waits, ``pending``,
for someone other than the requester to approve it when it lowers protection (D10:
security lowered or ``personal_info`` cleared; a ``director`` or ``center_head``
approves, and the old level holds until then) or when the document is a working
document (D6: ``working``, still in use by a department; a ``manager`` approves). A
correction that only raises protection takes effect at once, working or not. The
approver is recorded with the version. A correction approved after the document changed
is refused (``stale_correction``): it was written against metadata that is no longer
there.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

import msgspec

from services.common.auth import Principal
from services.common.clock import Clock
from services.common.contracts.registry import (
    Decision,
    DocumentCorrected,
    DocumentRecord,
    SecurityChanged,
    feed_document,
)
from services.common.errors import (
    ArchiveError,
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from services.common.models import Role, security_rank
from services.registry.access import GrantSource, can
from services.registry.catalogue.models import (
    Correction,
    CorrectionRequest,
    CorrectionStatus,
    DocumentVersion,
    MetadataChanges,
)
from services.registry.catalogue.service import validated_category
from services.registry.journal.audit import AuditEntry
from services.registry.journal.service import JournalService
from services.registry.schedule.rules import RetentionRules, checked_date, retention_start
from services.registry.store import RegistryStore, Tx

LOWERING_APPROVERS: tuple[Role, ...] = ("director", "center_head")
"""D10: who approves lowering a document's protection."""
WORKING_APPROVERS: tuple[Role, ...] = ("manager",)
"""D6: who approves changes to a working document."""
PROTECTION_FIELDS = frozenset({"security", "personal_info"})


def lowers_protection(record: DocumentRecord, changes: MetadataChanges) -> bool:
    """D10: the correction lowers the security level or clears ``personal_info``."""
    lowered = (changes.security is not msgspec.UNSET
               and security_rank(changes.security) < security_rank(record.security))
    cleared = changes.personal_info is False and record.personal_info
    return lowered or cleared


def approvers_for(record: DocumentRecord, changes: MetadataChanges) -> tuple[Role, ...]:
    """Who must approve the correction; empty when it applies at once."""
    if lowers_protection(record, changes):
        return LOWERING_APPROVERS
    changed = {name for name, value in msgspec.structs.asdict(changes).items()
               if value is not msgspec.UNSET}
    if changed <= PROTECTION_FIELDS:  # D10: raising protection takes effect at once
        return ()
    return WORKING_APPROVERS if record.working else ()


def apply_changes(record: DocumentRecord, changes: MetadataChanges, rules: RetentionRules, *,
                  closed_on: date | None, at: datetime
                  ) -> tuple[DocumentRecord, dict[str, list[object]]]:
    """The next version of ``record`` and the fields it changes ([before, after]).

    A new category or date recomputes the retention class and ``disposal_due`` (R1).
    Raises ``ValidationFailed`` (``no_changes``) if nothing would change.
    """
    wanted: dict[str, object] = {
        name: value for name, value in msgspec.structs.asdict(changes).items()
        if value is not msgspec.UNSET
    }
    if "category" in wanted:
        wanted["category"] = validated_category(str(wanted["category"]))
    if isinstance(changes.filed_at, date):
        checked_date(changes.filed_at, "filed_at")
    diff = {name: [msgspec.to_builtins(getattr(record, name)), msgspec.to_builtins(value)]
            for name, value in wanted.items() if getattr(record, name) != value}
    if not diff:
        raise ValidationFailed("the correction changes nothing", code="no_changes")
    updated = msgspec.structs.replace(record, version=record.version + 1, updated_at=at,
                                      **{name: wanted[name] for name in diff})
    if "category" in diff or "filed_at" in diff:
        start = retention_start(updated.filed_at, closed_on)
        updated = msgspec.structs.replace(
            updated, retention_class=rules.class_of(updated.category), retention_start=start,
            disposal_due=rules.disposal_due(updated.category, start))
    return updated, diff


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
            refusal = _refusal(principal, can(principal, "correct", record, grants),
                               request.changes)
            if refusal is None and record is not None:
                correction = Correction(
                    correction_id=str(uuid.uuid4()), document_id=document_id,
                    base_version=record.version, changes=msgspec.to_builtins(request.changes),
                    reason=request.reason, requested_by=principal.username, requested_at=now,
                    status="pending")
                approvers = approvers_for(record, request.changes)
                if not approvers:
                    return await self._apply(tx, rules, record, correction, approver=None,
                                             at=now)
                # Validated now (unknown category, no change) rather than at approval.
                apply_changes(record, request.changes, rules, closed_on=None, at=now)
                await tx.history.save_correction(correction)
                await tx.audit(AuditEntry(
                    action="correction_requested", username=principal.username,
                    document_id=document_id,
                    detail={"correction_id": correction.correction_id,
                            "approvers": list(approvers)}), at=now)
                return correction
        assert refusal is not None
        await self.journal.refuse(principal, "correct", refusal.error(),
                                  document_id=document_id, code=refusal.code)

    async def approve(self, principal: Principal, correction_id: str, *, note: str | None
                      ) -> Correction:
        """Someone other than the requester, holding a role ``approvers_for`` names,
        approves a pending correction (D6, D10)."""
        grants = await self.grants.grants_for(principal)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            rules = await tx.schedule.rules(lock="share")
            correction = await self._pending(tx, correction_id)
            record = await tx.documents.get(correction.document_id, lock=True)
            refusal = _decider_refusal(principal, correction,
                                       can(principal, "read", record, grants), record)
            if refusal is None and record is not None:
                if record.version != correction.base_version:
                    raise Conflict("the document changed since this correction was asked "
                                   "for; reject it and ask again", code="stale_correction")
                decided = msgspec.structs.replace(correction, note=note)
                return await self._apply(tx, rules, record, decided, approver=principal.username,
                                         at=now)
        assert refusal is not None
        await self.journal.refuse(principal, "approve_correction", refusal.error,
                                  document_id=correction.document_id, code=refusal.code)

    async def reject(self, principal: Principal, correction_id: str, *, note: str | None
                     ) -> Correction:
        """Whoever may approve the correction may reject it instead."""
        grants = await self.grants.grants_for(principal)
        now = self.clock.now()
        async with self.store.transaction() as tx:
            correction = await self._pending(tx, correction_id)
            record = await tx.documents.get(correction.document_id)
            refusal = _decider_refusal(principal, correction,
                                       can(principal, "read", record, grants), record)
            if refusal is None:
                rejected = msgspec.structs.replace(correction, status="rejected",
                                                   decided_by=principal.username,
                                                   decided_at=now, note=note)
                await tx.history.save_correction(rejected)
                await tx.audit(AuditEntry(
                    action="correction_rejected", username=principal.username,
                    document_id=correction.document_id,
                    detail={"correction_id": correction_id}), at=now)
                return rejected
        await self.journal.refuse(principal, "reject_correction", refusal.error,
                                  document_id=correction.document_id, code=refusal.code)

    async def history(self, principal: Principal, document_id: str) -> list[DocumentVersion]:
        """Every version, oldest first, to whoever may read the record."""
        grants = await self.grants.grants_for(principal)
        async with self.store.transaction() as tx:
            record = await tx.documents.get(document_id)
            decision = can(principal, "read", record, grants)
            if decision.allowed:
                return await tx.history.versions(document_id)
        await self.journal.refuse(principal, "read_history", decision.error(),
                                  document_id=document_id, code=decision.code)

    async def corrections(self, principal: Principal, *, status: CorrectionStatus | None,
                          document_id: str | None, limit: int) -> list[Correction]:
        """Corrections of the documents the caller may see, oldest first."""
        grants = await self.grants.grants_for(principal)
        async with self.store.transaction() as tx:
            found = await tx.history.corrections(status=status, document_id=document_id,
                                                 limit=limit)
            visible = []
            for correction in found:
                record = await tx.documents.get(correction.document_id)
                if can(principal, "read", record, grants).allowed:
                    visible.append(correction)
        return visible

    async def _pending(self, tx: Tx, correction_id: str) -> Correction:
        correction = await tx.history.correction(correction_id, lock=True)
        if correction is None:
            raise NotFound(f"no correction {correction_id}", code="unknown_correction")
        if correction.status != "pending":
            raise Conflict(f"the correction is already {correction.status}",
                           code="invalid_transition")
        return correction

    async def _apply(self, tx: Tx, rules: RetentionRules, record: DocumentRecord,
                     correction: Correction, *, approver: str | None, at: datetime
                     ) -> Correction:
        closed_on = None
        if record.occupancy_id is not None:
            occupancy = await tx.households.occupancy(record.occupancy_id)
            closed_on = occupancy.moved_out if occupancy else None
        changes = msgspec.convert(correction.changes, MetadataChanges)
        updated, diff = apply_changes(record, changes, rules, closed_on=closed_on, at=at)
        await tx.documents.update(updated)
        await tx.history.add_version(
            updated, changes=diff, changed_by=correction.requested_by, changed_at=at,
            reason=correction.reason, approved_by=approver,
            correction_id=correction.correction_id)
        applied = msgspec.structs.replace(
            correction, status="applied", version=updated.version, decided_by=approver,
            decided_at=at if approver else None)
        await tx.history.save_correction(applied)
        await tx.emit(_event(record, updated, list(diff)), at=at)
        await tx.audit(AuditEntry(
            action="corrected", username=correction.requested_by,
            document_id=record.document_id,
            detail={"version": updated.version, "fields": sorted(diff),
                    "approved_by": approver, "correction_id": correction.correction_id}),
            at=at)
        return applied


def _refusal(principal: Principal, decision: Decision, changes: MetadataChanges
             ) -> Decision | None:
    if not decision.allowed:
        return decision
    if changes.security is not msgspec.UNSET and \
            security_rank(changes.security) > security_rank(principal.clearance):
        return Decision(allowed=False, code="above_clearance", reason=(
            f"you may not raise a document to {changes.security}, above your clearance"))
    return None


def _decider_refusal(principal: Principal, correction: Correction, decision: Decision,
                     record: DocumentRecord | None) -> _Refusal | None:
    """Why ``principal`` may not approve or reject ``correction``, or None if they may."""
    if not decision.allowed or record is None:
        return _Refusal(decision.error(), decision.code)
    if correction.requested_by == principal.username:
        return _Refusal(Forbidden("nobody approves their own correction",
                                  code="own_correction"), "own_correction")
    approvers = approvers_for(record, msgspec.convert(correction.changes, MetadataChanges))
    if not principal.has_role(*approvers):
        why = ("it lowers the document's protection (D10)"
               if approvers == LOWERING_APPROVERS else "the document is a working document (D6)")
        return _Refusal(Forbidden(f"{' or '.join(approvers) or 'nobody'} approves this "
                                  f"correction: {why}", code="role_required"), "role_required")
    return None


@dataclass(frozen=True)
class _Refusal:
    """A refusal to decide a correction, and the code its audit entry records."""

    error: ArchiveError
    code: str


def _event(before: DocumentRecord, after: DocumentRecord, fields: list[str]
           ) -> DocumentCorrected | SecurityChanged:
    if "security" in fields or "personal_info" in fields:
        return SecurityChanged(document=feed_document(after), fields=sorted(fields),
                               previous_security=before.security,
                               previous_personal_info=before.personal_info)
    return DocumentCorrected(document=feed_document(after), fields=sorted(fields))
