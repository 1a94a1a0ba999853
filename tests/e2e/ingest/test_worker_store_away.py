"""An object store that cannot be reached stops no worker and spends no attempt: the job
waits, says once in the log what it waits for and what to check, shows it meanwhile,
and is filed once the store answers again, however long it was away. The store is a
real S3 server (SeaweedFS), the fault in the network between (``Relay``), as a restart of
the store leaves it: refused connections. The registry is a real server; the worker's
queue is its own (real SQLite), as ``archive worker``'s is apart, allowing one attempt:
before, the first failed try of the store failed the job for good."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from services.common.clients.registry import RegistryClient
from services.common.objectstore.s3 import S3ObjectStore
from services.common.tasks import BackgroundTask
from services.ingest.extraction import ExtractionLimits, TesseractEngine
from services.ingest.jobs import Job, JobQueue
from services.ingest.pool import ExtractionPool
from services.ingest.worker import IngestWorker
from tests.e2e.ingest.worker_apart import enqueue_scan, finished
from tests.fixtures.app import ArchiveServer
from tests.fixtures.s3 import S3Server, unique_bucket
from tests.support.relay import Relay
from tests.support.waiting import eventually_async

pytestmark = pytest.mark.ocr

AWAY_S = 3.0
"""Several tries of the store, each refused after the S3 client's own retries."""


@pytest.fixture
async def relay(seaweedfs_s3: S3Server) -> AsyncIterator[Relay]:
    upstream = urlsplit(seaweedfs_s3.endpoint)
    relay = Relay(upstream.hostname or "127.0.0.1", upstream.port or 80)
    await relay.start()
    yield relay
    await relay.close()


@pytest.fixture
def store(seaweedfs_s3: S3Server, relay: Relay, tmp_path: Path) -> S3ObjectStore:
    spool = tmp_path / "spool"
    spool.mkdir()
    return S3ObjectStore(endpoint=f"http://127.0.0.1:{relay.port}",
                         access_key=seaweedfs_s3.access_key,
                         secret_key=seaweedfs_s3.secret_key, bucket=unique_bucket(),
                         region=seaweedfs_s3.region, spool_dir=spool)


@pytest.fixture
def pool() -> Iterator[ExtractionPool]:
    extraction = ExtractionPool(1)
    yield extraction
    extraction.shutdown()


@pytest.fixture
async def registry(archive_server: ArchiveServer) -> AsyncIterator[RegistryClient]:
    client = RegistryClient(archive_server.url, name="registry",
                            service_token=partial(archive_server.ctx.codec.service_token,
                                                  "ingest"))
    yield client
    await client.close()


def _waiting_for_the_store(queue: JobQueue, job: Job) -> Callable[[], Awaitable[Job | None]]:
    async def probe() -> Job | None:
        now = await queue.get(job.job_id)
        return now if (now.error or "").startswith("waiting for the object store") else None
    return probe


async def test_job_waits_for_the_object_store_without_spending_its_attempt(
        queue: JobQueue, relay: Relay, store: S3ObjectStore, registry: RegistryClient,
        pool: ExtractionPool, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    job = await enqueue_scan(queue, store, store.spool_dir, tmp_path)
    await relay.cut()
    worker = IngestWorker(queue, store, registry, pool, engine=TesseractEngine(),
                          limits=ExtractionLimits(page_timeout_s=10.0), lease_s=6,
                          concurrency=1, scratch_dir=tmp_path / "work", poll_s=0.05)
    running = BackgroundTask("ingest-workers", worker.run)
    with caplog.at_level(logging.INFO, logger="archive.ingest.worker"):
        running.start()
        try:
            waited = await eventually_async(_waiting_for_the_store(queue, job),
                                            what="the job did not wait for the store")
            await asyncio.sleep(AWAY_S)
            still = await queue.get(job.job_id)
            await relay.restore()
            filed = await eventually_async(finished(queue, job),
                                           what="the job did not finish")
        finally:
            await running.stop()
    assert (waited.status, waited.attempts) == ("running", 1)
    assert (waited.error or "").startswith(
        f"waiting for the object store: S3 at http://127.0.0.1:{relay.port} (bucket ")
    assert "check ARCHIVE_S3_ENDPOINT and that the server is running" in (waited.error or "")
    assert (still.status, still.attempts) == ("running", 1)
    # One attempt of one allowed: before, the first failed try of the store failed it.
    assert (filed.status, filed.attempts, filed.error, filed.pages) == ("done", 1, None, 1)
    said = [record.getMessage() for record in caplog.records]
    waits = [line for line in said if "waiting for the object store" in line]
    assert len(waits) == 1, said
    assert "check ARCHIVE_S3_ENDPOINT" in waits[0]
    assert f"job {job.job_id}: the object store answers again after " in "\n".join(said)
