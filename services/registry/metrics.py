"""The registry's series for ``/metrics``: loans overdue (out past ``due_at``) and
escalated (out too long without renewal, B4), read at each scrape."""

from __future__ import annotations

import sqlalchemy as sa
from prometheus_client.metrics_core import Metric
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.clock import Clock
from services.common.db import connect, read_only
from services.common.metrics import gauge
from services.registry.lending.repository import ESCALATION_KIND, overdue_at
from services.registry.lending.tables import loan_escalations, loans


class RegistrySampler:
    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self.engine = read_only(engine)
        self.clock = clock

    async def __call__(self) -> list[Metric]:
        escalated = sa.exists().where(loan_escalations.c.loan_id == loans.c.loan_id,
                                      loan_escalations.c.kind == ESCALATION_KIND)
        async with connect(self.engine) as conn:
            overdue = (await conn.execute(sa.select(sa.func.count()).select_from(loans)
                                          .where(overdue_at(self.clock.now())))).scalar_one()
            unrenewed = (await conn.execute(sa.select(sa.func.count()).select_from(loans)
                                            .where(loans.c.status == "out", escalated)
                                            )).scalar_one()
            await conn.commit()
        return [gauge("archive_loans_overdue", "Loans out past their due date (B4).",
                      float(overdue)),
                gauge("archive_loans_escalated",
                      "Loans still out that were escalated to management (B4).",
                      float(unrenewed))]
