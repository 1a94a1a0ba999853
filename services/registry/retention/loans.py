"""Which documents are out on loan (借出), asked in the caller's transaction.

A document out on loan is neither swept nor destroyed (409 ``on_loan``). Loans belong to
the lending feature; ``LendingLedger`` reads its tables (a paper or digital loan whose
status is ``out``) in the same transaction as the sweep or destruction it guards, so a
loan issued meanwhile is seen or waited for, never missed.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from services.registry.lending.tables import loan_documents, loans
from services.registry.retention.sql import chunks


class LoanLedger(Protocol):
    async def on_loan(self, conn: AsyncConnection, document_ids: Collection[str]) -> set[str]:
        """The ids among ``document_ids`` of a loan that is ``out``; read-only, inside
        the caller's open transaction."""
        ...


class LendingLedger:
    """The lending feature's loans: paper and digital loans with status ``out``."""

    async def on_loan(self, conn: AsyncConnection, document_ids: Collection[str]) -> set[str]:
        found: set[str] = set()
        for chunk in chunks(document_ids):
            rows = await conn.execute(
                sa.select(loan_documents.c.document_id).distinct()
                .join(loans, loans.c.loan_id == loan_documents.c.loan_id)
                .where(loans.c.status == "out", loan_documents.c.document_id.in_(chunk)))
            found.update(row.document_id for row in rows)
        return found

