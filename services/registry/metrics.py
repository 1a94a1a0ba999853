"""The registry's series for ``/metrics``: loans overdue (out past ``due_at``) and
escalated (out too long without renewal, B4), read at each scrape."""

from __future__ import annotations

from prometheus_client.metrics_core import Metric

from services.common.clock import Clock
from services.common.metrics import gauge
from services.registry.store import RegistryStore


class RegistrySampler:
    def __init__(self, store: RegistryStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def __call__(self) -> list[Metric]:
        async with self.store.snapshot() as tx:
            overdue = await tx.loans.count_overdue(self.clock.now())
            escalated = await tx.loans.count_escalated_out()
        return [gauge("archive_loans_overdue", "Loans out past their due date (B4).",
                      float(overdue)),
                gauge("archive_loans_escalated",
                      "Loans still out that were escalated to management (B4).",
                      float(escalated))]
