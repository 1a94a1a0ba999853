"""The counts of the yearly statistics (O2): SQL aggregates, read inside the caller's
snapshot (``RegistryStore.snapshot``), so every count sees the same commits.

Each count reads the features' own tables: the catalogue (``registered_at``), sweeps
and their items (the director's approval), destruction registers (each item's
``destroyed_at``) and loans (``issued_at``, ``returned_at``, ``due_at``). A period is
``since``..``until``, both included; timestamps are kept in UTC.

Every count per category counts a document in its category now (``documents.category``),
not in the one a transfer list or destruction register copied when it was drawn up, so
a category's documents received, held, transferred out and destroyed add up after a
correction of its category (a record that left the archive keeps its filing, and so
does one listed in a register not yet executed: ``contracts.corrections.correction_limit``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from services.registry.catalogue.tables import documents
from services.registry.destruction.tables import destruction_items
from services.registry.handovers.tables import handover_items, handovers
from services.registry.inventory.rules import DISCREPANCIES
from services.registry.inventory.tables import condition_checks, inventories, inventory_items
from services.registry.lending.repository import overdue_at
from services.registry.lending.tables import loan_documents, loans
from services.registry.schema import Repository
from services.registry.sweeps.tables import retention_sweeps, sweep_items
from services.registry.transfers.tables import transfer_items, transfers


class StatisticsRepository(Repository):
    async def registered(self, since: datetime, until: datetime) -> dict[str, int]:
        """Documents registered in the period, per category (destroyed ones too)."""
        return await self._per_key(
            sa.select(documents.c.category, sa.func.count())
            .where(documents.c.registered_at.between(since, until))
            .group_by(documents.c.category))

    async def held(self, at: datetime) -> dict[str, int]:
        """Documents registered by ``at`` and neither destroyed nor transferred out by
        then, per category."""
        destroyed = sa.exists().where(
            destruction_items.c.document_id == documents.c.document_id,
            destruction_items.c.state == "destroyed",
            destruction_items.c.destroyed_at <= at)
        transferred = sa.exists().where(
            transfer_items.c.document_id == documents.c.document_id,
            transfers.c.transfer_id == transfer_items.c.transfer_id,
            transfers.c.transferred_at <= at)
        return await self._per_key(
            sa.select(documents.c.category, sa.func.count())
            .where(documents.c.registered_at <= at, ~destroyed, ~transferred)
            .group_by(documents.c.category))

    async def transferred(self, since: datetime, until: datetime) -> dict[str, int]:
        """Documents transferred out (移出) in the period, per category."""
        return await self._per_key(
            sa.select(documents.c.category, sa.func.count())
            .select_from(transfer_items)
            .join(transfers, transfers.c.transfer_id == transfer_items.c.transfer_id)
            .join(documents, documents.c.document_id == transfer_items.c.document_id)
            .where(transfers.c.transferred_at.between(since, until))
            .group_by(documents.c.category))

    async def handed_over(self, since: datetime, until: datetime) -> tuple[int, int]:
        """Handovers (移交) completed in the period, and the documents they listed."""
        row = (await self.conn.execute(
            sa.select(sa.func.count(sa.distinct(handovers.c.handover_id)),
                      sa.func.count(handover_items.c.document_id))
            .join(handover_items, handover_items.c.handover_id == handovers.c.handover_id)
            .where(handovers.c.completed_at.between(since, until)))).one()
        return int(row[0]), int(row[1])

    async def appraisal_outcomes(self, since: datetime, until: datetime) -> dict[str, int]:
        """Items of the sweeps the director approved in the period, per agreed outcome
        (``destroy``, ``keep``, ``reappraise``: approval needs every item decided)."""
        return await self._per_key(
            sa.select(sweep_items.c.outcome, sa.func.count())
            .join(retention_sweeps, retention_sweeps.c.sweep_id == sweep_items.c.sweep_id)
            .where(retention_sweeps.c.status == "approved",
                   retention_sweeps.c.decided_at.between(since, until))
            .group_by(sweep_items.c.outcome))

    async def destroyed(self, since: datetime, until: datetime) -> dict[str, int]:
        """Register items marked destroyed (已销毁) in the period, per category (R6)."""
        return await self._per_key(
            sa.select(documents.c.category, sa.func.count())
            .select_from(destruction_items)
            .join(documents, documents.c.document_id == destruction_items.c.document_id)
            .where(destruction_items.c.state == "destroyed",
                   destruction_items.c.destroyed_at.between(since, until))
            .group_by(documents.c.category))

    async def issued(self, since: datetime, until: datetime) -> dict[str, tuple[int, int]]:
        """Loans handed over in the period, per kind: (loans, documents on them)."""
        rows = await self.conn.execute(
            sa.select(loans.c.kind, sa.func.count(sa.distinct(loans.c.loan_id)),
                      sa.func.count(loan_documents.c.document_id))
            .join(loan_documents, loan_documents.c.loan_id == loans.c.loan_id)
            .where(loans.c.issued_at.between(since, until))
            .group_by(loans.c.kind))
        return {str(kind): (int(issued), int(lent)) for kind, issued, lent in rows}

    async def returned(self, since: datetime, until: datetime) -> int:
        """Loans returned (注销) in the period."""
        return await self._count(sa.select(sa.func.count()).select_from(loans)
                                 .where(loans.c.returned_at.between(since, until)))

    async def returned_late(self, since: datetime, until: datetime) -> int:
        """Loans returned in the period after their due date (B4; renewals moved it)."""
        return await self._count(sa.select(sa.func.count()).select_from(loans).where(
            loans.c.returned_at.between(since, until), loans.c.due_at.is_not(None),
            loans.c.returned_at > loans.c.due_at))

    async def overdue(self, at: datetime) -> int:
        """Loans out past their due date at ``at``, as the loan register counts them (B4)."""
        return await self._count(sa.select(sa.func.count()).select_from(loans)
                                 .where(overdue_at(at)))

    async def per_month(self, starts: Sequence[datetime], until: datetime
                        ) -> dict[str, dict[int, int]]:
        """Documents registered, register items destroyed and loans handed over in each
        month; ``starts`` are the months' first instants (the first is the period's
        start), ``until`` the period's end. A month is found by comparing with the
        boundaries, so every database counts the same months, in the company's time zone."""
        since = starts[0]

        def month_of(column: Any) -> Any:
            whens = [(column < start, number)
                     for number, start in enumerate(starts[1:], start=1)]
            # In January there is no boundary: a CASE without WHEN is a syntax error.
            return sa.case(*whens, else_=len(starts)) if whens else sa.literal(1)

        def counted(column: Any, table: Any, *conditions: Any) -> sa.Select[Any]:
            bucket = month_of(column).label("month")
            return (sa.select(bucket, sa.func.count()).select_from(table)
                    .where(column.between(since, until), *conditions).group_by(bucket))

        queries = {
            "received": counted(documents.c.registered_at, documents),
            "destroyed": counted(destruction_items.c.destroyed_at, destruction_items,
                                 destruction_items.c.state == "destroyed"),
            "loans": counted(loans.c.issued_at, loans),
        }
        return {name: {int(month): int(count) for month, count in
                       await self.conn.execute(query)}
                for name, query in queries.items()}

    async def inventoried(self, since: datetime, until: datetime
                          ) -> tuple[int, set[str], int]:
        """Inventories completed in the period: how many, the households in the boxes
        they found present, and the boxes they found missing or misplaced (O3)."""
        completed = inventories.c.completed_at.between(since, until)
        count = await self._count(sa.select(sa.func.count()).select_from(inventories)
                                  .where(completed))
        items = await self.conn.execute(
            sa.select(inventory_items.c.state, inventory_items.c.households)
            .join(inventories, inventories.c.inventory_id == inventory_items.c.inventory_id)
            .where(completed))
        organised: set[str] = set()
        discrepancies = 0
        for state, households in items:
            if state == "present":
                organised.update(households)
            elif state in DISCREPANCIES:
                discrepancies += 1
        return count, organised, discrepancies

    async def unresolved(self, at: datetime) -> int:
        """Boxes marked missing or misplaced by ``at`` and not resolved by then."""
        return await self._count(
            sa.select(sa.func.count()).select_from(inventory_items)
            .where(inventory_items.c.state.in_(DISCREPANCIES),
                   inventory_items.c.checked_at <= at,
                   sa.or_(inventory_items.c.resolved_at.is_(None),
                          inventory_items.c.resolved_at > at)))

    async def condition_checked(self, since: datetime, until: datetime) -> tuple[int, int]:
        """Condition checks made in the period, and those that found a problem."""
        row = (await self.conn.execute(
            sa.select(sa.func.count(),
                      sa.func.sum(sa.case((condition_checks.c.problems > 0, 1), else_=0)))
            .where(condition_checks.c.checked_on.between(since.date(), until.date())))).one()
        return int(row[0]), int(row[1] or 0)

    async def _per_key(self, query: sa.Select[Any]) -> dict[str, int]:
        return {str(key): int(count) for key, count in await self.conn.execute(query)}

    async def _count(self, query: sa.Select[Any]) -> int:
        return int((await self.conn.execute(query)).scalar_one())
