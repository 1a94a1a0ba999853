"""Destruction registers (销毁清册, R5–R7): drawn up, witnessed, executed, printed.

A register lists approved items past ``destroy_after`` (R5); held or lent documents are
refused (409 ``on_hold``/``on_loan``): leave them out with ``documents``. At least two
different witnesses (监销人) sign, each with their own token and re-entered password,
before execution (R6, 409 ``witnesses_missing``). A witness signs the items as they
stand (``signatures``): execution recomputes their digest and refuses if any signature
no longer matches it (409 ``signatures_void``). Whoever drew up the register does not
witness it (403 ``own_register``), and a witness does not execute it (403
``witness_executes``). Execution is accepted, recorded as
``executing`` and carried out by the ``DestructionExecutor``. Registers are never
deleted; a register not yet executing may be cancelled, its items then wait again.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from datetime import date

import msgspec

from services.common.auth import Principal
from services.common.clock import Clock
from services.common.contracts.registry import DocumentRecord
from services.common.contracts.retention import (
    SIGNABLE,
    Destruction,
    DestructionStatus,
    DestructionSummary,
    DisposalStanding,
    RegisterItem,
    Tombstone,
    WithheldReason,
)
from services.common.errors import Conflict, Forbidden, NotFound
from services.registry.access import known_to, visible_to
from services.registry.destruction import register
from services.registry.destruction.executor import DestructionExecutor
from services.registry.destruction.models import DestructionRequest, WitnessSignature
from services.registry.destruction.protection import stopped
from services.registry.destruction.rules import (
    awaits_signature_from,
    witnesses_missing,
)
from services.registry.journal.models import AuditEntry
from services.registry.journal.service import JournalService
from services.registry.seal import PasswordChecker, WitnessSeal, check_signers_password
from services.registry.store import RegistryStore, Tx, printed
from services.registry.sweeps.release import release_before

HIDDEN = ""
"""What a redacted row has in place of an identifier."""
PROTECTION_REFUSALS: dict[WithheldReason, tuple[str, str]] = {
    "on_hold": ("on_hold", "are under a legal hold and cannot be destroyed (R7); leave "
                "them out or release the hold"),
    "on_loan": ("on_loan", "are out on loan; they are destroyed only once returned"),
    "not_due": ("no_longer_due", "are no longer due by the sweep's date (a move-out, a "
                "correction or a schedule change moved their date on), so they left the "
                "sweep, even if their date has moved back since: leave them out; the sweep "
                "that finds them due lists them again"),
}
"""What stops a register being drawn up or executed, by the code of its refusal (409);
a register drawn up already leaves them out by being cancelled and drawn up again."""
AUDITED_REFUSALS = frozenset({"on_hold", "on_loan", "witnesses_missing", "not_yet_due",
                              "no_longer_due", "signatures_void", "witness_executes"})


class DestructionService:
    def __init__(self, store: RegistryStore, clock: Clock, journal: JournalService, *,
                 passwords: PasswordChecker, seal: WitnessSeal) -> None:
        self.store = store
        self.seal = seal
        self.clock = clock
        self.journal = journal
        self.passwords = passwords
        self.executor = DestructionExecutor(store, clock)
        """Carries out registers; ``bootstrap`` resumes those a crash interrupted."""

    async def standing(self, principal: Principal, document_id: str
                       ) -> DisposalStanding | None:
        """Where a document the reader may see stands on its way to destruction; none
        when no open sweep lists it. Approved and waiting, what stops it being destroyed
        now (a hold, a loan: ``stopped``), so its page does not promise a destruction
        that a register would refuse."""
        async with self.store.transaction() as tx:
            if document_id not in await visible_to(tx.documents, principal, [document_id]):
                raise NotFound(f"no document {document_id}", code="unknown_document")
            standing = await tx.registers.standing(document_id)
            if standing is None or standing.state != "waiting":
                return standing
            stops = await stopped(tx, await _records(tx, [document_id]),
                                  sweep_id=standing.sweep_id)
            return msgspec.structs.replace(standing, stopped_by=stops.get(document_id))

    async def create(self, principal: Principal, request: DestructionRequest) -> Destruction:
        """A register of the sweep's approved items past ``destroy_after`` (all of them
        not yet in a register, or the ``documents`` named)."""
        now = self.clock.now()
        destruction_id = str(uuid.uuid4())
        # R1: an item no longer due leaves its sweep first; it is not destroyed on the
        # approval of a date that no longer holds.
        await release_before(self.store, by=principal.username, at=now)
        async with self._refusals_audited(principal, "destruction_registered"), \
                self.store.transaction() as tx:
            sweep = await tx.sweeps.head(request.sweep_id, lock=True)
            if sweep is None:
                raise NotFound(f"no sweep {request.sweep_id}", code="unknown_sweep")
            if sweep.status != "approved" or sweep.destroy_after is None:
                raise Conflict(f"the sweep is {sweep.status}; only an approved sweep's "
                               "items are destroyed (R2)", code="sweep_not_approved")
            chosen = await self._chosen(tx, principal, request)
            if self.clock.day_of(now) < sweep.destroy_after:
                raise Conflict(f"approved items wait apart until {sweep.destroy_after} "
                               "(R5)", code="not_yet_due",
                               extra={"destroy_after": sweep.destroy_after.isoformat()})
            records = await self._refuse_protected(tx, principal, request.sweep_id, chosen)
            await tx.registers.insert(destruction_id, request.sweep_id, records,
                                      by=principal.username, at=now)
            await tx.journal.audit(AuditEntry(
                action="destruction_registered", username=principal.username,
                detail={"destruction_id": destruction_id, "sweep_id": request.sweep_id,
                        "items": len(records)}), at=now)
            created = await tx.registers.get(destruction_id)
            assert created is not None
            return await register_for(tx, principal, created)

    async def _chosen(self, tx: Tx, principal: Principal,
                      request: DestructionRequest) -> list[str]:
        waiting = [item.document_id for item in await tx.sweeps.items(request.sweep_id)
                   if item.state == "waiting"]
        registered = await tx.registers.registered(waiting)
        candidates = [document_id for document_id in waiting if document_id not in registered]
        if request.documents is None:
            chosen = candidates
        else:
            wanted = set(request.documents)
            chosen = [document_id for document_id in candidates if document_id in wanted]
            others = sorted(wanted - set(chosen))
            if others:
                raise Conflict(f"{len(others)} document(s) are not approved items of this "
                               "sweep waiting for destruction", code="not_awaiting_destruction",
                               extra={"documents": await _named(tx, principal, others)})
        if not chosen:
            raise Conflict("no approved item of this sweep is waiting for destruction",
                           code="nothing_to_destroy")
        return chosen

    async def _refuse_protected(self, tx: Tx, principal: Principal, sweep_id: str,
                                document_ids: Collection[str]) -> list[DocumentRecord]:
        """The records, unless any is held (R7), lent, or no longer approved (R1, R2).

        Their rows stay locked until the transaction ends, as a correction locks the one
        it changes: a correction of a document's filing either lands before the register
        lists it (so the register lists the corrected number) or sees it listed and is
        refused (``in_destruction_register``), never in between."""
        records = await _records(tx, document_ids, lock=True)
        reasons = await stopped(tx, records, sweep_id=sweep_id)
        for reason, (code, why) in PROTECTION_REFUSALS.items():
            refused = sorted(document_id for document_id, stop in reasons.items()
                             if stop == reason)
            if refused:
                raise Conflict(f"{len(refused)} document(s) {why}", code=code,
                               extra={"documents": await _named(tx, principal, refused)})
        return records

    async def witness(self, principal: Principal, destruction_id: str,
                      signature: WitnessSignature) -> Destruction:
        """R6: a witness signs the items' digest with their own token and their password,
        re-entered; signing again replaces their signature once the items changed."""
        await check_signers_password(self.passwords, self.journal, principal,
                                     signature.password, action="destruction_witnessed",
                                     who_signs="a witness")
        now = self.clock.now()
        async with self.store.transaction() as tx:
            current = await _unexecuted(tx, destruction_id,
                                        "witnesses sign before execution")
            if principal.username != current.created_by:  # R6: not who drew it up
                await _check_all_visible(tx, principal, destruction_id)
                digest = await tx.registers.digest(destruction_id)
                await self._check_signable(tx, current, principal, digest, signature)
                await tx.registers.sign(
                    destruction_id, principal.username, at=now, digest=digest,
                    signature=self.seal.sign(destruction_id, principal.username, now, digest))
                signed = {w.username for w in current.witnesses} | {principal.username}
                if not witnesses_missing(signed):
                    await tx.registers.set_status(destruction_id, "witnessed")
                await tx.journal.audit(AuditEntry(
                    action="destruction_witnessed", username=principal.username,
                    detail={"destruction_id": destruction_id, "digest": digest}), at=now)
                signed_register = await tx.registers.get(destruction_id)
                assert signed_register is not None
                return await register_for(tx, principal, signed_register)
        await self.journal.refuse(principal, "destruction_witnessed", Forbidden(
            "you drew up this register; another person witnesses it (R6)",
            code="own_register"))

    async def _check_signable(self, tx: Tx, current: Destruction,
                              principal: Principal, digest: str,
                              signature: WitnessSignature) -> None:
        if signature.digest is not None and signature.digest != digest:
            raise Conflict("the register's items changed since you checked them; check "
                           "them again and sign their new digest", code="register_changed",
                           extra={"digest": digest})
        mine = [s for s in await tx.registers.signatures(current.destruction_id)
                if s.username == principal.username]
        if mine and self.seal.holds(current.destruction_id, mine[0], digest):
            raise Conflict("you have already signed this register", code="already_signed")

    async def execute(self, principal: Principal, destruction_id: str) -> Destruction:
        """Accept the execution (idempotent while executing) and start it."""
        now = self.clock.now()
        await release_before(self.store, by=principal.username, at=now)  # as ``create``
        async with self._refusals_audited(principal, "destruction_started"), \
                self.store.transaction() as tx:
            current = await _register(tx, destruction_id, lock=True)
            if current.status != "executing":
                if principal.username in {w.username for w in current.witnesses}:
                    # R6: whoever executes the register is not one of its witnesses.
                    raise Forbidden("you witnessed this register; another person executes "
                                    "it (R6)", code="witness_executes")
                await self._check_executable(tx, principal, current, self.clock.day_of(now))
                await tx.registers.set_status(destruction_id, "executing",
                                              executed_by=principal.username,
                                              execution_started_at=now)
                await tx.journal.audit(AuditEntry(
                    action="destruction_started", username=principal.username,
                    detail={"destruction_id": destruction_id,
                            "witnesses": [w.username for w in current.witnesses]}), at=now)
            accepted = await tx.registers.get(destruction_id)
            assert accepted is not None
            shown = await register_for(tx, principal, accepted)
        self.executor.launch(destruction_id)
        return shown

    async def _check_executable(self, tx: Tx, principal: Principal,
                                current: Destruction, today: date) -> None:
        if current.status in ("executed", "cancelled"):
            raise Conflict(f"the register is {current.status}", code="invalid_transition")
        missing = witnesses_missing(w.username for w in current.witnesses)
        if missing:  # R6: at least two different witnesses
            raise Conflict(f"{missing} more witness(es) must sign before execution (R6)",
                           code="witnesses_missing",
                           extra={"witnesses": [w.username for w in current.witnesses]})
        digest = await tx.registers.digest(current.destruction_id)
        void = sorted(s.username for s in await tx.registers.signatures(current.destruction_id)
                      if not self.seal.holds(current.destruction_id, s, digest))
        if void:  # R6: a change to the items voids the signatures
            raise Conflict(f"the signatures of {', '.join(void)} do not match the register's "
                           "items as they stand; the witnesses check the items and sign again",
                           code="signatures_void", extra={"witnesses": void, "digest": digest})
        if current.destroy_after is not None and today < current.destroy_after:
            raise Conflict(f"approved items wait apart until {current.destroy_after} (R5)",
                           code="not_yet_due")
        await self._refuse_protected(tx, principal, current.sweep_id,
                                     await tx.registers.pending(current.destruction_id))

    async def cancel(self, principal: Principal, destruction_id: str) -> Destruction:
        """Withdraw a register before execution; its items wait for another one."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            await _unexecuted(tx, destruction_id, "only one not yet executing can be cancelled")
            await tx.registers.cancel_items(destruction_id)
            await tx.registers.set_status(destruction_id, "cancelled",
                                          cancelled_by=principal.username, cancelled_at=now)
            await tx.journal.audit(AuditEntry(action="destruction_cancelled",
                                              username=principal.username,
                                              detail={"destruction_id": destruction_id}), at=now)
            cancelled = await tx.registers.get(destruction_id)
            assert cancelled is not None
            return await register_for(tx, principal, cancelled)

    async def get(self, principal: Principal, destruction_id: str) -> Destruction:
        """The register, its items redacted where the reader is not cleared for them."""
        async with self.store.transaction() as tx:
            found = await tx.registers.get(destruction_id)
            if found is None:
                raise NotFound(f"no destruction register {destruction_id}",
                               code="unknown_destruction")
            return await register_for(tx, principal, found)

    async def summaries(self, *, status: DestructionStatus | None, limit: int, offset: int
                        ) -> list[DestructionSummary]:
        async with self.store.transaction() as tx:
            return await tx.registers.summaries(status=status, limit=limit,
                                                offset=offset)

    async def awaiting_signature(self, principal: Principal) -> list[DestructionSummary]:
        """The registers waiting for ``principal``'s signature (R6, ``awaits_signature_from``)
        whose every item they are cleared to check, oldest first."""
        waiting = []
        async with self.store.transaction() as tx:
            for summary in await tx.registers.in_statuses(SIGNABLE):
                destruction_id = summary.destruction_id
                header = await _register(tx, destruction_id, lock=False)
                digest = await tx.registers.digest(destruction_id)
                signatures = await tx.registers.signatures(destruction_id)
                if awaits_signature_from(
                        principal.username, status=header.status,
                        created_by=header.created_by,
                        signers=[s.username for s in signatures],
                        valid=[s.username for s in signatures
                               if self.seal.holds(destruction_id, s, digest)]) \
                        and not await _hidden_items(tx, principal, destruction_id):
                    waiting.append(summary)
        return waiting

    async def register_pdf(self, principal: Principal, destruction_id: str) -> bytes:
        """The register, printable (fonts embedded), naming people by their full names;
        rendering runs in a thread."""
        found = await self.get(principal, destruction_id)
        return await printed(self.store, register.pdf, found, self.clock.zone,
                             naming=register.named(found))

    async def register_csv(self, principal: Principal, destruction_id: str) -> bytes:
        return register.csv(await self.get(principal, destruction_id), self.clock.zone)

    async def tombstone(self, principal: Principal, document_id: str) -> Tombstone:
        """What remains of a destroyed document, to those cleared for it."""
        async with self.store.transaction() as tx:
            record = await tx.documents.get(document_id)
            found = await tx.registers.tombstone(document_id)
        known_to(principal, record, document_id)
        if found is None:
            raise NotFound("the document has not been destroyed", code="not_destroyed")
        return found

    @asynccontextmanager
    async def _refusals_audited(self, principal: Principal, action: str
                                ) -> AsyncIterator[None]:
        """Refusals that protect a document (held, lent, unwitnessed, early, signatures
        void, a witness executing) are audited."""
        try:
            yield
        except (Conflict, Forbidden) as exc:
            if exc.code in AUDITED_REFUSALS:
                await self.journal.refused(principal, action, exc)
            raise


async def _named(tx: Tx, principal: Principal, document_ids: list[str]
                 ) -> list[str]:
    """The ids a refusal may name to ``principal`` (the count says how many in all)."""
    visible = await visible_to(tx.documents, principal, document_ids)
    return [document_id for document_id in document_ids if document_id in visible]


async def _check_all_visible(tx: Tx, principal: Principal, destruction_id: str
                             ) -> None:
    """R6: a witness checks every item, so they must be cleared for every one."""
    hidden = await _hidden_items(tx, principal, destruction_id)
    if hidden:
        raise Forbidden(f"a witness checks every item; you are not cleared for {hidden} of "
                        "them", code="items_not_visible")


async def _hidden_items(tx: Tx, principal: Principal, destruction_id: str) -> int:
    """How many of the register's items ``principal`` is not cleared for."""
    items = [item.document_id for item in await tx.registers.signed_items(destruction_id)]
    return len(items) - len(await visible_to(tx.documents, principal, items))


async def _register(tx: Tx, destruction_id: str, *, lock: bool) -> Destruction:
    found = await tx.registers.header(destruction_id, lock=lock)
    if found is None:
        raise NotFound(f"no destruction register {destruction_id}", code="unknown_destruction")
    return found


async def _unexecuted(tx: Tx, destruction_id: str, why: str) -> Destruction:
    """The register, locked, while its execution has not begun; else 409 saying ``why``."""
    current = await _register(tx, destruction_id, lock=True)
    if current.status not in SIGNABLE:
        raise Conflict(f"the register is {current.status}; {why}", code="invalid_transition")
    return current


async def register_for(tx: Tx, principal: Principal, register: Destruction) -> Destruction:
    """The register as ``principal`` may read it, with how many witnesses it lacks (R6)
    and, until its execution begins, what stops each pending item being destroyed
    (``stopped_by``)."""
    visible = await visible_to(tx.documents, principal,
                               (item.document_id for item in register.items))
    missing, stops = 0, {}
    if register.status in SIGNABLE:
        missing = witnesses_missing(w.username for w in register.witnesses)
        stops = await stopped(tx, await _records(tx, [
            item.document_id for item in register.items if item.state == "pending"]),
            sweep_id=register.sweep_id)
    return msgspec.structs.replace(register, witnesses_missing=missing, items=[
        msgspec.structs.replace(item, stopped_by=stops.get(item.document_id))
        if item.document_id in visible else _register_item(item)
        for item in register.items])


async def _records(tx: Tx, document_ids: Collection[str], *, lock: bool = False
                   ) -> list[DocumentRecord]:
    return [record for document_id in document_ids
            if (record := await tx.documents.get(document_id, lock=lock)) is not None]


def _register_item(item: RegisterItem) -> RegisterItem:
    return msgspec.structs.replace(item, document_id=HIDDEN, archive_no=HIDDEN, title=HIDDEN,
                                   household=None, redacted=True)
