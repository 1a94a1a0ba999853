"""Executing a destruction register, durably (R6, architecture principle 3).

Execution is a per-item state machine, ``pending → destroyed`` (or ``withheld``), each
step one transaction: the item's state, the catalogue tombstone (``status: destroyed``),
its ``document_destroyed`` event and its audit entry commit together or not at all. A
register stays ``executing`` until no item is pending; a process killed half-way leaves
committed items destroyed and the rest pending, and ``resume`` (a registry start-up
task) finishes them. Each item is settled once even with two executors at work: the
settling UPDATE only succeeds on a pending row.

The objects (original, derived files) are deleted by ingest from the change feed
(``services.ingest.purge``), idempotently, so a crash between the tombstone and the
deletion loses nothing. A hold or loan that arrived after the execution began withholds
that one item (R7): it is never destroyed.
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial

from services.common.clock import Clock
from services.common.contracts.registry import DocumentDestroyed, DocumentRecord, feed_document
from services.common.contracts.retention import Destruction, WithheldReason
from services.common.tasks import BackgroundTasks, Backoff
from services.registry.destruction.protection import stopped
from services.registry.journal.models import AuditEntry
from services.registry.store import RegistryStore, Tx

log = logging.getLogger("archive.registry.destruction")

MAX_BACKOFF_S = 60.0


class DestructionExecutor:
    """Runs registers marked ``executing`` as tasks of the current event loop."""

    def __init__(self, store: RegistryStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._runs = BackgroundTasks("destruction")

    def launch(self, destruction_id: str) -> None:
        """Run the register in the background, unless this process already is."""
        self._runs.launch(destruction_id, partial(self.run, destruction_id))

    async def resume(self) -> list[str]:
        """Start-up: launch every register left ``executing`` (by a crash or a restart)."""
        async with self.store.transaction() as tx:
            executing = await tx.registers.executing()
        for destruction_id in executing:
            log.info("resuming destruction %s", destruction_id)
            self.launch(destruction_id)
        return executing

    async def run(self, destruction_id: str) -> None:
        """Destroy every pending item, then mark the register executed. Failures (a
        database away, a lock timeout) are retried with backoff: the work is idempotent."""
        backoff = Backoff(initial_s=1.0, max_s=MAX_BACKOFF_S)
        while True:
            try:
                while await self.settle_next(destruction_id):
                    backoff.reset()
                await self.finish(destruction_id)
                return
            except Exception:  # a background task must not die silently; it retries
                pause = backoff.next_pause_s()
                log.exception("destruction %s failed; retrying in %.0f s", destruction_id,
                              pause)
                await asyncio.sleep(pause)

    async def settle_next(self, destruction_id: str) -> bool:
        """Settle the first pending item in one transaction; False when none is left."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            register = await tx.registers.header(destruction_id)
            document_id = await tx.registers.next_pending(destruction_id)
            if register is None or register.status != "executing" or document_id is None:
                return False
            record = await tx.documents.get(document_id, lock=True)
            withheld = await self._withheld(tx, record, sweep_id=register.sweep_id)
            if record is None or not await tx.registers.settle(
                    destruction_id, document_id, at=now, withheld=withheld):
                return True
            executor = register.executed_by or register.created_by
            if withheld is not None:
                await tx.journal.audit(AuditEntry(
                    action="destruction_withheld", username=executor, document_id=document_id,
                    outcome="refused", code=withheld,
                    detail={"destruction_id": destruction_id}), at=now)
                return True
            tombstone = await tx.documents.mark_destroyed(document_id, at=now)
            await tx.sweeps.set_state(register.sweep_id, [document_id], "destroyed")
            await tx.journal.emit(DocumentDestroyed(document=feed_document(tombstone),
                                                    destroyed_at=now), at=now)
            await tx.journal.audit(AuditEntry(
                action="destroyed", username=executor, document_id=document_id,
                detail={"destruction_id": destruction_id, "archive_no": record.archive_no,
                        "sha256": record.sha256,
                        "witnesses": [w.username for w in register.witnesses]}), at=now)
        return True

    async def finish(self, destruction_id: str) -> Destruction | None:
        """Mark the register executed once nothing is pending (idempotent)."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            register = await tx.registers.header(destruction_id, lock=True)
            if register is None or register.status != "executing" or \
                    await tx.registers.next_pending(destruction_id) is not None:
                return register
            items = await tx.registers.items(destruction_id)
            await tx.registers.set_status(destruction_id, "executed", executed_at=now)
            await tx.journal.audit(AuditEntry(
                action="destruction_executed", username=register.executed_by or "",
                detail={"destruction_id": destruction_id,
                        "destroyed": sum(item.state == "destroyed" for item in items),
                        "withheld": sum(item.state == "withheld" for item in items),
                        "witnesses": [w.username for w in register.witnesses]}), at=now)
        log.info("destruction %s executed", destruction_id)
        return register

    async def _withheld(self, tx: Tx, record: DocumentRecord | None, *, sweep_id: str
                        ) -> WithheldReason | None:
        if record is None:
            return None
        return (await stopped(tx, [record], sweep_id=sweep_id)).get(record.document_id)

    async def wait(self) -> None:
        """Until every launched register is done (tests, orderly shut-down)."""
        await self._runs.wait()

    async def stop(self) -> None:
        """Shut-down: cancel the runs; an item in flight rolls back and stays pending."""
        await self._runs.stop()
