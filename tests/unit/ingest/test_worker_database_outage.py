"""A PostgreSQL that cannot be reached for a while stops no worker: claims are tried again
with backoff, and a job whose outcome could not be recorded is claimed again once its lease
runs out, then finishes. Real PostgreSQL, reached through a relay the test cuts (a
restart or a network fault); the moment of the cut is chosen through the store seam."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from services.common.clients.registry import RegistryClient
from services.common.clock import SystemClock
from services.common.db import create_engine, migrate
from services.common.errors import PeerFailed
from services.common.objectstore import ObjectInfo, ObjectStore
from services.common.objectstore.directory import DirectoryObjectStore
from services.common.tasks import BackgroundTask
from services.ingest.extraction import ExtractionLimits, TesseractEngine
from services.ingest.jobs import Job, JobQueue
from services.ingest.pool import ExtractionPool
from services.ingest.worker import IngestWorker
from tests.fixtures.postgres import PostgresCluster, free_port
from tests.support.relay import Relay
from tests.support.waiting import eventually_async

LEASE_S = 2.0
OUTAGE_S = 1.0
PAYLOAD = {"metadata": {"category": "repair", "title": "维修", "filed_at": "2024-05-18",
                        "household": "A-1201"},
           "media_type": "image/png", "size_bytes": 1, "uploaded_by": "li.archivist"}


class Queues:
    """The worker's queue, through the relay, and the test's own, straight to the server."""

    def __init__(self, worker: JobQueue, direct: JobQueue, relay: Relay) -> None:
        self.worker = worker
        self.direct = direct
        self.relay = relay


@pytest.fixture
async def queues(postgres_cluster: PostgresCluster) -> AsyncIterator[Queues]:
    database = postgres_cluster.create_database()
    url = postgres_cluster.url(database)
    await migrate(url, "ingest")
    relay = Relay(postgres_cluster.host, postgres_cluster.port)
    await relay.start()
    relayed = url.replace(f":{postgres_cluster.port}/", f":{relay.port}/")
    engines = [create_engine(relayed), create_engine(url)]
    clock = SystemClock("Asia/Shanghai")
    yield Queues(*(JobQueue(engine, clock, max_attempts=3) for engine in engines),
                 relay=relay)
    await relay.close()
    for engine in engines:
        await engine.dispose()


class OutageOnFirstLook(DirectoryObjectStore):
    """A store without the original whose first ``head`` cuts the database for
    ``OUTAGE_S``, then answers as ``first_answer`` says: the original is missing (the job
    fails) or the store failed (the job is retried; a store that cannot be reached is
    waited for instead). The outcome is recorded while the database is away."""

    def __init__(self, root: Path, relay: Relay, *, first_answer: str) -> None:
        super().__init__(root)
        self.relay = relay
        self.first_answer = first_answer
        self.looks = 0

    async def head(self, key: str) -> ObjectInfo | None:
        self.looks += 1
        if self.looks == 1:
            await self.relay.cut()
            asyncio.get_running_loop().call_later(
                OUTAGE_S, lambda: asyncio.ensure_future(self.relay.restore()))
            if self.first_answer == "failed":
                raise PeerFailed("the object store answered InternalError: a disk failed")
        return await super().head(key)


@pytest.fixture
def pool() -> Iterator[ExtractionPool]:
    extraction = ExtractionPool(1)
    yield extraction
    extraction.shutdown()


def _worker(queue: JobQueue, store: ObjectStore, pool: ExtractionPool, scratch: Path
            ) -> IngestWorker:
    # Nothing reaches the registry: the original is missing, so every job ends before.
    registry = RegistryClient(f"http://127.0.0.1:{free_port()}", service_token=lambda: "-",
                              name="registry")
    return IngestWorker(queue, store, registry, pool, engine=TesseractEngine(),
                        limits=ExtractionLimits(page_timeout_s=1.0), lease_s=LEASE_S,
                        concurrency=1, scratch_dir=scratch, poll_s=0.05)


async def _finished(queue: JobQueue, job: Job) -> Job:
    async def ended() -> Job | None:
        now = await queue.get(job.job_id)
        return now if now.status in ("done", "failed") else None

    return await eventually_async(ended, timeout_s=20, what="the job did not finish")


async def test_worker_claims_again_once_the_database_is_back(
        queues: Queues, pool: ExtractionPool, tmp_path: Path) -> None:
    store = DirectoryObjectStore(tmp_path / "objects")
    worker = _worker(queues.worker, store, pool, tmp_path / "work")
    await queues.relay.cut()
    running = BackgroundTask("ingest-workers", worker.run)
    running.start()
    try:
        job, _ = await queues.direct.enqueue("a" * 64, PAYLOAD)
        await asyncio.sleep(OUTAGE_S)  # several claims fail meanwhile
        assert (await queues.direct.get(job.job_id)).status == "queued"
        await queues.relay.restore()
        finished = await _finished(queues.direct, job)
    finally:
        await running.stop()
    assert (finished.status, finished.error_code, finished.attempts) == (
        "failed", "original_missing", 1)


@pytest.mark.parametrize("first_answer", ["missing", "failed"],
                         ids=["fail-not-recorded", "retry-not-recorded"])
async def test_job_whose_outcome_was_not_recorded_is_claimed_again_after_its_lease(
        queues: Queues, pool: ExtractionPool, tmp_path: Path, first_answer: str) -> None:
    store = OutageOnFirstLook(tmp_path / "objects", queues.relay, first_answer=first_answer)
    worker = _worker(queues.worker, store, pool, tmp_path / "work")
    running = BackgroundTask("ingest-workers", worker.run)
    job, _ = await queues.direct.enqueue("b" * 64, PAYLOAD)
    running.start()
    try:
        finished = await _finished(queues.direct, job)
    finally:
        await running.stop()
    # The first attempt's outcome was lost with the database; the lease ran out and the
    # second attempt, by the same worker, recorded its own.
    assert store.looks == 2
    assert (finished.status, finished.error_code, finished.attempts) == (
        "failed", "original_missing", 2)
