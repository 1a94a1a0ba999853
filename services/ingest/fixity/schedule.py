"""The fixity schedule: a run every ``ARCHIVE_FIXITY_INTERVAL_DAYS``, counted from the last
run that checked (or, before the first, from the first upload). A scheduled run that
failed (the registry or the store away) checked nothing: it is tried again after a short
pause that doubles with each failure in a row (``retry_pause_s``), not an interval later."""

from __future__ import annotations

import logging
from datetime import timedelta

from services.common.auth import SERVICE_PREFIX
from services.common.clock import Clock
from services.common.tasks import PeriodicTask, retry_pause_s
from services.ingest.fixity.checker import FixityChecker
from services.ingest.fixity.repository import FixityRuns

log = logging.getLogger("archive.ingest.fixity")

TICK_S = 60.0
"""How often the schedule looks whether a run is due (the first time one tick after
start-up: the registry a run reads may be this very process, listening only once it has
started)."""
RETRY_INITIAL_S = 60.0
RETRY_MAX_S = 3600.0
"""The pauses before a failed scheduled run is tried again: the first, and the longest."""
SCHEDULED_BY = f"{SERVICE_PREFIX}ingest"
"""Who starts a scheduled run: the ingest service, a name no account may take (the pages
name it as the archive, 档案系统); it was ``schedule``, shown as a person."""


class FixitySchedule:
    def __init__(self, checker: FixityChecker, runs: FixityRuns, clock: Clock, *,
                 interval: timedelta, tick_s: float = TICK_S) -> None:
        self.checker = checker
        self.runs = runs
        self.clock = clock
        self.interval = interval
        self._task = PeriodicTask("ingest-fixity-schedule", tick_s, self.start_if_due)

    async def due(self) -> bool:
        """Whether a run is due now: an interval after the last check, or, after scheduled
        runs that failed since, the back-off's pause after the last of them."""
        since = await self.runs.last_check_due_from()
        if since is None:
            return False
        now = self.clock.now()
        failures, last_failed = await self.runs.scheduled_failures_since(since)
        if last_failed is not None:
            pause = retry_pause_s(failures, initial_s=RETRY_INITIAL_S, max_s=RETRY_MAX_S)
            return now - last_failed >= timedelta(seconds=pause)
        return now - since >= self.interval

    async def start_if_due(self) -> None:
        if await self.due():
            run = await self.checker.start(trigger="scheduled", started_by=SCHEDULED_BY)
            log.info("scheduled fixity run %s started", run.run_id)

    def start(self) -> None:
        """Look every tick in the background; a run that fell due while ingest was down
        starts at the first."""
        self._task.start()

    async def stop(self) -> None:
        await self._task.stop()
