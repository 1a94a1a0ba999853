"""A worker process that dies or hangs ends in a retried, then failed, job with a reason;
the pool is rebuilt and goes on working. Real SQLite, directory store and processes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from services.common.clients.registry import RegistryClient
from services.common.clock import FixedClock
from services.common.db import create_engine, migrate
from services.common.errors import ArchiveError, DependencyUnavailable, PermanentJobError
from services.common.objectstore import ObjectStore, store_original
from services.common.objectstore.directory import DirectoryObjectStore
from services.ingest.extraction import ExtractionLimits, OcrEngine, TesseractEngine
from services.ingest.jobs import RETRY_INITIAL_S, Job, JobQueue
from services.ingest.pool import Extracted, ExtractionDied, ExtractionPool, ExtractionTask
from services.ingest.worker import IngestWorker
from tests.fixtures.postgres import free_port
from tests.support.rendering import SIMPLIFIED_LINES, render_page, write_png
from tests.support.waiting import eventually_async
from tests.unit.ingest.faulty_engines import HangingEngine, MissingEngine, ProcessKillingEngine

LIMITS = ExtractionLimits(page_timeout_s=1.0)
HANG_LIMITS = ExtractionLimits(page_timeout_s=0.1)
"""For an engine that never answers whatever its timeout: the worker calls it hung after
0.1 s × 3 reads + its grace, instead of 4 s an attempt (8 s a test) with ``LIMITS``."""
READ_LIMITS = ExtractionLimits(page_timeout_s=60.0)
"""For a page Tesseract really reads: a fresh process on a loaded CI machine took over 1 s."""
PAYLOAD = {"metadata": {"category": "repair", "title": "维修", "filed_at": "2024-05-18",
                        "household": "A-1201"},
           "media_type": "image/png", "size_bytes": 1, "uploaded_by": "li.archivist"}


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_png(tmp_path_factory.mktemp("scan") / "scan.png",
                     render_page(SIMPLIFIED_LINES[:1]))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2025, 3, 3, 9, 0, tzinfo=UTC))


@pytest.fixture
async def queue(tmp_path: Path, clock: FixedClock) -> AsyncIterator[JobQueue]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'ingest.db'}"
    await migrate(url, "ingest")
    engine = create_engine(url)
    yield JobQueue(engine, clock, max_attempts=2)
    await engine.dispose()


@pytest.fixture
def store(tmp_path: Path) -> ObjectStore:
    return DirectoryObjectStore(tmp_path / "objects")


@pytest.fixture
def pool() -> Iterator[ExtractionPool]:
    extraction = ExtractionPool(1)
    yield extraction
    extraction.shutdown()


def _worker(queue: JobQueue, store: ObjectStore, pool: ExtractionPool, engine: OcrEngine,
            scratch: Path, *, limits: ExtractionLimits = LIMITS,
            stall_grace_s: float = 1.0) -> IngestWorker:
    # Nothing here reaches the registry: every job fails before registration.
    registry = RegistryClient(f"http://127.0.0.1:{free_port()}", service_token=lambda: "-",
                              name="registry")
    return IngestWorker(queue, store, registry, pool, engine=engine, limits=limits,
                        lease_s=6, concurrency=1, scratch_dir=scratch,
                        stall_grace_s=stall_grace_s)


async def _enqueue(queue: JobQueue, store: ObjectStore, scan: Path) -> Job:
    async def chunks() -> AsyncIterator[bytes]:
        yield scan.read_bytes()

    stored = await store_original(store, chunks(), max_bytes=10**7, spool_dir=store.spool_dir)
    job, _ = await queue.enqueue(stored.sha256, PAYLOAD)
    return job


async def _claim_and_process(worker: IngestWorker, queue: JobQueue) -> Job:
    job = await queue.claim(worker.name, lease_s=worker.lease_s)
    assert job is not None
    await worker.process(job)
    return await queue.get(job.job_id)


async def test_job_whose_process_dies_is_retried_with_backoff(
        queue: JobQueue, store: ObjectStore, pool: ExtractionPool, scan: Path,
        tmp_path: Path) -> None:
    worker = _worker(queue, store, pool, ProcessKillingEngine(), tmp_path / "work")
    await _enqueue(queue, store, scan)
    job = await _claim_and_process(worker, queue)
    assert (job.status, job.error_code) == ("queued", "extraction_process_died")


@pytest.mark.parametrize(("engine", "code", "reason"), [
    (ProcessKillingEngine, "extraction_process_died", "extraction process died"),
    (HangingEngine, "extraction_hung", "the OCR engine hung"),
], ids=["process-dies-every-time", "engine-hangs"])
async def test_job_whose_extraction_never_ends_fails_after_its_attempts_with_a_reason(
        queue: JobQueue, store: ObjectStore, pool: ExtractionPool, scan: Path,
        tmp_path: Path, clock: FixedClock, engine: type[OcrEngine], code: str,
        reason: str) -> None:
    # A hanging engine is called hung after 0.8 s; a dying one keeps the longer limit, so
    # a child slow to start on a loaded machine is not taken for a hung one.
    hangs = engine is HangingEngine
    worker = _worker(queue, store, pool, engine(), tmp_path / "work",
                     limits=HANG_LIMITS if hangs else LIMITS, stall_grace_s=0.5 if hangs else 1.0)
    await _enqueue(queue, store, scan)
    await _claim_and_process(worker, queue)
    clock.advance(timedelta(seconds=RETRY_INITIAL_S))
    job = await _claim_and_process(worker, queue)
    assert (job.status, job.error_code, job.attempts) == ("failed", code, 2)
    assert reason in (job.error or "")
    assert "gave up after 2 attempts" in (job.error or "")


async def test_pool_is_rebuilt_after_its_process_dies(
        pool: ExtractionPool, scan: Path, tmp_path: Path) -> None:
    def task(engine: OcrEngine, name: str) -> ExtractionTask:
        return ExtractionTask(original=scan, pages_out=tmp_path / f"{name}.jsonl",
                              previews_out=tmp_path / f"{name}-previews",
                              pid_file=tmp_path / f"{name}.pid", limits=READ_LIMITS,
                              engine=engine, language="chi_sim")

    with pytest.raises(ExtractionDied):
        await pool.run(task(ProcessKillingEngine(), "killed"))
    outcome = await pool.run(task(TesseractEngine(), "after"))
    assert isinstance(outcome, Extracted)
    assert outcome.pages == 1


@pytest.mark.parametrize(("engine", "garbled", "raised", "code"), [
    (TesseractEngine, True, PermanentJobError, "unsupported_media_type"),
    (MissingEngine, False, DependencyUnavailable, "ocr_engine_missing"),
], ids=["document-cannot-be-read", "engine-missing"])
async def test_pool_raises_what_the_extraction_process_failed_with(
        pool: ExtractionPool, scan: Path, tmp_path: Path, engine: type[OcrEngine],
        garbled: bool, raised: type[ArchiveError], code: str) -> None:
    original = scan
    if garbled:
        original = tmp_path / "garbled.png"
        original.write_bytes(b"not a scan at all")
    task = ExtractionTask(original=original, pages_out=tmp_path / "pages.jsonl",
                          previews_out=tmp_path / "previews", pid_file=tmp_path / "pid",
                          limits=LIMITS, engine=engine(), language="chi_sim")
    with pytest.raises(raised) as failed:
        await pool.run(task)
    assert (type(failed.value), failed.value.code) == (raised, code)


async def test_lease_is_kept_while_a_long_extraction_runs(
        queue: JobQueue, store: ObjectStore, pool: ExtractionPool, scan: Path,
        tmp_path: Path, clock: FixedClock) -> None:
    worker = _worker(queue, store, pool, HangingEngine(), tmp_path / "work")
    await _enqueue(queue, store, scan)
    claimed = await queue.claim(worker.name, lease_s=worker.lease_s)
    assert claimed is not None
    running = asyncio.create_task(worker.process(claimed))
    clock.advance(timedelta(seconds=worker.lease_s - 1))
    first_expiry = claimed.lease_expires_at
    assert first_expiry is not None

    async def renewed() -> bool:  # one heartbeat, however late a busy machine runs it
        expiry = (await queue.get(claimed.job_id)).lease_expires_at
        return expiry is not None and expiry > first_expiry

    await eventually_async(renewed, what="the heartbeat did not renew the lease")
    clock.advance(timedelta(seconds=2))  # past the lease the job was claimed with
    taken_over = await queue.claim("another-worker", lease_s=worker.lease_s)
    await running
    assert taken_over is None


async def test_log_says_retried_then_failed_on_the_last_attempt(
        queue: JobQueue, store: ObjectStore, pool: ExtractionPool, scan: Path,
        tmp_path: Path, clock: FixedClock, caplog: pytest.LogCaptureFixture) -> None:
    worker = _worker(queue, store, pool, ProcessKillingEngine(), tmp_path / "work")
    job = await _enqueue(queue, store, scan)
    with caplog.at_level(logging.WARNING, logger="archive.ingest.worker"):
        await _claim_and_process(worker, queue)
        clock.advance(timedelta(seconds=RETRY_INITIAL_S))
        await _claim_and_process(worker, queue)
    died = ("the extraction process died (killed, crashed or out of memory) before it "
            "finished the document (extraction_process_died)")
    said = [record.getMessage() for record in caplog.records]
    assert said == [f"job {job.job_id} will be retried (attempt 1 of 2 failed): {died}",
                    f"job {job.job_id} failed: {died} (gave up after 2 attempts)"]
