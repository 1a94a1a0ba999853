"""Carrying out a fixity run (the checks the package docstring lists), in this process.

Each document's files are checked ``CONCURRENT_CHECKS`` at a time (an object store's
round trips overlap, and hashing runs in threads beside them); the run's progress is
saved every ``SAVE_EVERY_S``; a finished run's outcome goes to the registry's audit log.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Protocol

from services.common.clock import Clock
from services.common.contracts.ingest import FixityRun, FixityTrigger
from services.common.contracts.registry import (
    FixityEntry,
    FixityFinding,
    FixityFindingKind,
    FixityPage,
    FixityResult,
    NumberingReport,
)
from services.common.errors import ArchiveError, NotFound
from services.common.fixity import PUT_BACK, OriginalAltered, checked_original
from services.common.objectstore import ORIGINALS_PREFIX, ObjectStore, original_key
from services.common.tasks import BackgroundTasks
from services.ingest.derived import DerivedText
from services.ingest.fixity.repository import FixityRuns
from services.ingest.jobs import JobQueue
from services.ingest.locks import locked_until
from services.ingest.models import older_pages_key, pages_key
from services.ingest.previews import DerivedPreviews, MissingPreviews

log = logging.getLogger("archive.ingest.fixity")

DESTRUCTION_GRACE = timedelta(days=1)
"""Time the retention follower has to delete a destroyed document's files."""
LOCK_GRACE = timedelta(days=1)
"""Time the retention follower has to extend a new or changed document's lock."""
SAVE_EVERY_S = 2.0
CONCURRENT_CHECKS = 4
"""Documents checked at once: an object store's round trips overlap, and hashing runs in
threads beside them."""
PAGE_SIZE = 500


class FixityCatalogue(Protocol):
    """What a run reads from the registry, with a service token."""

    async def fixity_numbers(self) -> NumberingReport: ...

    async def fixity_documents(self, after: str | None, *, limit: int = PAGE_SIZE
                               ) -> FixityPage: ...

    async def record_fixity(self, result: FixityResult) -> None: ...


class FixityChecker:
    """Starts runs (one at a time) and carries them out in this process."""

    def __init__(self, runs: FixityRuns, catalogue: FixityCatalogue, store: ObjectStore,
                 jobs: JobQueue, clock: Clock) -> None:
        self.runs = runs
        self.catalogue = catalogue
        self.store = store
        self.jobs = jobs
        self.clock = clock
        self._checks = BackgroundTasks("fixity")
        self._write_once = False
        """Whether the store locks originals against everyone (only then is a missing
        lock a finding: the directory store says it is not write-once in /ready)."""

    async def stop(self) -> None:
        """Stop any run in progress (it is failed as stale, later)."""
        await self._checks.stop()

    async def start(self, *, trigger: FixityTrigger, started_by: str) -> FixityRun:
        """Start a run in the background, or return the one already running."""
        run, created = await self.runs.start(trigger=trigger, started_by=started_by)
        if created:
            self._checks.launch(run.run_id, partial(self.carry_out, run))
        return run

    async def carry_out(self, run: FixityRun) -> None:
        """Check everything; the run ends ``done`` (findings or not) or ``failed``."""
        try:
            await self._check(run)
            await self.catalogue.record_fixity(FixityResult(
                run_id=run.run_id, trigger=run.trigger, started_by=run.started_by,
                documents_checked=run.documents_checked, bytes_hashed=run.bytes_hashed,
                findings=run.findings))
        except ArchiveError as exc:
            log.warning("fixity run %s failed: %s", run.run_id, exc.explained)
            await self.runs.finish(run, error=f"{exc.explained}; start it again")
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
                for checked in await asyncio.gather(
                        *(self.check_document(entry) for entry in batch)):
                    run.findings.extend(checked.findings)
                    run.bytes_hashed += checked.bytes_hashed
                    run.documents_without_previews += checked.previews_never_made
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
                kind="original_unaccounted", sha256=sha256,
                detail=f"{key} is stored, but no catalogue record or ingest job names it"))
        return findings

    async def check_document(self, entry: FixityEntry) -> DocumentChecked:
        """What is wrong with one document's files, and how many bytes were hashed."""
        if entry.status == "destroyed":
            return DocumentChecked(await self._check_destroyed(entry))
        findings: list[FixityFinding] = []
        size = 0
        try:
            async for piece in checked_original(
                    self.store.get(original_key(entry.sha256)), sha256=entry.sha256,
                    size_bytes=entry.size_bytes, name=entry.archive_no):
                size += len(piece)
        except NotFound:
            return DocumentChecked([_finding(entry, "original_missing", "the original is not "
                                             f"in the object store; {PUT_BACK}")])
        except OriginalAltered as exc:
            findings.append(_finding(entry, "original_altered", exc.detail,
                                     recorded_bytes=entry.size_bytes,
                                     stored_bytes=exc.stored_bytes,
                                     stored_sha256=exc.stored_sha256))
        if self._write_once:
            findings.extend(await self._check_lock(entry, intact=not findings))
        findings.extend(await self._check_text(entry))
        findings.extend(await self._check_older_texts(entry))
        previews = await self._missing_previews(entry)
        findings.extend(_preview_findings(entry, previews))
        return DocumentChecked(findings, size, previews_never_made=previews.never_made)

    async def _check_lock(self, entry: FixityEntry, *, intact: bool) -> list[FixityFinding]:
        """A write-once store holds the original locked until its due date (issue 14,
        item 4); a permanent one, locked at all (the follower locks it a century ahead).
        A due date passed needs no lock: the document awaits its sweep.

        An original without the lock it needs (one put back by hand, README "Putting back
        one original", comes with none, and no event makes the follower lock it again)
        is locked here as the follower would have, in COMPLIANCE mode, if its bytes
        (``intact``: this run found them the catalogue's) still hash to the catalogue's
        SHA-256 as the store locks them (``lock_original``). It is a finding all the
        same, saying so, in this run's report and its audit entry; the next run finds
        nothing."""
        now = self.clock.now()
        lock_until = locked_until(entry.disposal_due, now)
        if entry.disposal_due is None:
            needed, until = now, "far ahead (permanent)"
        else:
            needed = lock_until
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
        detail = (f"the original has {lock} in a write-once store; it should be locked "
                  f"until {until}")
        relocked = intact and await self._relock(entry, lock_until)
        if relocked:
            detail += (f"; its bytes hash to the catalogue's SHA-256, so this run locked it "
                       f"until {lock_until.isoformat()} (compliance mode)")
        return [_finding(entry, "original_unlocked", detail, locked_until=held,
                         lock_needed_until=entry.disposal_due,
                         relocked_until=lock_until if relocked else None)]

    async def _relock(self, entry: FixityEntry, until: datetime) -> bool:
        """``lock_original``, logged; False (the finding says no more) if the bytes no
        longer hash to the catalogue's or the store cannot lock them now."""
        try:
            relocked = await self.store.lock_original(entry.sha256, until)
        except ArchiveError as exc:
            log.warning("could not lock the original of %s: %s", entry.archive_no, exc)
            return False
        if relocked:
            log.info("locked the original of %s until %s: it had not the lock it needs",
                     entry.archive_no, until.isoformat())
        return relocked

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
                             f"{entry.pages} pages", pages_with_text=lines,
                             pages=entry.pages)]
        return []

    async def _check_older_texts(self, entry: FixityEntry) -> list[FixityFinding]:
        """Every text version the history lists as replaced is still kept (D6)."""
        history = await DerivedText(self.store).versions(entry.sha256)
        return [_finding(entry, "text_version_missing",
                         f"version {version.version} of the page texts is in their history "
                         "but no longer stored; restore it from backup",
                         text_version=version.version)
                for version in history[:-1]
                if await self.store.head(older_pages_key(entry.sha256, version.version)) is None]

    async def _missing_previews(self, entry: FixityEntry) -> MissingPreviews:
        if entry.pages == 0:
            return MissingPreviews(keys=[], never_made=False)
        return await DerivedPreviews(self.store).missing(entry.sha256, entry.pages)

    async def _check_destroyed(self, entry: FixityEntry) -> list[FixityFinding]:
        info = await self.store.head(original_key(entry.sha256))
        now = self.clock.now()
        if info is None or now - entry.updated_at < DESTRUCTION_GRACE:
            return []
        if info.retain_until is not None and info.retain_until > now:
            return []  # locked: deleted once the lock passes
        return [_finding(entry, "destroyed_original_kept",
                         "the document was destroyed but its original is still stored")]


@dataclass(frozen=True)
class DocumentChecked:
    """What the check of one document found."""

    findings: list[FixityFinding]
    bytes_hashed: int = 0
    previews_never_made: bool = False
    """It has no page previews at all (filed before they were made): not a finding."""


def _preview_findings(entry: FixityEntry, missing: MissingPreviews) -> list[FixityFinding]:
    """Each page's preview and thumbnail, and their list, are stored (a page listed
    ``on_view`` has its images made when first viewed: not missing before). A document
    with none at all was filed before previews were made and lost nothing: not a finding
    (the run counts it; ``archive derive --missing`` makes them)."""
    if missing.never_made or not missing.keys:
        return []
    return [_finding(entry, "preview_missing", f"{len(missing.keys)} page preview files "
                     f"are not stored (first: {missing.keys[0]}); 'archive derive "
                     "--missing' makes them again", previews_missing=len(missing.keys))]


def numbering_findings(report: NumberingReport) -> list[FixityFinding]:
    findings = [
        FixityFinding(kind="archive_number_gap", series=gap.series,
                      missing_numbers=gap.missing, more_missing=gap.unlisted or None,
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
        FixityFinding(kind="archive_counter_mismatch", series=mismatch.series,
                      counter=mismatch.counter, highest=mismatch.highest,
                      detail=f"series {mismatch.series}: the counter is at "
                             f"{mismatch.counter} but the highest number in use is "
                             f"{mismatch.highest}")
        for mismatch in report.counter_mismatches)
    return findings


def _finding(entry: FixityEntry, kind: FixityFindingKind, detail: str, **facts: Any
             ) -> FixityFinding:
    """A finding on ``entry``'s document; ``facts``: the ``FixityFinding`` fields naming
    what ``detail`` says in numbers."""
    return FixityFinding(kind=kind, detail=detail, document_id=entry.document_id,
                         archive_no=entry.archive_no, **facts)
