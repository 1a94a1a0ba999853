"""The registry's unit of work: one transaction, and every feature's repository bound to it.

``async with store.transaction() as tx`` opens a transaction (on SQLite it takes the
write lock up front, see ``services.common.db``), exposes the repositories bound to it
(``tx.documents``, ``tx.loans``, ``tx.journal``…), and commits when the block ends or
rolls back if it raises. A change and its feed event and audit entry are appended in
that one transaction (architecture principle 3). ``async with store.snapshot() as tx``
reads without the write lock, from one snapshot, through the same repositories.
This is the only place a repository is built: a feature's service reaches its tables,
and any other feature's, as ``tx.<repository>``.

Lock order, so PostgreSQL transactions never wait on each other in a cycle: the schedule
(``tx.schedule.rules(lock=...)``) first, then the household row, then document and
counter rows (and a feature's own rows), and the journal (``tx.journal``) last.
Refusals are audited in a transaction of their own, after the refused one has ended.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Collection, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import tzinfo
from functools import partial
from typing import Protocol, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.common.clock import Clock
from services.common.db import connect, read_only, unstorable
from services.common.db import transaction as connected_transaction
from services.registry.accounts.repository import AccountsRepository
from services.registry.catalogue.repository import DocumentsRepository
from services.registry.catalogues.repository import CataloguesRepository
from services.registry.corrections.repository import CorrectionsRepository
from services.registry.departures.repository import DeparturesRepository
from services.registry.destruction.repository import RegistersRepository
from services.registry.handovers.repository import HandoversRepository
from services.registry.holds.repository import HoldsRepository
from services.registry.households.repository import HouseholdsRepository
from services.registry.inventory.repository import InventoryRepository
from services.registry.journal.repository import JournalRepository
from services.registry.journal.rules import AuditKey
from services.registry.lending.repository import LoansRepository
from services.registry.schedule.repository import ScheduleRepository
from services.registry.statistics.repository import StatisticsRepository
from services.registry.sweeps.repository import SweepsRepository
from services.registry.transfers.repository import TransfersRepository


@dataclass(frozen=True)
class Tx:
    """Every repository of the registry, bound to one transaction (or one snapshot: then
    never write through them)."""

    accounts: AccountsRepository
    households: HouseholdsRepository
    schedule: ScheduleRepository
    documents: DocumentsRepository
    corrections: CorrectionsRepository
    loans: LoansRepository
    holds: HoldsRepository
    sweeps: SweepsRepository
    registers: RegistersRepository
    statistics: StatisticsRepository
    handovers: HandoversRepository
    transfers: TransfersRepository
    departures: DeparturesRepository
    catalogues: CataloguesRepository
    inventory: InventoryRepository
    journal: JournalRepository

    @classmethod
    def over(cls, conn: AsyncConnection, key: AuditKey) -> Tx:
        return cls(
            accounts=AccountsRepository(conn), households=HouseholdsRepository(conn),
            schedule=ScheduleRepository(conn), documents=DocumentsRepository(conn),
            corrections=CorrectionsRepository(conn), loans=LoansRepository(conn),
            holds=HoldsRepository(conn), sweeps=SweepsRepository(conn),
            registers=RegistersRepository(conn), statistics=StatisticsRepository(conn),
            handovers=HandoversRepository(conn), transfers=TransfersRepository(conn),
            departures=DeparturesRepository(conn),
            catalogues=CataloguesRepository(conn), inventory=InventoryRepository(conn),
            journal=JournalRepository(conn, key),
        )


class RegistryStore:
    def __init__(self, engine: AsyncEngine, *, audit_key: AuditKey | None = None) -> None:
        """``audit_key`` chains the audit log (``Settings.audit_key_bytes``); without one,
        ``AuditKey.well_known()``, for tests and tools over a database alone."""
        self.engine = engine
        self.audit_key = audit_key or AuditKey.well_known()
        self._reader = read_only(engine)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """Raises ``ValidationFailed`` (``unstorable_value``) for a value the database
        refuses to hold (a NUL character on PostgreSQL, an integer beyond 64 bits)."""
        try:
            async with connected_transaction(self.engine) as conn:
                yield Tx.over(conn, self.audit_key)
        except (DBAPIError, OverflowError) as exc:
            refused = unstorable(exc)
            if refused is None:
                raise
            raise refused from exc

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Tx]:
        """A read-only transaction whose queries all see the same commits, for reads that
        span tables or the whole catalogue. On SQLite it begins DEFERRED (WAL: it neither
        waits for nor blocks writers, see ``read_only``); on PostgreSQL it is REPEATABLE
        READ, since READ COMMITTED would let a filing land between two of its queries."""
        async with connect(self._reader) as conn:
            if conn.dialect.name == "postgresql":
                await conn.execution_options(isolation_level="REPEATABLE READ",
                                             postgresql_readonly=True)
            async with conn.begin():
                yield Tx.over(conn, self.audit_key)


class FeatureService:
    """A registry feature's service that needs nothing but the unit of work and the clock;
    one that needs more (the journal, the signing seal) takes it in its own constructor."""

    def __init__(self, store: RegistryStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock


Printed = TypeVar("Printed", contravariant=True)


class Printout(Protocol[Printed]):
    """A record printed (``services.common.printing``): days on the clocks of ``zone``,
    people by their ``names`` (``person``). Blocking work."""

    def __call__(self, record: Printed, zone: tzinfo, /, *, names: Mapping[str, str]
                 ) -> bytes: ...


async def printed(store: RegistryStore, printout: Printout[Printed], record: Printed,
                  zone: tzinfo, *, naming: Collection[str]) -> bytes:
    """``record`` as ``printout`` prints it, naming the people of ``naming`` by their full
    names (read from one snapshot); the rendering runs in a thread."""
    async with store.snapshot() as tx:
        names = await tx.accounts.full_names(naming)
    return await asyncio.to_thread(partial(printout, names=names), record, zone)
