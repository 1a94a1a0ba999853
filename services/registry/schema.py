"""The registry's SQLAlchemy metadata; every registry feature declares its tables on it.

Table definitions here mirror the Alembic migrations in ``migrations/versions``, which
are the source of truth for the database.
"""

from collections.abc import Collection
from enum import IntEnum
from typing import Any, TypeVar

import msgspec
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from services.common.db import struct_of

S = TypeVar("S", bound=msgspec.Struct)

metadata = sa.MetaData()

APP_ROLE_LIMITS: dict[str, tuple[str, ...]] = {
    "audit_log": ("SELECT", "INSERT"),
    "audit_chain": ("SELECT",),
}
"""On PostgreSQL the services' database role may only append to and read the audit log
(reliability.md, promise 4), and only read where its keyed chain starts; ``archive
migrate`` grants it so (``services.common.migrations``)."""


def dialect_insert(conn: AsyncConnection, table: sa.Table) -> Any:
    """An INSERT with ``on_conflict_do_nothing``/``on_conflict_do_update`` for the engine.

    Typed ``Any``: the two dialects' Insert classes share those methods but no base type.
    """
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


class AdvisoryLock(IntEnum):
    """The keys of the registry's PostgreSQL advisory locks, each standing for something no
    row can be locked for; one table, so no two features take the same key."""

    SCHEDULE = 7_401_000_001
    """The whole retention schedule (``ScheduleRepository.rules``)."""
    HOLD_PLACING = 7_401_000_002
    """Placing a legal hold, while it looks for its twin (``HoldsRepository.same_active``)."""
    CONDITION_RECORDING = 7_401_000_003
    """Recording a condition check, while it looks for the same check recorded already
    (``InventoryRepository.same_check``)."""
    INVENTORY_STARTING = 7_401_000_004
    """Starting an inventory, while it looks for the same one started already
    (``InventoryRepository.same_untouched``)."""


class Repository:
    """A registry feature's persistence, on the connection of the unit of work that built
    it (``services.registry.store``)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def one_at_a_time(self, key: AdvisoryLock) -> None:
        """Hold ``key``'s lock until the transaction ends, so two transactions that each
        look for a row before inserting it (the same request sent twice at once) run one
        after the other and the second finds the first's row. On PostgreSQL a
        transaction-scoped advisory lock, as no row exists yet to lock; SQLite needs none,
        its writers already run one at a time."""
        if self.conn.dialect.name == "postgresql":
            await self.conn.execute(sa.select(sa.func.pg_advisory_xact_lock(int(key))))

    async def first_row(self, query: sa.Select[Any], *, lock: bool = False,
                        of: sa.Table | None = None) -> RowMapping | None:
        """The first row ``query`` selects, or ``None``; ``lock`` holds it until the
        transaction ends (FOR UPDATE on PostgreSQL; SQLite's write lock already does),
        only ``of``'s row when the query joins other tables."""
        result = await self.conn.execute(query.with_for_update(of=of) if lock else query)
        row: RowMapping | None = result.mappings().first()
        return row

    async def newest_page(self, query: sa.Select[Any], kind: type[S], *,
                          created: sa.Column[Any], key: sa.Column[Any], limit: int,
                          offset: int) -> list[S]:
        """A page of the rows ``query`` selects as ``kind``, newest ``created`` first;
        ``key`` orders those made at the same instant, so pages neither overlap nor skip."""
        rows = (await self.conn.execute(query.order_by(created.desc(), key)
                                        .limit(limit).offset(offset))).mappings()
        return [struct_of(row, kind) for row in rows]


def chunks(ids: Collection[str], size: int = 1000) -> list[list[str]]:
    """``ids`` in pieces small enough for one statement's bound parameters (SQLite and
    asyncpg both cap them near 32 000)."""
    ordered = list(ids)
    return [ordered[start:start + size] for start in range(0, len(ordered), size)]
