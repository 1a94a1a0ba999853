"""What stops a document on a register being destroyed today, asked in one place by
the register's readers (each pending item marked), its execution (refused while any is
stopped) and the executor (an item stopped after execution began is withheld)."""

from __future__ import annotations

from collections.abc import Collection

from services.common.contracts.registry import DocumentRecord
from services.common.contracts.retention import WithheldReason
from services.registry.store import Tx


async def stopped(tx: Tx, records: Collection[DocumentRecord], *, sweep_id: str
                  ) -> dict[str, WithheldReason]:
    """Why each of ``records``, items of a register of sweep ``sweep_id``, may not be
    destroyed, by document id; those that may are left out. A legal hold first (R7),
    then a loan, then an approval that no longer stands (``not_due``): the document is
    no longer due by the sweep's date (R1: a move-out, a correction or a schedule change
    since the approval), or its item left the sweep as no longer due, even if its date
    has moved back since (R2: only the sweep that finds it due again appraises it)."""
    document_ids = [record.document_id for record in records]
    held = await tx.holds.held(document_ids)
    lent = await tx.loans.on_loan(document_ids)
    approved = await tx.sweeps.still_approved(sweep_id, document_ids)
    reasons: dict[str, WithheldReason] = {}
    for record in records:
        if record.document_id in held:
            reasons[record.document_id] = "on_hold"
        elif record.document_id in lent:
            reasons[record.document_id] = "on_loan"
        elif record.document_id not in approved:
            reasons[record.document_id] = "not_due"
    return reasons
