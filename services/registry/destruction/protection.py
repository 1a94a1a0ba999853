"""What stops a document on a register being destroyed today, asked in one place by
the register's readers (each pending item marked), its execution (refused while any is
stopped) and the executor (an item stopped after execution began is withheld)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from services.common.contracts.registry import DocumentRecord
from services.common.contracts.retention import WithheldReason
from services.registry.destruction.rules import still_due
from services.registry.store import Tx


async def stopped(tx: Tx, records: Collection[DocumentRecord], today: date
                  ) -> dict[str, WithheldReason]:
    """Why each of ``records`` may not be destroyed ``today``, by document id; those that
    may are left out. A legal hold first (R7), then a loan, then a due date moved on
    (R1: a move-out or a schedule change since the approval)."""
    document_ids = [record.document_id for record in records]
    held = await tx.holds.held(document_ids)
    lent = await tx.loans.on_loan(document_ids)
    reasons: dict[str, WithheldReason] = {}
    for record in records:
        if record.document_id in held:
            reasons[record.document_id] = "on_hold"
        elif record.document_id in lent:
            reasons[record.document_id] = "on_loan"
        elif not still_due(record, today):
            reasons[record.document_id] = "not_due"
    return reasons
