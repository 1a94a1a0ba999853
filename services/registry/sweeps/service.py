"""Retention sweeps (登记造册), appraisal (鉴定) and the director's approval (R2–R5).

A sweep lists the documents due by ``as_of``; each item is then appraised by at least
two people who must agree (``rules.agreement``). The director approves the whole list
once every item is decided: items decided ``destroy`` wait apart until
``destroy_after`` (R5), still readable and findable; ``keep`` and ``reappraise`` change
the document's due date at once, as a new version of its record (D6) with a
``document_corrected`` event, so the object store's lock follows (architecture, 2).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

import msgspec

from services.common.auth import Principal
from services.common.clock import Clock
from services.common.contracts.lending import AwaitingCount
from services.common.contracts.registry import (
    DocumentCorrected,
    DocumentRecord,
    feed_document,
)
from services.common.contracts.retention import (
    Appraisal,
    AppraisalDecision,
    Sweep,
    SweepItem,
    SweepRequest,
    SweepStatus,
    SweepSummary,
)
from services.common.errors import Conflict, NotFound, ValidationFailed
from services.registry.access import visible_to
from services.registry.households.rules import version_changes
from services.registry.journal.models import AuditEntry
from services.registry.journal.service import JournalService
from services.registry.schedule.rules import RetentionRules
from services.registry.store import RegistryStore, Tx
from services.registry.sweeps.models import AppraisalRequest
from services.registry.sweeps.release import release_before
from services.registry.sweeps.rules import (
    Agreement,
    agreement,
    appraisal_reason,
    checked_request,
    destroy_after,
    kept_class,
    new_disposal_due,
    still_missing,
)
from services.registry.transitions import in_state

KEPT_FIELDS = ("retention_class", "disposal_due")
"""What keeping a document after appraisal changes (R3)."""

HIDDEN = ""
"""What a redacted row has in place of an identifier."""


class SweepsService:
    def __init__(self, store: RegistryStore, clock: Clock, journal: JournalService, *,
                 wait_days: int) -> None:
        self.store = store
        self.clock = clock
        self.journal = journal
        self.wait_days = wait_days

    async def start(self, principal: Principal, request: SweepRequest) -> Sweep:
        """R2: list every document due by ``as_of`` that is not permanent, held, on loan
        (those due it names in ``left_on_loan``) or already in a sweep; a dry run records
        nothing, and neither does a sweep that would list nothing (``Conflict``
        ``nothing_due``): it would wait for an appraisal and an approval of nothing."""
        now = self.clock.now()
        today = self.clock.day_of(now)
        as_of = request.as_of or today
        if as_of > today and not request.dry_run:
            raise ValidationFailed(f"as_of {as_of} is in the future; a sweep lists what is "
                                   "due already, and only a dry run (archive sweep --dry-run, "
                                   "or dry_run=true) looks ahead", code="as_of_in_future")
        if not request.dry_run:  # a document no longer due leaves its sweep, for this one
            await release_before(self.store, by=principal.username, at=now)
        async with self.store.transaction() as tx:
            due = await tx.sweeps.due(as_of, categories=request.categories)
            lent = await tx.loans.on_loan([r.document_id for r in due])
            lent_due = [r for r in due if r.document_id in lent and r.disposal_due]
            seen = await visible_to(tx.documents, principal,
                                    [r.document_id for r in lent_due])
            left_on_loan = [r.archive_no if r.document_id in seen else HIDDEN
                            for r in lent_due]
            sweep = Sweep(
                sweep_id=None if request.dry_run else str(uuid.uuid4()),
                status="dry_run" if request.dry_run else "appraisal", as_of=as_of,
                categories=request.categories, created_by=principal.username, created_at=now,
                items=[SweepItem(document_id=r.document_id, archive_no=r.archive_no,
                                 category=r.category, disposal_due=r.disposal_due)
                       for r in due if r.document_id not in lent and r.disposal_due])
            if request.dry_run:
                return msgspec.structs.replace(await sweep_for(tx, principal, sweep),
                                               left_on_loan=left_on_loan)
            if not sweep.items:
                raise Conflict(f"nothing is due by {as_of} (permanent, held and lent "
                               "documents and those already in a sweep are not listed); "
                               "no sweep was recorded", code="nothing_due",
                               extra={"as_of": as_of.isoformat(),
                                      "left_on_loan": left_on_loan})
            await tx.sweeps.insert(sweep)
            await tx.journal.audit(AuditEntry(
                action="sweep_started", username=principal.username,
                detail={"sweep_id": sweep.sweep_id, "as_of": as_of.isoformat(),
                        "items": len(sweep.items)}), at=now)
            return msgspec.structs.replace(await sweep_for(tx, principal, sweep),
                                           left_on_loan=left_on_loan)

    async def get(self, principal: Principal, sweep_id: str) -> Sweep:
        """The sweep, its items redacted where the reader is not cleared for them."""
        async with self.store.transaction() as tx:
            sweep = await tx.sweeps.get(sweep_id)
            if sweep is None:
                raise NotFound(f"no sweep {sweep_id}", code="unknown_sweep")
            return await sweep_for(tx, principal, sweep)

    async def summaries(self, *, status: SweepStatus | None, limit: int, offset: int
                        ) -> list[SweepSummary]:
        async with self.store.transaction() as tx:
            return await tx.sweeps.summaries(status=status, limit=limit,
                                             offset=offset)

    async def awaiting_approval_count(self) -> AwaitingCount:
        """How many sweeps wait for the director's approval (the count beside 保管与销毁
        in their top bar), all of them, not those of a page."""
        async with self.store.snapshot() as tx:
            return AwaitingCount(awaiting=await tx.sweeps.awaiting_approval_count())

    async def appraise(self, principal: Principal, sweep_id: str, request: AppraisalRequest
                       ) -> SweepItem:
        """One appraiser's decision, recorded verbatim; the item is decided once two
        qualified appraisers agree (R2, R4). An appraiser must be cleared for the document."""
        now = self.clock.now()
        checked_request(request, today=self.clock.day_of(now))
        await release_before(self.store, by=principal.username, at=now)
        async with self.store.transaction() as tx:
            await _open_sweep(tx, sweep_id)
            item = await tx.sweeps.item(sweep_id, request.document_id, lock=True)
            record = await tx.documents.get(request.document_id)
            missing = NotFound(f"document {request.document_id} is not in sweep {sweep_id}",
                               code="not_in_sweep")
            if item is None or record is None:
                raise missing
            if principal.cleared_for(record.security):
                _refuse_released(item)
                return await self._record(tx, principal, sweep_id, item, request, now)
        # Not cleared: answered as if the document were not in the sweep (issue 14).
        await self.journal.refuse(principal, "appraised", missing,
                                  document_id=request.document_id, code="not_visible")

    async def _record(self, tx: Tx, principal: Principal, sweep_id: str,
                      item: SweepItem, request: AppraisalRequest, now: datetime
                      ) -> SweepItem:
        appraisal = Appraisal(
            appraiser=principal.username, roles=sorted(principal.roles),
            department=principal.department, decision=request.decision,
            opinion=request.opinion, at=now, keep_until=request.keep_until,
            keep_class=request.keep_class)
        await tx.sweeps.save_appraisal(sweep_id, item.document_id, appraisal)
        opinions = await tx.sweeps.appraisals(sweep_id, document_id=item.document_id)
        agreed = agreement(item.category, opinions.get(item.document_id, []))
        await tx.sweeps.set_outcome(sweep_id, item.document_id, agreed)
        await tx.journal.audit(AuditEntry(
            action="appraised", username=principal.username, document_id=item.document_id,
            detail={"sweep_id": sweep_id, "decision": request.decision,
                    "opinion": request.opinion,
                    "keep_until": request.keep_until.isoformat() if request.keep_until
                    else None, "keep_class": request.keep_class,
                    "outcome": agreed.decision if agreed else "undecided"}), at=now)
        updated = await tx.sweeps.item(sweep_id, item.document_id)
        assert updated is not None
        [seen] = await items_for(tx, principal, sweep_id, [updated])
        return seen

    async def approve(self, principal: Principal, sweep_id: str, *, note: str | None
                      ) -> Sweep:
        """R2: the director approves once every item is decided. ``destroy`` items wait
        apart until ``destroy_after`` (R5); ``keep``/``reappraise`` get their new due date."""
        now = self.clock.now()
        await release_before(self.store, by=principal.username, at=now)
        async with self.store.transaction() as tx:
            rules = await tx.schedule.rules(lock="share")
            await _open_sweep(tx, sweep_id)
            items = [item for item in await tx.sweeps.items(sweep_id)
                     if item.state == "appraisal"]  # not those no longer due
            undecided = [item.document_id for item in items if item.outcome == "undecided"]
            if undecided:
                named = await visible_to(tx.documents, principal, undecided)
                raise Conflict(f"{len(undecided)} item(s) are not decided yet: two "
                               "appraisers must agree on each (R2)",
                               code="appraisal_incomplete",
                               extra={"documents": [d for d in undecided if d in named]})
            after = destroy_after(self.clock.day_of(now), wait_days=self.wait_days)
            destroyed = [item.document_id for item in items if item.outcome == "destroy"]
            await tx.sweeps.set_state(sweep_id, destroyed, "waiting")
            kept = [await self._keep(tx, rules, principal, sweep_id, item, now)
                    for item in items if item.outcome != "destroy"]
            await tx.sweeps.decide(sweep_id, "approved", by=principal.username, at=now,
                                   note=note, destroy_after=after)
            await self._journal_approval(tx, principal, sweep_id, destroyed, kept, after, now)
            approved = await tx.sweeps.get(sweep_id)
            assert approved is not None
            return await sweep_for(tx, principal, approved)

    async def _keep(self, tx: Tx, rules: RetentionRules, principal: Principal,
                    sweep_id: str, item: SweepItem, now: datetime
                    ) -> tuple[DocumentRecord, DocumentRecord]:
        """R3: the kept document's new class and due date, as a new version (D6)."""
        record = await tx.documents.get(item.document_id, lock=True)
        assert record is not None
        decision: AppraisalDecision = "keep" if item.outcome == "keep" else "reappraise"
        agreed = Agreement(decision=decision, keep_until=item.keep_until,
                           keep_class=item.keep_class,
                           appraisers=tuple(a.appraiser for a in item.appraisals))
        due = new_disposal_due(agreed, record.retention_class, rules,
                               approved_on=self.clock.day_of(now))
        updated = msgspec.structs.replace(
            record, retention_class=kept_class(record.retention_class, agreed),
            disposal_due=due, version=record.version + 1, updated_at=now)
        changes = version_changes(record, updated, KEPT_FIELDS)
        await tx.documents.update(updated)
        await tx.documents.add_version(
            updated, changes=changes, changed_by=principal.username, changed_at=now,
            reason=appraisal_reason(sweep_id, decision, agreed.appraisers),
            approved_by=principal.username)
        await tx.sweeps.set_state(sweep_id, [item.document_id], "kept", new_disposal_due=due)
        return record, updated

    async def _journal_approval(self, tx: Tx, principal: Principal, sweep_id: str,
                                destroyed: list[str],
                                kept: list[tuple[DocumentRecord, DocumentRecord]],
                                after: date, now: datetime) -> None:
        # The journal is appended last in the transaction (see services.registry.journal).
        for before, updated in kept:
            fields = list(version_changes(before, updated, KEPT_FIELDS))
            await tx.journal.emit(DocumentCorrected(document=feed_document(updated),
                                                    fields=fields), at=now)
        for document_id in destroyed:
            await tx.journal.audit(AuditEntry(
                action="approved_for_destruction", username=principal.username,
                document_id=document_id,
                detail={"sweep_id": sweep_id, "destroy_after": after.isoformat()}), at=now)
        for _, updated in kept:
            await tx.journal.audit(AuditEntry(
                action="kept_after_appraisal", username=principal.username,
                document_id=updated.document_id,
                detail={"sweep_id": sweep_id, "retention_class": updated.retention_class,
                        "disposal_due": updated.disposal_due.isoformat()
                        if updated.disposal_due else None}), at=now)
        await tx.journal.audit(AuditEntry(action="sweep_approved", username=principal.username,
                                          detail={"sweep_id": sweep_id, "destroy": len(destroyed),
                                             "kept": len(kept)}), at=now)

    async def reject(self, principal: Principal, sweep_id: str, *, note: str) -> Sweep:
        """The director sends the list back, saying why (``note``): its items are
        released, swept again later."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            await _open_sweep(tx, sweep_id)
            items = await tx.sweeps.items(sweep_id)
            await tx.sweeps.set_state(sweep_id, [item.document_id for item in items
                                                 if item.state == "appraisal"], "released")
            await tx.sweeps.decide(sweep_id, "rejected", by=principal.username, at=now,
                                   note=note, destroy_after=None)
            await tx.journal.audit(AuditEntry(action="sweep_rejected", username=principal.username,
                                              detail={"sweep_id": sweep_id, "note": note}), at=now)
            rejected = await tx.sweeps.get(sweep_id)
            assert rejected is not None
            return await sweep_for(tx, principal, rejected)


def _refuse_released(item: SweepItem) -> None:
    """An item no longer due has left the sweep: nothing to appraise."""
    if item.state == "no_longer_due":
        raise Conflict(f"document {item.document_id} is no longer due (its due date moved "
                       f"to {item.new_disposal_due or 'never: permanent'}); it left this "
                       "sweep and a later one lists it when due", code="no_longer_due")


async def _open_sweep(tx: Tx, sweep_id: str) -> Sweep:
    """The sweep, locked, if it is still under appraisal."""
    return in_state(await tx.sweeps.head(sweep_id, lock=True), "appraisal",
                    missing=NotFound(f"no sweep {sweep_id}", code="unknown_sweep"),
                    refusal="the sweep is {status}; its appraisal is closed")


async def sweep_for(tx: Tx, principal: Principal, sweep: Sweep) -> Sweep:
    """The sweep as ``principal`` may read it (``items_for``)."""
    return msgspec.structs.replace(
        sweep, items=await items_for(tx, principal, sweep.sweep_id, sweep.items))


async def items_for(tx: Tx, principal: Principal, sweep_id: str | None,
                    items: list[SweepItem]) -> list[SweepItem]:
    """Items of a sweep (none recorded: a dry run) as ``principal`` may read them, each
    with its title, what it still needs (R2, R4), whether a hold covers it now (R7) or a
    loan has it out, and the register that lists it (R6); an open item whose document is
    no longer due reads ``no_longer_due`` (``release``). Every answer that shows an item
    shows it so."""
    moved = {m.document_id: m for m in await tx.sweeps.no_longer_due(
        sweep_id=sweep_id)} if sweep_id else {}
    items = [msgspec.structs.replace(item, state="no_longer_due",
                                     new_disposal_due=moved[item.document_id].now_due)
             if item.document_id in moved else item for item in items]
    ids = [item.document_id for item in items]
    visible = await visible_to(tx.documents, principal, ids)
    held = await tx.holds.held(ids) if ids else set()
    lent = await tx.loans.on_loan(ids) if ids else set()
    titles = await tx.documents.titles(ids) if ids else {}
    registers = await tx.registers.pending_in(ids) if ids else {}
    shown = [msgspec.structs.replace(
        item, held=item.document_id in held, on_loan=item.document_id in lent,
        title=titles.get(item.document_id),
        destruction_id=registers.get(item.document_id) if item.state == "waiting" else None,
        missing=still_missing(item.category, item.appraisals)
        if item.state == "appraisal" else []) for item in items]
    return [item if item.document_id in visible else _sweep_item(item) for item in shown]


def _sweep_item(item: SweepItem) -> SweepItem:
    return msgspec.structs.replace(
        item, document_id=HIDDEN, archive_no=HIDDEN, title=None, redacted=True,
        destruction_id=None, earlier=[],
        appraisals=[msgspec.structs.replace(a, opinion=HIDDEN) for a in item.appraisals])
