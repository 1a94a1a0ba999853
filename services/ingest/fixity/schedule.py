"""The fixity schedule: a run every ``ARCHIVE_FIXITY_INTERVAL_DAYS``, counted from the last
run's start (or, before the first run, from the first upload)."""

from __future__ import annotations

import logging
from datetime import timedelta

from services.common.clock import Clock
from services.common.tasks import PeriodicTask
from services.ingest.fixity.checker import FixityChecker
from services.ingest.fixity.repository import FixityRuns

log = logging.getLogger("archive.ingest.fixity")

TICK_S = 3600.0
"""How often the schedule looks whether a run is due."""


class FixitySchedule:
    def __init__(self, checker: FixityChecker, runs: FixityRuns, clock: Clock, *,
                 interval: timedelta, tick_s: float = TICK_S) -> None:
        self.checker = checker
        self.runs = runs
        self.clock = clock
        self.interval = interval
        self._task = PeriodicTask("ingest-fixity-schedule", tick_s, self.start_if_due)

    async def due(self) -> bool:
        """Whether a run is due now."""
        since = await self.runs.last_check_due_from()
        return since is not None and self.clock.now() - since >= self.interval

    async def start_if_due(self) -> None:
        if await self.due():
            run = await self.checker.start(trigger="scheduled", started_by="schedule")
            log.info("scheduled fixity run %s started", run.run_id)

    async def start(self) -> None:
        """Look once now (a run that fell due while ingest was down starts at once), then
        every tick in the background."""
        await self._task.step_now()
        self._task.start()

    async def stop(self) -> None:
        await self._task.stop()
