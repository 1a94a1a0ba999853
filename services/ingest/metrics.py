"""The ingest service's series for ``/metrics``, read from its own state at each scrape:
jobs by state and the age of the oldest still waiting or running, failed jobs by reason,
the retention follower's lag behind the change feed's head, the last fixity run, and the last
backup (recorded in the object store, ``services.common.backup_record``).

Pages read by OCR are counted in the ingest database by whichever process read them
(``OcrTally``: the server's pool, an ``archive worker``, a re-reading) and read here;
failed extraction attempts are counted as they happen, by the workers of this process
(``Metrics.extraction_failures``).
"""

from __future__ import annotations

from prometheus_client.metrics_core import CounterMetricFamily, Metric

from services.common.backup_record import last_backup
from services.common.clock import Clock
from services.common.contracts.ingest import JOB_STATUSES
from services.common.metrics import epoch_seconds, gauge
from services.common.objectstore import ObjectStore
from services.ingest.fixity.repository import FixityRuns
from services.ingest.jobs import JobQueue
from services.ingest.ocr_tally import OcrTally
from services.ingest.purge import RetentionFeed, RetentionFollower

UNFINISHED = ("queued", "running")


class IngestSampler:
    def __init__(self, queue: JobQueue, runs: FixityRuns, follower: RetentionFollower,
                 feed: RetentionFeed, store: ObjectStore, clock: Clock, tally: OcrTally
                 ) -> None:
        self.queue = queue
        self.runs = runs
        self.follower = follower
        self.feed = feed
        self.store = store
        self.clock = clock
        self.tally = tally

    async def __call__(self) -> list[Metric]:
        return [*await self._jobs(), await self._ocr_pages(), await self._lag(),
                *await self._fixity(), *await self._backup()]

    async def _jobs(self) -> list[Metric]:
        census = await self.queue.census()
        now = self.clock.now()
        return [
            gauge("archive_jobs", "Ingest jobs in each state.", labels=["state"],
                  values=[([state], census.counts.get(state, 0)) for state in JOB_STATUSES]),
            gauge("archive_job_oldest_age_seconds",
                  "Age of the oldest job queued or running (0: none).", labels=["state"],
                  values=[([state], max(0.0, (now - census.oldest[state]).total_seconds())
                           if state in census.oldest else 0.0) for state in UNFINISHED]),
            gauge("archive_jobs_failed", "Failed ingest jobs by reason (their error code).",
                  labels=["reason"],
                  values=[([reason], count) for reason, count in sorted(census.failed.items())]),
        ]

    async def _ocr_pages(self) -> Metric:
        return CounterMetricFamily(
            "archive_ocr_pages", "Pages read by OCR (filing and re-reading), by every "
            "process: the servers' and the workers'.", value=await self.tally.total())

    async def _lag(self) -> Metric:
        """Behind the feed's head as the registry has it now (a stalled follower learns
        of no new head itself)."""
        position = await self.follower.position()
        head = (await self.feed.changes(position, limit=1)).head
        return gauge("archive_feed_lag_events",
                     "Change feed events not yet applied, by consumer.", labels=["consumer"],
                     values=[(["retention"], max(0, head - position))])

    async def _fixity(self) -> list[Metric]:
        run = await self.runs.last_finished()
        finished = run.finished_at if run is not None else None
        kinds: dict[str, int] = {}
        for finding in run.findings if run is not None else []:
            kinds[finding.kind] = kinds.get(finding.kind, 0) + 1
        return [
            gauge("archive_fixity_last_run_timestamp_seconds",
                  "When the last finished fixity run ended (0: none yet).",
                  epoch_seconds(finished) if finished is not None else 0.0),
            gauge("archive_fixity_last_run_findings",
                  "Findings of the last finished fixity run, in all.",
                  float(len(run.findings)) if run is not None else 0.0),
            gauge("archive_fixity_last_run_findings_by_kind",
                  "Findings of the last finished fixity run, by kind.", labels=["kind"],
                  values=[([kind], count) for kind, count in sorted(kinds.items())]),
        ]

    async def _backup(self) -> list[Metric]:
        record = await last_backup(self.store)
        return [
            gauge("archive_backup_last_success_timestamp_seconds",
                  "When the last backup (archive backup) completed (0: none yet).",
                  epoch_seconds(record.finished_at) if record is not None else 0.0),
            gauge("archive_backup_last_size_bytes",
                  "Bytes of the archive's objects in the last backup.",
                  float(record.bytes) if record is not None else 0.0),
        ]
