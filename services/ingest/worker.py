"""The ingest worker: claims jobs and carries each document through to the registry.

Per job it SHALL, in order (each step idempotent, keyed by the original's SHA-256, so a
job run again after a crash redoes only what was lost):
1. copy the original from the object store to a scratch directory;
2. extract its pages in a worker process (``ExtractionPool``), stopping the process if no
   page comes for ``stall_limit_s`` (an engine that ignores its page timeout);
3. store the page previews and the page texts beside the original
   (``derived/<sha256>/pages/``, ``derived/<sha256>/pages.jsonl``);
4. register the document with the registry (idempotent by SHA-256);
5. complete the job with the ``document_id``, while it still holds the lease.

The page texts are stored last, after the previews: a job run again once they are there
(its worker was stopped or died while the registry was away, or its registration failed)
checks that the original is still there and goes straight to step 4, its pages not read
again, unless they are gone or Tesseract read them with another model than the upload
asks (``DerivedText.extracted``).

Throughout, a heartbeat renews the job's lease every third of ``lease_s``; a lease lost
to another worker stops the steps. The lease is short (``ARCHIVE_JOB_LEASE_S``, 30 s),
so a job whose process died is claimed again within seconds, and a worker that starts
first takes back at once the jobs of dead processes on its own host
(``services.ingest.owners``), with their scratch directories.

Outcomes: a ``PermanentJobError`` from extraction, or a refusal from the registry (a 4xx:
its code and reason), fails the job with that reason. A registry that failed (its 500),
a missing OCR engine, or a process that died or hung is retried with backoff, and fails
after the job's last attempt. On shutdown the job is handed back at once (the attempt
not counted).
A database that cannot be reached stops nothing: claims are tried again with backoff, and
a job whose outcome could not be recorded is claimed again once its lease runs out. Nor
does an object store or a registry that cannot be reached (``_waiting``): the step that
needs it waits for it with the same backoff, holding the job (no attempt spent; the
registry waited for with the extracted pages, none read again, also after the worker is
stopped meanwhile); the job's ``error`` says meanwhile what it waits for.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import time
from collections.abc import Awaitable, Callable, Coroutine
from functools import partial
from pathlib import Path
from typing import Any, Protocol, TypeVar

import msgspec

from services.common.contracts.registry import NewDocument, Registration
from services.common.errors import (
    ArchiveError,
    BadRequest,
    Conflict,
    DependencyUnavailable,
    Forbidden,
    NotFound,
    PeerFailed,
    PermanentJobError,
)
from services.common.metrics import Metrics
from services.common.names import written
from services.common.objectstore import ObjectStore, original_key
from services.common.tasks import Backoff
from services.ingest.derived import DerivedText, copy_to_file
from services.ingest.extraction import ExtractionLimits, OcrEngine
from services.ingest.jobs import Job, JobQueue
from services.ingest.models import JobPayload
from services.ingest.owners import WorkerName, died_here
from services.ingest.pool import (
    Extracted,
    ExtractionDied,
    ExtractionPool,
    ExtractionTask,
    page_count_file,
)
from services.ingest.previews import DerivedPreviews

log = logging.getLogger("archive.ingest.worker")
T = TypeVar("T")

# A page may be read three times (chi_sim, chi_tra, then eng) while the model is chosen.
READS_PER_PAGE = 3
REGISTRY_REFUSALS = (BadRequest, Forbidden, NotFound, Conflict)
OUTAGE_PAUSE_MAX_S = 30.0
"""The longest pause between tries of a database, store or registry that cannot be
reached."""
STORE = "the object store"
REGISTRY = "the registry"


class Registrar(Protocol):
    """Files documents with the registry (``RegistryClient`` implements it)."""

    async def register_document(self, new: NewDocument) -> Registration:
        """Idempotent by ``new.sha256``: the same bytes return the existing record."""
        ...


class ExtractionHung(DependencyUnavailable):
    default_code = "extraction_hung"


class LeaseLost(Exception):
    """Another worker took the job over (this one was too slow); stop working on it."""


class IngestWorker:
    """Runs ``concurrency`` jobs at a time, each extracted in ``pool``."""

    def __init__(self, queue: JobQueue, store: ObjectStore, registrar: Registrar,
                 pool: ExtractionPool, *, engine: OcrEngine, limits: ExtractionLimits,
                 lease_s: float, concurrency: int, scratch_dir: Path,
                 poll_s: float = 1.0, stall_grace_s: float = 30.0,
                 metrics: Metrics | None = None) -> None:
        """``metrics`` counts failed attempts by reason (default: counted nowhere)."""
        self.queue = queue
        self.store = store
        self.derived = DerivedText(store)
        self.previews = DerivedPreviews(store)
        self.registrar = registrar
        self.pool = pool
        self.engine = engine
        self.limits = limits
        self.lease_s = lease_s
        self.concurrency = concurrency
        self.poll_s = poll_s
        self.stall_limit_s = limits.page_timeout_s * READS_PER_PAGE + stall_grace_s
        self.name = str(WorkerName.new())
        self.scratch_root = scratch_dir
        # Each worker its own: an extraction orphaned by a killed server may still be
        # writing into the directory of the job it was given.
        self.scratch_dir = scratch_dir / self.name
        self._wake = asyncio.Event()
        self.failures = (metrics or Metrics()).extraction_failures

    def wake(self) -> None:
        """A job was enqueued: look now instead of at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        """Take back dead processes' jobs, then claim and process jobs until cancelled."""
        await self.recover()
        # A task group, not gather: should one slot crash, the others are stopped too (their
        # jobs handed back) before ``BackgroundTask`` starts the worker again.
        async with asyncio.TaskGroup() as slots:
            for _ in range(self.concurrency):
                slots.create_task(self._slot())

    async def recover(self) -> None:
        """End the leases of dead worker processes of this host (their jobs are claimed
        again now, not once their leases run out) and remove their scratch directories."""
        try:
            expired = await self.queue.expire_leases(died_here)
        except DependencyUnavailable as exc:
            log.warning("cannot look for jobs of dead workers: %s", exc.detail)
            return
        if expired:
            log.info("taking back %d job(s) of a worker process that died: %s",
                     len(expired), ", ".join(expired))
        for directory in await asyncio.to_thread(_dead_scratch, self.scratch_root):
            await asyncio.to_thread(shutil.rmtree, directory, ignore_errors=True)

    async def _slot(self) -> None:
        backoff = Backoff(initial_s=self.poll_s, max_s=OUTAGE_PAUSE_MAX_S)
        while True:
            # Cleared before looking, not after: a job enqueued while the claim runs
            # must not wait a whole poll (measured: stalls of up to ``poll_s`` per job).
            self._wake.clear()
            try:
                job = await self.queue.claim(self.name, lease_s=self.lease_s)
            except DependencyUnavailable as exc:
                pause = backoff.next_pause_s()
                log.warning("cannot claim jobs: %s; trying again in %.1f s", exc.detail, pause)
                await asyncio.sleep(pause)
                continue
            backoff.reset()
            if job is None:
                await self._idle()
                continue
            # Another slot may have cleared a wake meant for a second job: pass it on.
            self._wake.set()
            await self.process(job)

    async def _idle(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self.poll_s)

    async def process(self, job: Job) -> None:
        """Carry one claimed job to ``done`` or ``failed``, or hand it back for a retry.
        If the database is away when the outcome is recorded, the job is left as it is:
        once its lease runs out, a worker (this one or another) claims it again."""
        work = self.scratch_dir / job.job_id
        try:
            await self._carry(job, work)
        except DependencyUnavailable as exc:
            log.warning("job %s: cannot record its outcome: %s; it is taken up again when "
                        "its lease runs out", job.job_id, exc.detail)
        finally:
            await asyncio.to_thread(shutil.rmtree, work, ignore_errors=True)

    async def _carry(self, job: Job, work: Path) -> None:
        try:
            await asyncio.to_thread(work.mkdir, parents=True, exist_ok=True)
            document_id, pages, review_pages = await self._holding_lease(
                job, self._steps(job, work))
            if await self.queue.complete(job.job_id, self.name, document_id=document_id,
                                         pages=pages, review_pages=review_pages):
                log.info("job %s done: document %s, %d pages", job.job_id, document_id, pages)
        except asyncio.CancelledError:
            await asyncio.shield(self._release(job))
            raise
        except LeaseLost:
            log.warning("job %s: lease lost to another worker; leaving it", job.job_id)
        except PermanentJobError as exc:
            await self._fail(job, exc.code, exc.detail)
        except REGISTRY_REFUSALS as exc:
            await self._fail(job, exc.code, f"the registry refused the document: {exc.detail}")
        except ArchiveError as exc:
            await self._retry(job, exc.code, exc.detail)
        except Exception as exc:  # a bug: keep the worker alive, retry, and log it
            log.exception("job %s: unexpected error", job.job_id)
            await self._retry(job, "internal_error", f"internal error: {exc!r}")

    async def _retry(self, job: Job, code: str, detail: str) -> None:
        """Hand the job back for another attempt, or fail it after its last; the log says
        which the queue did."""
        self.failures.labels(reason=code).inc()
        outcome = await self.queue.retry(job.job_id, self.name, error=detail, code=code)
        if outcome == "failed":
            log.warning("job %s failed: %s (%s) (gave up after %d attempts)", job.job_id,
                        detail, code, job.attempts)
        elif outcome == "queued":
            log.warning("job %s will be retried (attempt %d of %d failed): %s (%s)",
                        job.job_id, job.attempts, job.max_attempts, detail, code)
        else:
            log.warning("job %s: %s (%s); another worker holds it now", job.job_id,
                        detail, code)

    async def _release(self, job: Job) -> None:
        """Hand the job back on shut-down; with the database away it is taken up again
        once its lease runs out."""
        try:
            await self.queue.release(job.job_id, self.name)
        except DependencyUnavailable as exc:
            log.warning("job %s: cannot hand it back: %s; it is taken up again when its "
                        "lease runs out", job.job_id, exc.detail)

    async def _holding_lease(self, job: Job, steps: Coroutine[Any, Any, T]) -> T:
        """Run ``steps`` while a heartbeat renews the job's lease every third of it;
        ``LeaseLost`` (the steps cancelled) once another worker holds the job."""
        running = asyncio.ensure_future(steps)
        try:
            while True:
                done, _ = await asyncio.wait({running}, timeout=self.lease_s / 3)
                if done:
                    return running.result()
                if not await self._renew(job):
                    raise LeaseLost(job.job_id)
        finally:
            if not running.done():
                running.cancel()
                with contextlib.suppress(asyncio.CancelledError, ArchiveError):
                    await running

    async def _renew(self, job: Job) -> bool:
        """Renew the lease; False if another worker holds the job now. A database that
        cannot be reached renews nothing but stops nothing: if the lease runs out, the
        job is done again elsewhere and this worker's outcome is refused."""
        try:
            return await self.queue.extend_lease(job.job_id, self.name, lease_s=self.lease_s)
        except DependencyUnavailable as exc:
            log.warning("job %s: cannot renew its lease: %s", job.job_id, exc.detail)
            return True

    async def _fail(self, job: Job, code: str, detail: str) -> None:
        log.warning("job %s failed: %s (%s)", job.job_id, detail, code)
        self.failures.labels(reason=code).inc()
        await self.queue.fail(job.job_id, self.name, error=detail, code=code)

    async def _steps(self, job: Job, work: Path) -> tuple[str, int, int]:
        payload = job_payload(job)
        extracted = await self._extraction(job, payload, work)
        registration = await self._register(job, registration_of(job, payload, extracted))
        if registration.document.status == "destroyed":
            await self._forget(job.sha256)
            raise PermanentJobError(
                f"these bytes are {registration.document.archive_no}, destroyed after "
                "appraisal (R6); a destroyed document is never filed again",
                code="destroyed")
        return (registration.document.document_id, extracted.pages,
                len(extracted.summary.pages_needing_review))

    async def _extraction(self, job: Job, payload: JobPayload, work: Path) -> Extracted:
        """Steps 1–3, or what an earlier attempt of the job stored of them (module
        docstring), waiting for the object store whenever it cannot be reached."""
        stored = await self._waiting(job, STORE, partial(self._stored, job, payload))
        if stored is not None:
            log.info("job %s: its %d pages were read and stored by an earlier attempt; "
                     "registering them", job.job_id, stored.pages)
            return stored
        original = work / "original"
        await self._waiting(job, STORE, partial(copy_to_file, self.store,
                                                original_key(job.sha256), original))
        task = ExtractionTask(original=original, pages_out=work / "pages.jsonl",
                              previews_out=work / "previews", pid_file=work / "pid",
                              limits=self.limits, engine=self.engine,
                              language=payload.metadata.language)
        extracted = await self._extract(job, task)
        await self._waiting(job, STORE, partial(self._save, job.sha256, task))
        return extracted

    async def _stored(self, job: Job, payload: JobPayload) -> Extracted | None:
        """What an earlier attempt stored of the extraction, if anything. The original
        must still be in the store, or nothing is filed."""
        if await self.store.head(original_key(job.sha256)) is None:
            raise PermanentJobError("the original is not in the object store; upload the "
                                    "file again", code="original_missing")
        return await self.derived.extracted(job.sha256, language=payload.metadata.language)

    async def _save(self, sha256: str, task: ExtractionTask) -> None:
        """The previews, then the page texts: once those are stored, the job need not be
        read again (module docstring)."""
        await self.previews.save(sha256, task.previews_out)
        await self.derived.save(sha256, task.pages_out)

    async def _register(self, job: Job, new: NewDocument) -> Registration:
        """Register ``new``, waiting while the registry cannot be reached or its own
        database is away (``_waiting``)."""
        return await self._waiting(job, REGISTRY,
                                   partial(self.registrar.register_document, new))

    async def _waiting(self, job: Job, needed: str, step: Callable[[], Awaitable[T]]) -> T:
        """``step``, tried again with the claims' backoff while what it ``needed`` (the
        object store, the registry) cannot be reached or its own database is away, as for
        the queue's database: the job keeps its lease, its attempt and what earlier steps
        did, and shows what it waits for (its ``error``). The log says so once when the
        wait begins, with what to check, and once when it ends. A peer that answered with
        a failure (``PeerFailed``), or any other error, ends the step as it would."""
        backoff = Backoff(initial_s=self.poll_s, max_s=OUTAGE_PAUSE_MAX_S)
        while True:
            try:
                done = await step()
            except PeerFailed:
                raise
            except DependencyUnavailable as exc:
                if not backoff.failures:
                    log.warning("job %s: waiting for %s: %s; trying again with backoff (up "
                                "to %.0f s apart), the attempt not counted", job.job_id,
                                needed, exc.explained, OUTAGE_PAUSE_MAX_S)
                await self._record_waiting(job, f"waiting for {needed}: {exc.detail}",
                                           exc.code)
                await asyncio.sleep(backoff.next_pause_s())
                continue
            if backoff.failures:
                log.info("job %s: %s answers again after %d tries", job.job_id, needed,
                         backoff.failures)
                await self._record_waiting(job, None, None)
            return done

    async def _record_waiting(self, job: Job, error: str | None, code: str | None) -> None:
        try:
            await self.queue.waiting(job.job_id, self.name, error=error, code=code)
        except DependencyUnavailable as exc:
            log.warning("job %s: cannot record what it waits for: %s", job.job_id, exc.detail)

    async def _forget(self, sha256: str) -> None:
        """Undo a re-upload of a destroyed original: nothing of it stays in the store but
        the original while it is locked (fixity reports it once the lock has passed)."""
        await self.derived.delete(sha256)
        try:
            await self.store.delete(original_key(sha256))
        except Conflict as exc:
            if exc.code != "object_locked":
                raise
            log.warning("%s: the re-uploaded original of a destroyed document stays until "
                        "its lock passes: %s", sha256, exc.detail)

    async def _extract(self, job: Job, task: ExtractionTask) -> Extracted:
        running = asyncio.ensure_future(self.pool.run(task))
        progress = _Progress(task)
        hung = False
        try:
            while True:
                done, _ = await asyncio.wait({running}, timeout=self._tick_s)
                if done:
                    break
                await self._report(job, progress)
                if not hung and progress.stalled_for() > self.stall_limit_s:
                    hung = True
                    log.warning("job %s: no page for %.0f s; stopping its extraction",
                                job.job_id, self.stall_limit_s)
                    self.pool.kill(task.pid_file)
            return running.result()
        except ExtractionDied as exc:
            if hung:
                raise ExtractionHung(
                    f"extraction stopped: no page was finished for {self.stall_limit_s:g} s "
                    "(the OCR engine hung)") from exc
            raise
        finally:
            if not running.done():
                self.pool.kill(task.pid_file)
                running.cancel()

    async def _report(self, job: Job, progress: _Progress) -> None:
        """Record how many pages were read of how many, when that changed (a page takes
        about a second)."""
        before = (progress.pages_read, progress.pages_total)
        read, total = await asyncio.to_thread(progress.count_pages)
        if (read, total) != before:
            try:
                await self.queue.progress(job.job_id, self.name, pages_read=read,
                                          pages_total=total)
            except DependencyUnavailable as exc:
                log.warning("job %s: cannot record its progress: %s", job.job_id, exc.detail)

    @property
    def _tick_s(self) -> float:
        """How often a running extraction is watched for a stall and its progress
        reported: a page takes about a second, so a quarter of that shows each page's
        progress while the document is still being read (the database is written only
        when the count changed)."""
        return min(0.25, self.stall_limit_s / 6)


class _Progress:
    """Watches a running extraction's pages file; the clock starts when the child does."""

    def __init__(self, task: ExtractionTask) -> None:
        self.task = task
        self.size = -1
        self.since: float | None = None
        self.pages_read = 0
        self.pages_total: int | None = None
        self._counted_bytes = 0

    def count_pages(self) -> tuple[int, int | None]:
        """Pages written so far (one line each, reading only what was added since), and
        the document's page count once the child has told it."""
        if self.pages_total is None:
            count = page_count_file(self.task)
            if count.exists() and (written := count.read_text().strip()).isdigit():
                self.pages_total = int(written)
        if self.task.pages_out.exists():
            with self.task.pages_out.open("rb") as pages:
                pages.seek(self._counted_bytes)
                added = pages.read()
            self._counted_bytes += len(added)
            self.pages_read += added.count(b"\n")
        return self.pages_read, self.pages_total

    def stalled_for(self) -> float:
        if not self.task.pid_file.exists():
            return 0.0
        size = self.task.pages_out.stat().st_size if self.task.pages_out.exists() else 0
        now = time.monotonic()
        if size != self.size or self.since is None:
            self.size, self.since = size, now
        return now - self.since


def _dead_scratch(root: Path) -> list[Path]:
    """Scratch directories of worker processes of this host that have ended."""
    if not root.is_dir():
        return []
    return [path for path in root.iterdir() if path.is_dir() and died_here(path.name)]


def job_payload(job: Job) -> JobPayload:
    try:
        return msgspec.convert(job.payload, JobPayload, strict=False)
    except msgspec.ValidationError as exc:
        raise PermanentJobError(f"the job's metadata cannot be read ({exc}); upload the "
                                "file again", code="bad_job_payload") from exc


def registration_of(job: Job, payload: JobPayload, extracted: Extracted) -> NewDocument:
    """What the uploader said, and apart the defaults for what they left out (and the
    language OCR read): the registry compares only what was said with a filed record. A
    title of blanks alone, kept by a job queued before they were refused, says nothing:
    the defaults give one (the file's name), as for a title left out."""
    metadata = payload.metadata
    title = metadata.title if written(metadata.title or "") else None
    return NewDocument(
        sha256=job.sha256, category=metadata.category, title=title,
        filed_at=metadata.filed_at, media_type=payload.media_type,
        size_bytes=payload.size_bytes, household=metadata.household,
        security=metadata.security, personal_info=metadata.personal_info,
        location=metadata.location, language=metadata.language,
        language_read=extracted.language, defaults=payload.defaults,
        pages=extracted.pages, extraction=extracted.summary,
        original_filename=payload.original_filename, filed_by=payload.uploaded_by,
    )
