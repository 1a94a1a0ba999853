"""Releasing the sweep items whose documents are no longer due (R1, R2).

A sweep lists the documents due by its ``as_of``; its appraisal and approval are of that
list. When a document's due date moves past the ``as_of`` while its item is open (under
appraisal, or approved and waiting apart) — a move-out restarting its clock, a corrected
filing date or category, a schedule change — the item leaves the sweep as
``no_longer_due``: it is not appraised, approved or destroyed on that list, and the
document is free for the sweep that finds it due again.

The check is made where an item's being open is relied on, not where due dates move:
the paths that move them (households, corrections, the schedule, and any later one) sit
below sweeps and know nothing of them, and one of them forgetting to release would
leave a document stuck in an old sweep or destroyed on an old approval. So:

- reading a sweep (``service.sweep_for``) and listing what is due (``repository.due``)
  compare each open item with its document's due date as it stands;
- starting a sweep, appraising, approving, drawing up a register and executing one
  first record the release (``release_before``): the item's state, the due date it
  moved to, and an audit entry by whoever took the step, when the registry found it;
- a register drawn up already keeps the item and marks it stopped, and its execution
  withholds it (``destruction.protection``), even once its document's date moves back:
  a released item stays released, and the sweep that finds the document due again
  lists it for a new appraisal.
"""

from __future__ import annotations

from datetime import datetime

from services.registry.journal.models import AuditEntry
from services.registry.store import RegistryStore


async def release_before(store: RegistryStore, *, by: str, at: datetime) -> None:
    """Mark ``no_longer_due`` every open item whose document is no longer due by its
    sweep's ``as_of``, each with an audit entry by ``by``, in a transaction of its own
    (the step that relies on its items being open then runs in its own, after it)."""
    async with store.transaction() as tx:
        released = [moved for moved in await tx.sweeps.no_longer_due(lock=True)
                    if await tx.sweeps.release(moved)]
        for moved in released:  # the journal last: after every item's row is written
            await tx.journal.audit(AuditEntry(
                action="sweep_item_no_longer_due", username=by,
                document_id=moved.document_id,
                detail={"sweep_id": moved.sweep_id, "state": moved.state,
                        "as_of": moved.as_of.isoformat(),
                        "disposal_due": moved.disposal_due.isoformat(),
                        "new_disposal_due": moved.now_due.isoformat() if moved.now_due
                        else None}), at=at)
