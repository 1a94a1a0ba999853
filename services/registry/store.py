"""The registry's unit of work: one transaction across its repositories and journal.

``async with store.transaction() as tx`` opens a transaction (on SQLite it takes the
write lock up front, see ``services.common.db``), exposes the repositories bound to it,
and commits when the block ends or rolls back if it raises. A change and its feed event
and audit entry are appended in that one transaction (architecture principle 3).
``async with store.snapshot() as view`` reads without the write lock, from one snapshot.

Lock order, so PostgreSQL transactions never wait on each other in a cycle: the schedule
(``tx.schedule.rules(lock=...)``) first, then the household row, then document and
counter rows (and a feature's own rows), and the journal (``tx.emit``, ``tx.audit``) last.
Refusals are audited in a transaction of their own, after the refused one has ended.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.common.contracts.registry import ChangeEvent
from services.common.db import connect, read_only, unstorable
from services.registry.catalogue.history import HistoryRepository
from services.registry.catalogue.repository import DocumentsRepository
from services.registry.households.repository import HouseholdsRepository
from services.registry.journal import audit, feed
from services.registry.schedule.repository import ScheduleRepository
from services.registry.statistics.repository import StatisticsRepository


@dataclass(frozen=True)
class Tx:
    conn: AsyncConnection
    households: HouseholdsRepository
    documents: DocumentsRepository
    history: HistoryRepository
    schedule: ScheduleRepository
    audit_key: audit.AuditKey

    async def emit(self, event: ChangeEvent, *, at: datetime) -> int:
        return await feed.append(self.conn, event, at=at)

    async def audit(self, entry: audit.AuditEntry, *, at: datetime) -> None:
        await audit.record(self.conn, entry, at=at, key=self.audit_key)


@dataclass(frozen=True)
class Snapshot:
    """Repositories over one read-only view of the registry: never write through them."""

    documents: DocumentsRepository
    statistics: StatisticsRepository


class RegistryStore:
    def __init__(self, engine: AsyncEngine, *, audit_key: audit.AuditKey | None = None
                 ) -> None:
        """``audit_key`` chains the audit log (``Settings.audit_key_bytes``); without one,
        ``AuditKey.well_known()``, for tests and tools over a database alone."""
        self.engine = engine
        self.audit_key = audit_key or audit.AuditKey.well_known()
        self._reader = read_only(engine)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """Raises ``ValidationFailed`` (``unstorable_value``) for a value the database
        refuses to hold (a NUL character on PostgreSQL, an integer beyond 64 bits)."""
        try:
            async with connect(self.engine) as conn, conn.begin():
                yield Tx(conn=conn, households=HouseholdsRepository(conn),
                         documents=DocumentsRepository(conn),
                         history=HistoryRepository(conn), schedule=ScheduleRepository(conn),
                         audit_key=self.audit_key)
        except (DBAPIError, OverflowError) as exc:
            refused = unstorable(exc)
            if refused is None:
                raise
            raise refused from exc

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Snapshot]:
        """A read-only transaction whose queries all see the same commits, for reads that
        span tables or the whole catalogue. On SQLite it begins DEFERRED (WAL: it neither
        waits for nor blocks writers, see ``read_only``); on PostgreSQL it is REPEATABLE
        READ, since READ COMMITTED would let a filing land between two of its queries."""
        async with connect(self._reader) as conn:
            if conn.dialect.name == "postgresql":
                await conn.execution_options(isolation_level="REPEATABLE READ",
                                             postgresql_readonly=True)
            async with conn.begin():
                yield Snapshot(documents=DocumentsRepository(conn),
                               statistics=StatisticsRepository(conn))

