"""Retention's view of the registry's unit of work: the registry's repositories (catalogue,
schedule, journal) and retention's own, bound to one transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from services.registry.retention.holds_repository import HoldsRepository
from services.registry.retention.register_repository import RegistersRepository
from services.registry.retention.repository import SweepsRepository
from services.registry.store import RegistryStore, Tx


@dataclass(frozen=True)
class RetentionTx:
    tx: Tx
    sweeps: SweepsRepository
    holds: HoldsRepository
    registers: RegistersRepository


@asynccontextmanager
async def transaction(store: RegistryStore) -> AsyncIterator[RetentionTx]:
    """``store.transaction()`` with retention's repositories; commits when the block ends."""
    async with store.transaction() as tx:
        yield RetentionTx(tx=tx, sweeps=SweepsRepository(tx.conn),
                          holds=HoldsRepository(tx.conn),
                          registers=RegistersRepository(tx.conn))
