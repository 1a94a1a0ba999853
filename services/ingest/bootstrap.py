"""Builds the ingest service and its workers: the one place ingest picks implementations.

Embedded (no ``ARCHIVE_DATABASE_URL``), the workers run inside the server: one extraction
process per core (``ARCHIVE_OCR_WORKERS``, 0 = the cores). Scale-out, the API servers only
take uploads and ``archive worker`` processes extract, each claiming from the same table.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.auth import TokenCodec
from services.common.clients.registry import RegistryClient
from services.common.clock import Clock
from services.common.config import Settings
from services.common.context import Context
from services.common.db import create_engine, database_check
from services.common.errors import DependencyUnavailable
from services.common.metrics import Metrics
from services.common.migrations import prepare_database
from services.common.objectstore import STORE_REFUSED, ObjectStore, open_object_store
from services.common.tasks import BackgroundTask
from services.common.web import PartRouter, ServicePart, provided
from services.ingest.api import (
    BatchesController,
    DocumentsController,
    FixityController,
    JobsController,
    OriginalsController,
    TextsController,
)
from services.ingest.attach import ScanAttacher
from services.ingest.batches import Batches
from services.ingest.corrections import PageCorrector
from services.ingest.derive import Deriver
from services.ingest.extraction import (
    ExtractionLimits,
    OcrEngine,
    OcrEngineName,
    TesseractEngine,
    require_models,
)
from services.ingest.extraction.ppocr import PpOcrEngine
from services.ingest.fixity.checker import FixityChecker
from services.ingest.fixity.repository import FixityRuns
from services.ingest.fixity.schedule import FixitySchedule
from services.ingest.jobs import JobQueue
from services.ingest.locks import lock_on_write
from services.ingest.metrics import IngestSampler
from services.ingest.ocr_tally import OcrTally
from services.ingest.pool import ExtractionPool
from services.ingest.purge import RetentionFollower
from services.ingest.reocr import Rereader
from services.ingest.service import IngestService
from services.ingest.worker import IngestWorker, Registrar

MULTIPART_OVERHEAD_BYTES = 1024 * 1024
"""Room for the form's boundaries and ``metadata`` field on top of the file itself."""

log = logging.getLogger("archive.ingest")


def ocr_processes(settings: Settings) -> int:
    return settings.ocr_workers or os.cpu_count() or 1


def engine_named(name: OcrEngineName) -> OcrEngine:
    """An engine by name. PP-OCR's model files are looked for here: a missing one raises
    ``DependencyUnavailable`` naming the package that carries them."""
    if name == "tesseract":
        return TesseractEngine()
    return PpOcrEngine()


def ocr_engine(settings: Settings) -> OcrEngine:
    """The engine ``ARCHIVE_OCR_ENGINE`` names, checked at start-up with the Tesseract
    models it needs: ``ARCHIVE_OCR_LANGUAGES`` (Tesseract's) and orientation detection
    (``osd``, both engines')."""
    languages = settings.ocr_languages.split("+") if settings.ocr_engine == "tesseract" else []
    require_models([*languages, "osd"])
    return engine_named(settings.ocr_engine)


@dataclass
class Workers:
    """An ``IngestWorker`` with its process pool, run as a task of the current loop."""

    worker: IngestWorker
    pool: ExtractionPool
    task: BackgroundTask = field(init=False)

    def __post_init__(self) -> None:
        self.task = BackgroundTask("ingest-workers", self.worker.run)

    def start(self) -> None:
        self.task.start()

    async def stop(self) -> None:
        await self.task.stop()
        self.pool.shutdown()

    async def state(self) -> str:
        if not self.task.running:
            return "down: the workers are not running"
        processes = self.pool.processes
        return (f"{processes} extraction process{'' if processes == 1 else 'es'} running "
                f"({self.engine_name})")

    @property
    def engine_name(self) -> str:
        return "ppocr" if isinstance(self.worker.engine, PpOcrEngine) else "tesseract"


UNTAKEN_AFTER_S = 120.0
"""How long an upload may wait for an ``archive worker``, none running any, before
``/ready`` says no worker seems to be taking jobs: an idle worker claims one in seconds."""


async def workers_apart_state(queue: JobQueue) -> str:
    """``ingest.workers`` when the workers run apart (``archive worker``, with
    ``ARCHIVE_DATABASE_URL``): degraded when uploads wait and none is being read, as they
    wait for ever when no worker was started after the move to PostgreSQL."""
    untaken = await queue.untaken(for_s=UNTAKEN_AFTER_S)
    if untaken is None:
        return "apart (run 'archive worker')"
    count, since = untaken
    minutes = max(1, round((queue.clock.now() - since).total_seconds() / 60))
    return (f"degraded: {count} upload{'' if count == 1 else 's'} waiting {minutes} min for "
            "a worker, and none being read: start 'archive worker' (ARCHIVE_DATABASE_URL "
            "naming this database, ARCHIVE_REGISTRY_URL this server), or see why the "
            "running ones take no jobs in their log")


def build_workers(settings: Settings, queue: JobQueue, store: ObjectStore,
                  registrar: Registrar, *, engine: OcrEngine | None = None,
                  concurrency: int | None = None, stall_grace_s: float = 30.0,
                  metrics: Metrics | None = None) -> Workers:
    """Workers over ``queue``; ``engine`` is the OCR seam (default: ``ocr_engine``);
    their pages read by OCR are counted in the queue's database (every process's reach
    ``/metrics``), their failures in ``metrics`` (default: counted nowhere)."""
    processes = concurrency or ocr_processes(settings)
    metrics = metrics or Metrics()
    pool = ExtractionPool(processes, tally=OcrTally(queue.engine))
    # One job more than processes: while a job's text is stored and registered, and the
    # next is claimed and fetched (measured: 30–50 ms, 5–7% of a one-page scan's OCR),
    # another job is already waiting in the pool, so no extraction process idles.
    worker = IngestWorker(
        queue, store, registrar, pool, engine=engine or ocr_engine(settings),
        limits=ExtractionLimits.from_settings(settings), lease_s=settings.job_lease_s,
        concurrency=processes + 1, scratch_dir=settings.data_dir / "ingest" / "work",
        stall_grace_s=stall_grace_s, metrics=metrics)
    return Workers(worker=worker, pool=pool)


def open_queue(settings: Settings, clock: Clock) -> tuple[AsyncEngine, JobQueue]:
    engine = create_engine(settings.database_url_for("ingest"))
    return engine, JobQueue(engine, clock, max_attempts=settings.job_max_attempts)


SERVER_WAITS_FOR_STORE = "uploads and jobs wait for it ('/ready' says when it answers)"
"""What ``archive serve`` does about an object store that does not answer at start."""

WORKER_WAITS_FOR_STORE = (
    "this worker starts anyway, and each job it takes waits for the store, its attempt not "
    "counted (this log says 'job …: waiting for the object store', and again when it "
    "answers): start the object store, or stop this worker (Ctrl-C) and start it again "
    "with ARCHIVE_S3_ENDPOINT naming where the store answers")
"""What ``archive worker`` does about it, and what its operator can do: a worker serves no
``/ready`` to ask."""


async def check_store_keys(store: ObjectStore, *, meanwhile: str) -> None:
    """Stop the start when the object store refuses the archive's keys (a wrong
    ARCHIVE_S3_SECRET_KEY), as a database refusing its password does; one that does not
    answer yet is waited for by the loops that use it: the warning says so, and what
    happens ``meanwhile`` (``SERVER_WAITS_FOR_STORE``, ``WORKER_WAITS_FOR_STORE``)."""
    try:
        await store.check()
    except DependencyUnavailable as exc:
        if exc.code == STORE_REFUSED:
            raise
        log.warning("%s; %s", exc.detail, meanwhile)


def build(ctx: Context) -> ServicePart:
    settings = ctx.settings
    url = settings.database_url_for("ingest")
    engine, queue = open_queue(settings, ctx.clock)
    store = open_object_store(settings, clock=ctx.clock)
    registry = RegistryClient(ctx.peer_url("registry"), name="registry",
                              service_token=partial(ctx.codec.service_token, "ingest"))
    workers = (build_workers(settings, queue, store, registry, metrics=ctx.metrics)
               if ctx.settings.embedded else None)
    ingest = IngestService(queue, store, registry, catalogue=registry,
                           max_upload_bytes=settings.max_upload_bytes, clock=ctx.clock,
                           lock_on_write=lock_on_write(settings),
                           limits=ExtractionLimits.from_settings(settings),
                           scratch_dir=settings.data_dir / "ingest" / "work",
                           on_enqueued=workers.worker.wake if workers else None)
    follower = RetentionFollower(registry, store, ctx.clock)
    # Scale-out API servers have no workers: re-reading gets processes of its own there.
    tally = OcrTally(engine)
    pool = workers.pool if workers else ExtractionPool(ocr_processes(settings), tally=tally)
    rereader = Rereader(store, registry, pool, ctx.clock, engine_named=engine_named,
                        default_engine=settings.ocr_engine,
                        limits=ExtractionLimits.from_settings(settings),
                        scratch_dir=settings.data_dir / "ingest" / "work")
    corrector = PageCorrector(store, registry, ctx.clock,
                              scratch_dir=settings.data_dir / "ingest" / "work",
                              revising=rereader.revising)
    batches = Batches(engine, queue, ctx.clock)
    runs = FixityRuns(engine, ctx.clock)
    fixity = FixityChecker(runs, registry, store, queue, ctx.clock)
    deriver = Deriver(store, registry, pool, limits=ExtractionLimits.from_settings(settings),
                      scratch_dir=settings.data_dir / "ingest" / "work",
                      revising=rereader.revising)
    interval = settings.fixity_interval_days
    schedule = FixitySchedule(fixity, runs, ctx.clock, interval=timedelta(days=interval)
                              ) if interval else None

    async def start() -> None:
        await prepare_database(engine, url, "ingest", embedded=ctx.settings.embedded,
                               wait=True)
        await check_store_keys(store, meanwhile=SERVER_WAITS_FOR_STORE)
        if workers is not None:
            workers.start()
        follower.start()
        if schedule is not None:
            schedule.start()

    async def stop() -> None:
        if schedule is not None:
            await schedule.stop()
        await fixity.stop()
        await follower.stop()
        if workers is not None:
            await workers.stop()
        pool.shutdown()
        await registry.close()
        await engine.dispose()

    async def worker_state() -> str:
        return await workers.state() if workers else await workers_apart_state(queue)

    router = PartRouter(
        path="/ingest",
        route_handlers=[DocumentsController, BatchesController, JobsController,
                        OriginalsController, TextsController, FixityController],
        dependencies=provided(ingest=ingest, fixity=fixity, rereader=rereader,
                              deriver=deriver, corrector=corrector, batches=batches,
                              attacher=ScanAttacher(queue, store, registry)),
        request_max_body_size=settings.max_upload_bytes + MULTIPART_OVERHEAD_BYTES,
    )
    return ServicePart(
        name="ingest", router=router, on_startup=[start], on_shutdown=[stop],
        readiness={"ingest.database": database_check(engine), "ingest.objects": store.check,
                   "ingest.workers": worker_state},
        samplers={"ingest": IngestSampler(queue, fixity.runs, follower, registry, store,
                                          ctx.clock, tally)},
    )


async def run_workers(settings: Settings, codec: TokenCodec, clock: Clock, *,
                      registry_url: str, stop: asyncio.Event,
                      concurrency: int | None = None) -> None:
    """``archive worker``: workers apart from the API servers, until ``stop`` is set; a
    database that cannot be reached yet is waited for (``stop`` ends the wait). What they
    use is checked at start as ``archive serve`` checks it: the OCR models, then the object
    store's keys (after the database, as ``start`` in ``build``)."""
    ocr = ocr_engine(settings)
    url = settings.database_url_for("ingest")
    engine, queue = open_queue(settings, clock)
    registry = RegistryClient(registry_url, name="registry",
                              service_token=partial(codec.service_token, "ingest"))
    try:
        if not await _unless_stopped(
                prepare_database(engine, url, "ingest", embedded=settings.embedded,
                                 wait=True), stop):
            return
        store = open_object_store(settings)
        await check_store_keys(store, meanwhile=WORKER_WAITS_FOR_STORE)
        workers = build_workers(settings, queue, store, registry, engine=ocr,
                                concurrency=concurrency)
        workers.start()
        try:
            await stop.wait()
        finally:
            await workers.stop()
    finally:
        await registry.close()
        await engine.dispose()


async def _unless_stopped(work: Coroutine[Any, Any, None], stop: asyncio.Event) -> bool:
    """Run ``work`` until it ends (True) or ``stop`` is set first (False, ``work``
    cancelled)."""
    running = asyncio.ensure_future(work)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (running, stopping):
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
    return not running.cancelled()
