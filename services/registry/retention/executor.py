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
import contextlib
import logging
from datetime import date

from services.common.clock import Clock
from services.common.contracts.registry import DocumentDestroyed, DocumentRecord, feed_document
from services.registry.journal.audit import AuditEntry
from services.registry.retention.loans import LoanLedger
from services.registry.retention.models import Destruction, WithheldReason
from services.registry.retention.rules import still_due
from services.registry.retention.store import RetentionTx, transaction
from services.registry.store import RegistryStore

log = logging.getLogger("archive.registry.destruction")

MAX_BACKOFF_S = 60.0


class DestructionExecutor:
    """Runs registers marked ``executing`` as tasks of the current event loop."""

    def __init__(self, store: RegistryStore, clock: Clock, *, loans: LoanLedger,
                 retry_s: float = 1.0) -> None:
        self.store = store
        self.clock = clock
        self.loans = loans
        self.retry_s = retry_s
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def launch(self, destruction_id: str) -> None:
        """Run the register in the background, unless this process already is."""
        running = self._tasks.get(destruction_id)
        if running is not None and not running.done():
            return
        self._tasks[destruction_id] = asyncio.create_task(
            self.run(destruction_id), name=f"destruction-{destruction_id}")

    async def resume(self) -> list[str]:
        """Start-up: launch every register left ``executing`` (by a crash or a restart)."""
        async with transaction(self.store) as rt:
            executing = await rt.registers.executing()
        for destruction_id in executing:
            log.info("resuming destruction %s", destruction_id)
            self.launch(destruction_id)
        return executing

    async def run(self, destruction_id: str) -> None:
        """Destroy every pending item, then mark the register executed. Failures (a
        database away, a lock timeout) are retried with backoff: the work is idempotent."""
        delay = self.retry_s
        while True:
            try:
                while await self.settle_next(destruction_id):
                    delay = self.retry_s
                await self.finish(destruction_id)
                return
            except asyncio.CancelledError:
                raise
            except Exception:  # a background task must not die silently; it retries
                log.exception("destruction %s failed; retrying in %.0f s", destruction_id,
                              delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF_S)

    async def settle_next(self, destruction_id: str) -> bool:
        """Settle the first pending item in one transaction; False when none is left."""
        now = self.clock.now()
        async with transaction(self.store) as rt:
            register = await rt.registers.header(destruction_id)
            document_id = await rt.registers.next_pending(destruction_id)
            if register is None or register.status != "executing" or document_id is None:
                return False
            record = await rt.tx.documents.get(document_id, lock=True)
            withheld = await self._withheld(rt, record, now.date())
            if record is None or not await rt.registers.settle(
                    destruction_id, document_id, at=now, withheld=withheld):
                return True
            executor = register.executed_by or register.created_by
            if withheld is not None:
                await rt.tx.audit(AuditEntry(
                    action="destruction_withheld", username=executor, document_id=document_id,
                    outcome="refused", code=withheld,
                    detail={"destruction_id": destruction_id}), at=now)
                return True
            tombstone = await rt.tx.documents.mark_destroyed(document_id, at=now)
            await rt.sweeps.set_state(register.sweep_id, [document_id], "destroyed")
            await rt.tx.emit(DocumentDestroyed(document=feed_document(tombstone),
                                               destroyed_at=now), at=now)
            await rt.tx.audit(AuditEntry(
                action="destroyed", username=executor, document_id=document_id,
                detail={"destruction_id": destruction_id, "archive_no": record.archive_no,
                        "sha256": record.sha256,
                        "witnesses": [w.username for w in register.witnesses]}), at=now)
        return True

    async def finish(self, destruction_id: str) -> Destruction | None:
        """Mark the register executed once nothing is pending (idempotent)."""
        now = self.clock.now()
        async with transaction(self.store) as rt:
            register = await rt.registers.header(destruction_id, lock=True)
            if register is None or register.status != "executing" or \
                    await rt.registers.next_pending(destruction_id) is not None:
                return register
            items = await rt.registers.items(destruction_id)
            await rt.registers.set_status(destruction_id, "executed", executed_at=now)
            await rt.tx.audit(AuditEntry(
                action="destruction_executed", username=register.executed_by or "",
                detail={"destruction_id": destruction_id,
                        "destroyed": sum(item.state == "destroyed" for item in items),
                        "withheld": sum(item.state == "withheld" for item in items),
                        "witnesses": [w.username for w in register.witnesses]}), at=now)
        log.info("destruction %s executed", destruction_id)
        return register

    async def _withheld(self, rt: RetentionTx, record: DocumentRecord | None, today: date
                        ) -> WithheldReason | None:
        if record is None:
            return None
        if await rt.holds.held([record.document_id]):  # R7: never destroyed while held
            return "on_hold"
        if await self.loans.on_loan(rt.tx.conn, [record.document_id]):
            return "on_loan"
        if not still_due(record, today):  # R1: a move-out since approval restarted it
            return "not_due"
        return None

    async def wait(self) -> None:
        """Until every launched register is done (tests, orderly shut-down)."""
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    async def stop(self) -> None:
        """Shut-down: cancel the tasks; an item in flight rolls back and stays pending."""
        for task in self._tasks.values():
            task.cancel()
        for task in self._tasks.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
