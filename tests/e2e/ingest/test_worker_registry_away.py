"""A registry that cannot be reached stops no worker and spends no attempt: the job waits
with its extracted pages, shows what it waits for, and is filed once the registry is
back, its pages not read again even if its worker was stopped meanwhile. The registry is
a real server; the fault is in the network between (``Relay``); the worker's queue is
its own (real SQLite), as ``archive worker``'s is apart, and counts the pages read by OCR
(``OcrTally``, as ``/metrics`` does)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from functools import partial
from pathlib import Path

import pytest

from services.common.clients.registry import RegistryClient
from services.common.objectstore import original_key
from services.common.objectstore.directory import DirectoryObjectStore
from services.common.tasks import BackgroundTask
from services.ingest.derived import DerivedText
from services.ingest.extraction import ExtractionLimits, TesseractEngine
from services.ingest.jobs import Job, JobQueue
from services.ingest.models import pages_key
from services.ingest.ocr_tally import OcrTally
from services.ingest.pool import ExtractionPool
from services.ingest.worker import IngestWorker
from tests.e2e.ingest.worker_apart import enqueue_scan, finished
from tests.fixtures.app import ArchiveServer, module_archive_server
from tests.support.relay import Relay
from tests.support.waiting import eventually_async

pytestmark = pytest.mark.ocr

server = module_archive_server()
"""The registry the tests' workers reach through their relays: each test's scan has bytes
of its own (``enqueue_scan``)."""


@pytest.fixture
async def relay(server: ArchiveServer) -> AsyncIterator[Relay]:
    host, port = server.url.removeprefix("http://").split(":")
    relay = Relay(host, int(port))
    yield relay
    await relay.close()


@pytest.fixture
def pool(queue: JobQueue) -> Iterator[ExtractionPool]:
    extraction = ExtractionPool(1, tally=OcrTally(queue.engine))
    yield extraction
    extraction.shutdown()


@pytest.fixture
def store(tmp_path: Path) -> DirectoryObjectStore:
    return DirectoryObjectStore(tmp_path / "objects")


@pytest.fixture
async def registry(relay: Relay, server: ArchiveServer) -> AsyncIterator[RegistryClient]:
    client = RegistryClient(f"http://127.0.0.1:{relay.port}", name="registry",
                            service_token=partial(server.ctx.codec.service_token,
                                                  "ingest"))
    yield client
    await client.close()


def _worker(queue: JobQueue, store: DirectoryObjectStore, registry: RegistryClient,
            pool: ExtractionPool, tmp_path: Path) -> IngestWorker:
    return IngestWorker(queue, store, registry, pool, engine=TesseractEngine(),
                        limits=ExtractionLimits(page_timeout_s=10.0), lease_s=6,
                        concurrency=1, scratch_dir=tmp_path / "work", poll_s=0.05)


async def _run_until(worker: IngestWorker, probe: Callable[[], Awaitable[Job | None]], *,
                     what: str) -> Job:
    """Run ``worker`` until ``probe`` answers, then stop it as ``archive worker`` stops on
    SIGTERM (its job handed back)."""
    running = BackgroundTask("ingest-workers", worker.run)
    running.start()
    try:
        return await eventually_async(probe, what=what)
    finally:
        await running.stop()


def _waiting_for_the_registry(queue: JobQueue, job: Job
                              ) -> Callable[[], Awaitable[Job | None]]:
    async def probe() -> Job | None:
        now = await queue.get(job.job_id)
        return now if now.error_code == "registry_unavailable" else None
    return probe


async def _stopped_while_waiting(queue: JobQueue, store: DirectoryObjectStore,
                                 registry: RegistryClient, pool: ExtractionPool,
                                 tmp_path: Path) -> Job:
    """A scan enqueued, read by a worker, which is stopped while the job waits for the
    registry (its pages stored, the job handed back)."""
    job = await enqueue_scan(queue, store, store.spool_dir, tmp_path)
    await _run_until(_worker(queue, store, registry, pool, tmp_path),
                     _waiting_for_the_registry(queue, job),
                     what="the job did not wait for the registry")
    return job


async def _restarted_until_finished(job: Job, queue: JobQueue, relay: Relay,
                                    store: DirectoryObjectStore, registry: RegistryClient,
                                    pool: ExtractionPool, tmp_path: Path) -> Job:
    """The registry back and a worker started again, run until ``job`` ends."""
    await relay.start()
    return await _run_until(_worker(queue, store, registry, pool, tmp_path),
                            finished(queue, job), what="the job did not finish")


async def test_job_waits_for_the_registry_without_spending_its_attempt(
        queue: JobQueue, relay: Relay, store: DirectoryObjectStore,
        registry: RegistryClient, pool: ExtractionPool, tmp_path: Path) -> None:
    job = await enqueue_scan(queue, store, store.spool_dir, tmp_path)
    running = BackgroundTask("ingest-workers",
                             _worker(queue, store, registry, pool, tmp_path).run)
    running.start()
    try:
        waited = await eventually_async(_waiting_for_the_registry(queue, job),
                                        what="the job did not wait for the registry")
        await asyncio.sleep(0.5)  # several tries of the registry meanwhile
        still = await queue.get(job.job_id)
        await relay.start()
        filed = await eventually_async(finished(queue, job), what="the job did not finish")
    finally:
        await running.stop()
    assert (waited.status, waited.attempts) == ("running", 1)
    assert (waited.error or "").startswith("waiting for the registry: the registry service "
                                           f"at http://127.0.0.1:{relay.port} cannot be "
                                           "reached")
    assert (still.status, still.attempts) == ("running", 1)
    # One attempt of one allowed: before, the first failed try of the registry failed it.
    assert (filed.status, filed.attempts, filed.error, filed.pages) == ("done", 1, None, 1)


async def test_job_taken_up_after_a_restart_is_filed_without_reading_its_pages_again(
        queue: JobQueue, relay: Relay, store: DirectoryObjectStore,
        registry: RegistryClient, pool: ExtractionPool, tmp_path: Path) -> None:
    tally = OcrTally(queue.engine)
    job = await _stopped_while_waiting(queue, store, registry, pool, tmp_path)
    handed_back = await queue.get(job.job_id)
    read_before = await tally.total()
    filed = await _restarted_until_finished(job, queue, relay, store, registry, pool,
                                             tmp_path)
    assert (handed_back.status, handed_back.attempts) == ("queued", 0)
    assert read_before == 1
    # Before, the worker started again read the page again: 2 pages read by OCR.
    assert await tally.total() == 1
    assert (filed.status, filed.attempts, filed.error, filed.pages) == ("done", 1, None, 1)


async def test_job_whose_stored_pages_are_gone_reads_them_again_after_a_restart(
        queue: JobQueue, relay: Relay, store: DirectoryObjectStore,
        registry: RegistryClient, pool: ExtractionPool, tmp_path: Path) -> None:
    tally = OcrTally(queue.engine)
    job = await _stopped_while_waiting(queue, store, registry, pool, tmp_path)
    await DerivedText(store).delete(job.sha256)
    filed = await _restarted_until_finished(job, queue, relay, store, registry, pool,
                                             tmp_path)
    assert await tally.total() == 2
    assert (filed.status, filed.pages) == ("done", 1)
    assert await store.head(pages_key(job.sha256)) is not None


async def test_job_whose_original_is_gone_fails_after_a_restart_though_its_pages_are_stored(
        queue: JobQueue, relay: Relay, store: DirectoryObjectStore,
        registry: RegistryClient, pool: ExtractionPool, tmp_path: Path) -> None:
    job = await _stopped_while_waiting(queue, store, registry, pool, tmp_path)
    await store.delete(original_key(job.sha256))
    failed = await _restarted_until_finished(job, queue, relay, store, registry, pool,
                                              tmp_path)
    assert (failed.status, failed.error_code, failed.document_id) == (
        "failed", "original_missing", None)
