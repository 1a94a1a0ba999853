"""A registry that cannot be reached stops no worker and spends no attempt: the job waits
with its extracted pages, shows what it waits for, and is filed once the registry is
back. The registry is a real server; the fault is in the network between (``Relay``);
the worker's queue is its own (real SQLite), as ``archive worker``'s is apart."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pytest

from services.common.clients.registry import RegistryClient
from services.common.clock import FixedClock
from services.common.db import create_engine, migrate
from services.common.objectstore import store_original
from services.common.objectstore.directory import DirectoryObjectStore
from services.common.tasks import BackgroundTask
from services.ingest.extraction import ExtractionLimits, TesseractEngine
from services.ingest.jobs import Job, JobQueue
from services.ingest.pool import ExtractionPool
from services.ingest.worker import IngestWorker
from tests.fixtures.app import ArchiveServer
from tests.support.relay import Relay
from tests.support.rendering import SIMPLIFIED_LINES, render_page, write_png
from tests.support.waiting import eventually_async

pytestmark = pytest.mark.ocr

PAYLOAD = {"metadata": {"category": "repair", "title": "维修", "filed_at": "2024-05-18",
                        "household": "A-1201"},
           "media_type": "image/png", "size_bytes": 1, "uploaded_by": "li.archivist"}


@pytest.fixture
async def queue(tmp_path: Path) -> AsyncIterator[JobQueue]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'ingest.db'}"
    await migrate(url, "ingest")
    engine = create_engine(url)
    yield JobQueue(engine, FixedClock(datetime(2025, 3, 3, 9, 0, tzinfo=UTC)),
                   max_attempts=1)
    await engine.dispose()


@pytest.fixture
async def relay(archive_server: ArchiveServer) -> AsyncIterator[Relay]:
    host, port = archive_server.url.removeprefix("http://").split(":")
    relay = Relay(host, int(port))
    yield relay
    await relay.close()


@pytest.fixture
def pool() -> Iterator[ExtractionPool]:
    extraction = ExtractionPool(1)
    yield extraction
    extraction.shutdown()


async def test_job_waits_for_the_registry_without_spending_its_attempt(
        queue: JobQueue, relay: Relay, archive_server: ArchiveServer, pool: ExtractionPool,
        tmp_path: Path) -> None:
    store = DirectoryObjectStore(tmp_path / "objects")
    registry = RegistryClient(f"http://127.0.0.1:{relay.port}", name="registry",
                              service_token=partial(archive_server.ctx.codec.service_token,
                                                    "ingest"))
    worker = IngestWorker(queue, store, registry, pool, engine=TesseractEngine(),
                          limits=ExtractionLimits(page_timeout_s=10.0), lease_s=6,
                          concurrency=1, scratch_dir=tmp_path / "work", poll_s=0.05)
    scan = write_png(tmp_path / "scan.png", render_page(SIMPLIFIED_LINES[:1]))

    async def chunks() -> AsyncIterator[bytes]:
        yield scan.read_bytes()

    stored = await store_original(store, chunks(), max_bytes=10**7, spool_dir=store.spool_dir)
    job, _ = await queue.enqueue(stored.sha256, PAYLOAD)
    running = BackgroundTask("ingest-workers", worker.run)
    running.start()
    try:
        async def waiting() -> Job | None:
            now = await queue.get(job.job_id)
            return now if now.error_code == "registry_unavailable" else None

        waited = await eventually_async(waiting, what="the job did not wait for the registry")
        await asyncio.sleep(0.5)  # several tries of the registry meanwhile
        still = await queue.get(job.job_id)
        await relay.start()

        async def finished() -> Job | None:
            now = await queue.get(job.job_id)
            return now if now.status in ("done", "failed") else None

        filed = await eventually_async(finished, what="the job did not finish")
    finally:
        await running.stop()
        await registry.close()
    assert (waited.status, waited.attempts) == ("running", 1)
    assert (waited.error or "").startswith("waiting for the registry: the registry service "
                                           f"at http://127.0.0.1:{relay.port} cannot be "
                                           "reached")
    assert (still.status, still.attempts) == ("running", 1)
    # One attempt of one allowed: before, the first failed try of the registry failed it.
    assert (filed.status, filed.attempts, filed.error, filed.pages) == ("done", 1, None, 1)
