"""Retention schedule routes (R1): read by anyone signed in, replaced by compliance/admin."""

from __future__ import annotations

from litestar import Controller, get, put
from litestar.di import NamedDependency
from litestar.params import JSONBody

from services.common.auth import Principal
from services.common.contracts.retention import RetentionSchedule, ScheduleChange
from services.common.retention import SCHEDULE_EDITORS
from services.registry.guards import allow
from services.registry.schedule.models import ScheduleUpdate
from services.registry.schedule.service import ScheduleService


class ScheduleController(Controller):
    path = "/retention/schedule"
    tags = ("retention",)

    @get("/", operation_id="getRetentionSchedule")
    async def get_schedule(self, schedule: NamedDependency[ScheduleService]
                           ) -> RetentionSchedule:
        """Category → retention class, and the years of ``long`` and ``short``."""
        return await schedule.get()

    @put("/", operation_id="putRetentionSchedule", guards=[allow(*SCHEDULE_EDITORS)])
    async def put_schedule(self, data: JSONBody[ScheduleUpdate],
                           principal: NamedDependency[Principal],
                           schedule: NamedDependency[ScheduleService]) -> ScheduleChange:
        """Replace the schedule; due dates of the affected documents are recomputed."""
        return await schedule.replace(principal.username, data)
