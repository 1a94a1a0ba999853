"""The fixity check (reliability.md promise 6; the 四性 checks of DA/T 70): does what the
archive stores still match what its catalogue says?

A run SHALL, for every catalogue record (the registry's, paged by document id):
1. active documents: the original is in the object store and its bytes still hash to the
   record's SHA-256 and size (integrity, authenticity): else ``original_missing`` or
   ``original_altered``; on a write-once store, it is locked until its ``disposal_due``
   (a permanent one: locked at all) (security): else ``original_unlocked``; its page
   texts are there, a line per page (usability): else ``text_missing`` or
   ``text_incomplete``; every older version of the texts its history lists is kept: else
   ``text_version_missing``; every page's preview and thumbnail are there (usability),
   except a PDF text-layer page's, made on its first view: else ``preview_missing``;
2. destroyed documents: the original is gone, unless its retention lock has not passed
   yet (the store refuses to delete it early, ``services.ingest.purge``) or it was
   destroyed less than ``DESTRUCTION_GRACE`` ago: else ``destroyed_original_kept``;
3. archive numbers (档号, D8): each series holds 1..its counter, each once (the registry
   checks): else ``archive_number_gap``, ``archive_number_duplicate``,
   ``archive_counter_mismatch``, ``archive_number_malformed``;
4. every original in the store is named by a catalogue record or an ingest job (a job
   not yet registered, or failed): else ``original_unaccounted``.

It reports every mismatch as a ``FixityFinding`` and changes nothing; the registry puts
the outcome, and each finding on its document, in the audit log (O4). Runs are rows in ingest's
database: one runs at a time (a unique "running" slot), progress is saved as it goes,
and a run whose process died (no progress for ``STALE_AFTER``) is marked failed when the
next one starts. ``FixityChecker`` starts runs on request (``POST /ingest/fixity``,
``archive fixity``) and on a schedule (``ARCHIVE_FIXITY_INTERVAL_DAYS``).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import uuid
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

import msgspec
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.clients.registry import (
    FixityEntry,
    FixityFinding,
    FixityFindingKind,
    FixityPage,
    FixityResult,
    NumberingReport,
)
from services.common.clock import Clock
from services.common.db import UtcDateTime, read_only, struct_of
from services.common.errors import ArchiveError, Conflict, NotFound
from services.common.models import Struct
from services.common.objectstore import ORIGINALS_PREFIX, ObjectStore, original_key
from services.common.tasks import BackgroundTask
from services.ingest.derived import DerivedText
from services.ingest.jobs import JobQueue, jobs, metadata
from services.ingest.locks import locked_until
from services.ingest.models import older_pages_key, pages_key
from services.ingest.previews import DerivedPreviews

log = logging.getLogger("archive.ingest.fixity")

FixityStatus = Literal["running", "done", "failed"]
FixityTrigger = Literal["manual", "scheduled"]

STALE_AFTER = timedelta(minutes=10)
"""A running run with no progress saved for this long lost its process."""
DESTRUCTION_GRACE = timedelta(days=1)
"""Time the retention follower has to delete a destroyed document's files."""
LOCK_GRACE = timedelta(days=1)
"""Time the retention follower has to extend a new or changed document's lock."""
SAVE_EVERY_S = 2.0
CONCURRENT_CHECKS = 4
"""Documents checked at once: an object store's round trips overlap, and hashing runs in
threads beside them."""
PAGE_SIZE = 500
SCHEDULE_TICK_S = 3600.0

fixity_runs = sa.Table(
    "ingest_fixity_runs", metadata,
    sa.Column("run_id", sa.String(36), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("trigger", sa.String(16), nullable=False),
    sa.Column("started_by", sa.String(128), nullable=False),
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("finished_at", UtcDateTime),
    sa.Column("documents_total", sa.Integer, nullable=False),
    sa.Column("documents_checked", sa.Integer, nullable=False),
    sa.Column("bytes_hashed", sa.BigInteger, nullable=False),
    sa.Column("findings", sa.JSON, nullable=False),
    sa.Column("error", sa.Text),
    # 1 while running, else NULL; unique, so a second run cannot start beside it.
    sa.Column("running_slot", sa.Integer),
)

RUN_COLUMNS = [column for column in fixity_runs.c if column.name != "running_slot"]


class FixityRun(Struct):
    """A fixity check: how far it got and what it found."""

    run_id: str
    status: FixityStatus
    trigger: FixityTrigger
    started_by: str
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    documents_total: int
    documents_checked: int
    bytes_hashed: int
    findings: list[FixityFinding]
    error: str | None


class FixityRuns:
    """The runs, in ingest's database."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self.engine = engine
        self._reader = read_only(engine)
        self.clock = clock

    async def start(self, *, trigger: FixityTrigger, started_by: str) -> tuple[FixityRun, bool]:
        """A new running run, and True; or the one already running, and False."""
        now = self.clock.now()
        async with self.engine.begin() as conn:
            await conn.execute(
                fixity_runs.update()
                .where(fixity_runs.c.status == "running",
                       fixity_runs.c.updated_at < now - STALE_AFTER)
                .values(status="failed", running_slot=None, finished_at=now,
                        error="interrupted: its process stopped; a later run checks again"))
        for _ in range(3):  # the running one may finish between our insert and our read
            run_id = str(uuid.uuid4())
            try:
                async with self.engine.begin() as conn:
                    await conn.execute(fixity_runs.insert().values(
                        run_id=run_id, status="running", trigger=trigger,
                        started_by=started_by, started_at=now, updated_at=now,
                        documents_total=0, documents_checked=0, bytes_hashed=0, findings=[],
                        running_slot=1))
            except IntegrityError:
                running = await self._running()
                if running is not None:
                    return running, False
                continue
            return await self.get(run_id), True
        raise Conflict("fixity runs keep starting and finishing at once; try again",
                       code="fixity_busy")

    async def save(self, run: FixityRun) -> None:
        """Progress so far (and keeps the run from looking stale)."""
        async with self.engine.begin() as conn:
            await conn.execute(fixity_runs.update().where(fixity_runs.c.run_id == run.run_id)
                               .values(**_progress(run), updated_at=self.clock.now()))

    async def finish(self, run: FixityRun, *, error: str | None = None) -> None:
        now = self.clock.now()
        async with self.engine.begin() as conn:
            await conn.execute(fixity_runs.update().where(fixity_runs.c.run_id == run.run_id)
                               .values(**_progress(run), updated_at=now, finished_at=now,
                                       status="failed" if error else "done", error=error,
                                       running_slot=None))

    async def get(self, run_id: str) -> FixityRun:
        async with self._reader.connect() as conn:
            row = (await conn.execute(
                sa.select(*RUN_COLUMNS).where(fixity_runs.c.run_id == run_id))).first()
        if row is None:
            raise NotFound(f"no fixity run {run_id!r}", code="unknown_fixity_run")
        return _run(row._mapping)

    async def list(self, *, limit: int, offset: int) -> list[FixityRun]:
        """Newest first."""
        query = (sa.select(*RUN_COLUMNS).order_by(fixity_runs.c.started_at.desc(),
                                                 fixity_runs.c.run_id)
                 .limit(limit).offset(offset))
        async with self._reader.connect() as conn:
            return [_run(row._mapping) for row in await conn.execute(query)]

    async def last_finished(self) -> FixityRun | None:
        """The newest run that finished its check (``done``), with its findings."""
        query = (sa.select(*RUN_COLUMNS).where(fixity_runs.c.status == "done")
                 .order_by(fixity_runs.c.finished_at.desc()).limit(1))
        async with self._reader.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else _run(row._mapping)

    async def last_check_due_from(self) -> datetime | None:
        """When the schedule counts from: the last run's start, else the first upload's
        (before any upload there is nothing to check)."""
        async with self._reader.connect() as conn:
            last = (await conn.execute(sa.select(sa.func.max(fixity_runs.c.started_at))
                                       )).scalar_one_or_none()
            if last is None:
                last = (await conn.execute(sa.select(sa.func.min(jobs.c.created_at))
                                           )).scalar_one_or_none()
        return last if isinstance(last, datetime) else None

    async def _running(self) -> FixityRun | None:
        async with self._reader.connect() as conn:
            row = (await conn.execute(
                sa.select(*RUN_COLUMNS).where(fixity_runs.c.status == "running"))).first()
        return None if row is None else _run(row._mapping)


def _progress(run: FixityRun) -> dict[str, Any]:
    return dict(documents_total=run.documents_total, documents_checked=run.documents_checked,
                bytes_hashed=run.bytes_hashed,
                findings=msgspec.to_builtins(run.findings))


def _run(row: Any) -> FixityRun:
    return struct_of(row, FixityRun)


class FixityCatalogue(Protocol):
    """What a run reads from the registry, with a service token."""

    async def fixity_numbers(self) -> NumberingReport: ...

    async def fixity_documents(self, after: str | None, *, limit: int = PAGE_SIZE
                               ) -> FixityPage: ...

    async def record_fixity(self, result: FixityResult) -> None: ...


class FixityChecker:
    """Starts runs (one at a time) and carries them out in this process (module docstring)."""

    def __init__(self, runs: FixityRuns, catalogue: FixityCatalogue, store: ObjectStore,
                 jobs: JobQueue, clock: Clock, *, interval: timedelta | None,
                 tick_s: float = SCHEDULE_TICK_S) -> None:
        self.runs = runs
        self.catalogue = catalogue
        self.store = store
        self.jobs = jobs
        self.clock = clock
        self.interval = interval
        self.tick_s = tick_s
        self._schedule = BackgroundTask("ingest-fixity-schedule", self._follow_schedule)
        self._checks: set[asyncio.Task[None]] = set()
        self._write_once = False
        """Whether the store locks originals against everyone (only then is a missing
        lock a finding: the directory store says it is not write-once in /ready)."""

    def start_schedule(self) -> None:
        if self.interval is not None:
            self._schedule.start()

    async def stop(self) -> None:
        """Stop the schedule and any run in progress (it is failed as stale, later)."""
        await self._schedule.stop()
        for task in list(self._checks):
            task.cancel()
        await asyncio.gather(*self._checks, return_exceptions=True)

    async def start(self, *, trigger: FixityTrigger, started_by: str) -> FixityRun:
        """Start a run in the background, or return the one already running."""
        run, created = await self.runs.start(trigger=trigger, started_by=started_by)
        if created:
            task = asyncio.create_task(self.carry_out(run), name=f"fixity-{run.run_id}")
            self._checks.add(task)
            task.add_done_callback(self._checks.discard)
        return run

    async def due(self) -> bool:
        """Whether the schedule calls for a run now."""
        if self.interval is None:
            return False
        since = await self.runs.last_check_due_from()
        return since is not None and self.clock.now() - since >= self.interval

    async def carry_out(self, run: FixityRun) -> None:
        """Check everything; the run ends ``done`` (findings or not) or ``failed``."""
        try:
            await self._check(run)
            await self.catalogue.record_fixity(FixityResult(
                run_id=run.run_id, trigger=run.trigger, started_by=run.started_by,
                documents_checked=run.documents_checked, bytes_hashed=run.bytes_hashed,
                findings=run.findings))
        except ArchiveError as exc:
            log.warning("fixity run %s failed: %s (%s)", run.run_id, exc.detail, exc.code)
            await self.runs.finish(run, error=f"{exc.detail} ({exc.code}); start it again")
            return
        except Exception as exc:  # a run must end, whatever broke; the log has the trace
            log.exception("fixity run %s failed", run.run_id)
            await self.runs.finish(run, error=f"unexpected error ({type(exc).__name__}: "
                                              f"{exc}); see the ingest log, start it again")
            return
        log.log(logging.WARNING if run.findings else logging.INFO,
                "fixity run %s: %d documents, %d findings", run.run_id,
                run.documents_checked, len(run.findings))
        await self.runs.finish(run)

    async def _check(self, run: FixityRun) -> None:
        self._write_once = await self.store.write_once()
        numbers = await self.catalogue.fixity_numbers()
        run.documents_total = numbers.documents
        run.findings.extend(numbering_findings(numbers))
        saved_at = time.monotonic()
        catalogued: set[str] = set()
        after: str | None = None
        while True:
            page = await self.catalogue.fixity_documents(after, limit=PAGE_SIZE)
            catalogued.update(entry.sha256 for entry in page.entries)
            for start in range(0, len(page.entries), CONCURRENT_CHECKS):
                batch = page.entries[start:start + CONCURRENT_CHECKS]
                for findings, hashed in await asyncio.gather(
                        *(self.check_document(entry) for entry in batch)):
                    run.findings.extend(findings)
                    run.bytes_hashed += hashed
                run.documents_checked += len(batch)
                if time.monotonic() - saved_at >= SAVE_EVERY_S:
                    await self.runs.save(run)
                    saved_at = time.monotonic()
            if page.next_after is None:
                break
            after = page.next_after
        run.documents_total = max(run.documents_total, run.documents_checked)
        run.findings.extend(await self._unaccounted(catalogued))

    async def _unaccounted(self, catalogued: set[str]) -> list[FixityFinding]:
        """Originals in the store that no catalogue record names and no ingest job holds
        (reliability promise 3: nothing stored is left unaccounted for). Listed after the
        catalogue pass, so a document filed meanwhile has its job by then."""
        findings: list[FixityFinding] = []
        async for key in self.store.keys(ORIGINALS_PREFIX):
            sha256 = key.removeprefix(ORIGINALS_PREFIX)
            if sha256 in catalogued or await self.jobs.by_sha256(sha256) is not None:
                continue
            findings.append(FixityFinding(
                kind="original_unaccounted",
                detail=f"{key} is stored, but no catalogue record or ingest job names it"))
        return findings

    async def check_document(self, entry: FixityEntry) -> tuple[list[FixityFinding], int]:
        """What is wrong with one document's files, and how many bytes were hashed."""
        if entry.status == "destroyed":
            return await self._check_destroyed(entry), 0
        try:
            digest, size = await self._hash(original_key(entry.sha256))
        except NotFound:
            return [_finding(entry, "original_missing", "the original is not in the object "
                             "store")], 0
        findings: list[FixityFinding] = []
        if digest != entry.sha256 or size != entry.size_bytes:
            findings.append(_finding(
                entry, "original_altered",
                f"the stored original ({size} bytes) hashes to {digest}; the catalogue "
                f"says {entry.sha256} ({entry.size_bytes} bytes)"))
        if self._write_once:
            findings.extend(await self._check_lock(entry))
        findings.extend(await self._check_text(entry))
        findings.extend(await self._check_older_texts(entry))
        findings.extend(await self._check_previews(entry))
        return findings, size

    async def _check_lock(self, entry: FixityEntry) -> list[FixityFinding]:
        """A write-once store holds the original locked until its due date (issue 14,
        item 4); a permanent one, locked at all (the follower locks it a century ahead).
        A due date passed needs no lock: the document awaits its sweep."""
        now = self.clock.now()
        if entry.disposal_due is None:
            needed, until = now, "far ahead (permanent)"
        else:
            needed = locked_until(entry.disposal_due, now)
            if needed <= now:
                return []
            until = entry.disposal_due.isoformat()
        info = await self.store.head(original_key(entry.sha256))
        held = info.retain_until if info is not None else None
        if info is None or (held is not None and held > now and held >= needed):
            return []  # a missing original is reported as original_missing
        if held is not None and held > now and now - entry.updated_at < LOCK_GRACE:
            return []  # still locked since its upload; the follower extends it shortly
        lock = "no lock" if held is None else f"a lock only until {held.isoformat()}"
        return [_finding(entry, "original_unlocked", f"the original has {lock} in a "
                         f"write-once store; it should be locked until {until}")]

    async def _check_text(self, entry: FixityEntry) -> list[FixityFinding]:
        if entry.pages == 0:
            return []
        lines = 0
        last = b"\n"
        try:
            async for chunk in self.store.get(pages_key(entry.sha256)):
                lines += chunk.count(b"\n")
                last = chunk[-1:] or last
        except NotFound:
            return [_finding(entry, "text_missing", "the page texts are not in the object "
                             "store; ingest the original again to re-extract them")]
        lines += last != b"\n"
        if lines < entry.pages:
            return [_finding(entry, "text_incomplete", f"the page texts hold {lines} of "
                             f"{entry.pages} pages")]
        return []

    async def _check_older_texts(self, entry: FixityEntry) -> list[FixityFinding]:
        """Every text version the history lists as replaced is still kept (D6)."""
        history = await DerivedText(self.store).versions(entry.sha256)
        return [_finding(entry, "text_version_missing",
                         f"version {version.version} of the page texts is in their history "
                         "but no longer stored; restore it from backup")
                for version in history[:-1]
                if await self.store.head(older_pages_key(entry.sha256, version.version)) is None]

    async def _check_previews(self, entry: FixityEntry) -> list[FixityFinding]:
        """Each page's preview and thumbnail, and their list, are stored (a page listed
        ``on_view`` has its images made when first viewed: not missing before)."""
        if entry.pages == 0:
            return []
        missing = await DerivedPreviews(self.store).missing(entry.sha256, entry.pages)
        if not missing:
            return []
        return [_finding(entry, "preview_missing", f"{len(missing)} page preview files are "
                         f"not stored (first: {missing[0]}); 'archive derive --missing' "
                         "makes them again")]

    async def _check_destroyed(self, entry: FixityEntry) -> list[FixityFinding]:
        info = await self.store.head(original_key(entry.sha256))
        now = self.clock.now()
        if info is None or now - entry.updated_at < DESTRUCTION_GRACE:
            return []
        if info.retain_until is not None and info.retain_until > now:
            return []  # locked: deleted once the lock passes
        return [_finding(entry, "destroyed_original_kept",
                         "the document was destroyed but its original is still stored")]

    async def _hash(self, key: str) -> tuple[str, int]:
        """The object's SHA-256 and size; ``NotFound`` (from the first read) if missing."""
        digest = hashlib.sha256()
        size = 0
        async for chunk in self.store.get(key):
            # hashlib lets go of the GIL on large buffers: hash beside the event loop.
            await asyncio.to_thread(digest.update, chunk)
            size += len(chunk)
        return digest.hexdigest(), size

    async def _follow_schedule(self) -> None:
        while True:
            try:
                if await self.due():
                    run = await self.start(trigger="scheduled", started_by="schedule")
                    log.info("scheduled fixity run %s started", run.run_id)
            except ArchiveError as exc:
                log.warning("fixity schedule: %s (%s)", exc.detail, exc.code)
            await asyncio.sleep(self.tick_s)


def numbering_findings(report: NumberingReport) -> list[FixityFinding]:
    findings = [
        FixityFinding(kind="archive_number_gap",
                detail=f"series {gap.series} has no document numbered "
                       f"{', '.join(str(number) for number in gap.missing)}"
                       + (f" and {gap.unlisted} more" if gap.unlisted else ""))
        for gap in report.gaps
    ]
    findings.extend(
        FixityFinding(kind="archive_number_malformed", archive_no=number,
                detail=f"archive number {number} is not of the form <series>-<NNNN>")
        for number in report.malformed)
    findings.extend(
        FixityFinding(kind="archive_number_duplicate", archive_no=number,
                detail=f"archive number {number} is held by more than one document")
        for number in report.duplicates)
    findings.extend(
        FixityFinding(kind="archive_counter_mismatch",
                detail=f"series {mismatch.series}: the counter is at {mismatch.counter} "
                       f"but the highest number in use is {mismatch.highest}")
        for mismatch in report.counter_mismatches)
    return findings


def _finding(entry: FixityEntry, kind: FixityFindingKind, detail: str) -> FixityFinding:
    return FixityFinding(kind=kind, detail=detail, document_id=entry.document_id,
                         archive_no=entry.archive_no)
