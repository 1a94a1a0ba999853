"""Retention's services over the registry's store, built once by ``registry.bootstrap``
(and by tests the same way): what its routes depend on, and its start-up task."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar.di import Provide

from services.common.clock import Clock
from services.registry.journal.service import JournalService
from services.registry.retention.api import CONTROLLERS
from services.registry.retention.destruction import DestructionService, PasswordChecker
from services.registry.retention.executor import DestructionExecutor
from services.registry.retention.holds import HoldsService
from services.registry.retention.loans import LendingLedger, LoanLedger
from services.registry.retention.register import NOTO_SANS_CJK
from services.registry.retention.signatures import WitnessSeal
from services.registry.retention.sweeps import SweepsService
from services.registry.store import RegistryStore


class RetentionServices:
    """Sweeps, holds and destruction; ``start`` resumes executions a crash interrupted."""

    controllers = CONTROLLERS

    def __init__(self, store: RegistryStore, journal: JournalService, clock: Clock, *,
                 passwords: PasswordChecker, wait_days: int, seal: WitnessSeal,
                 loans: LoanLedger | None = None, font_path: Path = NOTO_SANS_CJK) -> None:
        ledger = loans or LendingLedger()
        self.executor = DestructionExecutor(store, clock, loans=ledger)
        self.sweeps = SweepsService(store, clock, journal, loans=ledger, wait_days=wait_days)
        self.holds = HoldsService(store, clock)
        self.destructions = DestructionService(store, clock, journal, loans=ledger,
                                               passwords=passwords, executor=self.executor,
                                               seal=seal, font_path=font_path)

    def dependencies(self) -> dict[str, Provide]:
        provided: dict[str, Any] = {"sweeps": self.sweeps, "holds": self.holds,
                                    "destructions": self.destructions}
        return {name: Provide(_constant(value), sync_to_thread=False)
                for name, value in provided.items()}

    async def start(self) -> None:
        """Start-up, after the database is migrated: finish interrupted executions."""
        await self.executor.resume()

    async def stop(self) -> None:
        await self.executor.stop()


def _constant(value: Any) -> Any:
    def provide() -> Any:
        return value

    return provide
