"""A job enqueued in-process is claimed at once, never a poll later, however the wake-up
and the workers' claims interleave. Real SQLite; the interleaving is forced through the
queue and store seams, and the poll is set far beyond the test's patience."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.common.clients.registry import RegistryClient
from services.common.clock import FixedClock
from services.common.db import create_engine, migrate
from services.common.objectstore import ObjectInfo
from services.common.objectstore.directory import DirectoryObjectStore
from services.ingest.extraction import ExtractionLimits, TesseractEngine
from services.ingest.jobs import Job, JobQueue
from services.ingest.pool import ExtractionPool
from services.ingest.worker import IngestWorker
from tests.fixtures.postgres import free_port
from tests.support.waiting import eventually_async

POLL_S = 60.0
PATIENCE_S = 1.5
PAYLOAD = {"metadata": {"category": "repair", "title": "维修", "filed_at": "2024-05-18",
                        "household": "A-1201"},
           "media_type": "application/pdf", "size_bytes": 1, "uploaded_by": "li.archivist"}


class LateArrivals(JobQueue):
    """Jobs arrive (enqueued, worker woken) after the first ``claims`` claims have looked
    and found nothing, but before any of them answers; the last of them to look answers
    first, the others a moment later."""

    def __init__(self, *args: Any, claims: int, jobs: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.worker: IngestWorker | None = None
        self.claimed: list[Job] = []
        self._waiting = claims
        self._jobs = jobs
        self._arrived = asyncio.Event()

    async def claim(self, worker: str, *, lease_s: float) -> Job | None:
        job = await super().claim(worker, lease_s=lease_s)
        if job is not None:
            self.claimed.append(job)
        elif self._waiting > 0:
            self._waiting -= 1
            if self._waiting == 0:
                for n in range(self._jobs):
                    await self.enqueue(f"{n:064x}", PAYLOAD)
                assert self.worker is not None
                self.worker.wake()
                self._arrived.set()
            else:
                await self._arrived.wait()
                await asyncio.sleep(0.2)  # answers after the arrival's wake was taken
        return job


class SlowStore(DirectoryObjectStore):
    """A store that takes its time to answer ``head``: each job stays in its slot."""

    async def head(self, key: str) -> ObjectInfo | None:
        await asyncio.sleep(2 * PATIENCE_S)
        return await super().head(key)


@pytest.fixture
async def engine_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'ingest.db'}"
    await migrate(url, "ingest")
    return url


async def _run_until_claimed(queue: LateArrivals, tmp_path: Path, *, concurrency: int,
                             jobs: int) -> list[Job]:
    registry = RegistryClient(f"http://127.0.0.1:{free_port()}", service_token=lambda: "-",
                              name="registry")
    pool = ExtractionPool(1)
    worker = IngestWorker(queue, SlowStore(tmp_path / "objects"), registry, pool,
                          engine=TesseractEngine(), limits=ExtractionLimits(), lease_s=60,
                          concurrency=concurrency, scratch_dir=tmp_path / "work",
                          poll_s=POLL_S)
    queue.worker = worker
    running = asyncio.create_task(worker.run())
    try:
        async def all_claimed() -> bool:
            return len(queue.claimed) >= jobs

        await eventually_async(all_claimed, timeout_s=PATIENCE_S * 2, interval_s=0.02,
                               what=f"the worker did not claim {jobs} jobs")
        return queue.claimed
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        pool.shutdown()
        await queue.engine.dispose()


def _queue(url: str, *, claims: int, jobs: int) -> LateArrivals:
    clock = FixedClock(datetime(2025, 3, 3, 9, 0, tzinfo=UTC))
    return LateArrivals(create_engine(url), clock, max_attempts=2, claims=claims, jobs=jobs)


async def test_job_enqueued_while_the_claim_looks_is_claimed_without_waiting_for_the_poll(
        engine_url: str, tmp_path: Path) -> None:
    queue = _queue(engine_url, claims=1, jobs=1)
    started = asyncio.get_running_loop().time()
    claimed = await _run_until_claimed(queue, tmp_path, concurrency=1, jobs=1)
    assert len(claimed) == 1
    assert asyncio.get_running_loop().time() - started < PATIENCE_S


async def test_two_jobs_woken_once_are_claimed_by_two_slots_at_once(
        engine_url: str, tmp_path: Path) -> None:
    queue = _queue(engine_url, claims=2, jobs=2)
    started = asyncio.get_running_loop().time()
    claimed = await _run_until_claimed(queue, tmp_path, concurrency=2, jobs=2)
    assert len({job.job_id for job in claimed}) == 2
    # The slot that took the first job is busy with it (a slow store): only another
    # slot, woken in turn, can have taken the second this soon.
    assert asyncio.get_running_loop().time() - started < PATIENCE_S
