"""Re-reading filed documents with an OCR engine (``archive reocr``): a new text version.

``Rereader.reread`` SHALL, for one document:
1. skip it when there is nothing to re-read (destroyed, no text, only text-layer pages
   that read as language and pages people corrected: a text layer an earlier release
   took that does not, a broken font map's garbage, is read again) or its current text
   was already read by the engine asked for (and, with ``read_before``, read by it since
   then: after an upgrade that reads better), so a re-run of ``archive reocr`` continues
   where the last one stopped; whether the caller may read it is asked, not journaled as
   a read (a refusal is);
2. read the original again in an extraction process, with that engine, journaled as the
   caller's read of its content (``read_text``, O4): the audit log shows the documents
   re-read, not those skipped;
3. make the reading the current page texts, except the pages a person wrote
   (``PageText.written_by_a_person``, as they are when the reading is stored), which
   stay as written unless ``replace_corrected`` is asked: an engine's reading is no
   reason to undo a person's correction; nor are the pages the new reading found empty
   where the current text is not (an engine that reads nothing on a page another read
   is no better reading of it). The text it replaces is kept
   (``DerivedText.revise``: the original is never touched, D6), and the pages' previews
   made while reading are stored (turned as this reading turned the pages);
4. tell the registry (``text_revised`` in the change feed, so search reindexes the new
   text, and the audit log, O4), then mark the version announced;
5. answer how many pages people corrected it left as they were (``kept_corrected``), and
   how many it kept because the new reading of them was empty (``kept_empty_reading``);
   when the new reading gave no scanned page a text (it read them empty), the text stays
   as it was, no new version (skipped, ``reading_empty``).
A crash between 3 and 4 leaves a version not yet announced; the next run announces it
instead of skipping the document.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol

import msgspec

from services.common.auth import Principal
from services.common.clock import Clock
from services.common.contracts.ingest import ReocrRequest, ReocrResult, SkippedBecause
from services.common.contracts.registry import (
    AccessAnswer,
    Action,
    DocumentPermissions,
    DocumentRecord,
    TextRevision,
)
from services.common.errors import (
    Conflict,
)
from services.common.objectstore import ObjectStore
from services.ingest.derived import DerivedText, fetch_original, scratch_directory
from services.ingest.extraction import ExtractionLimits, OcrEngine, OcrEngineName, PageText
from services.ingest.extraction.text_layer import reads_as_language
from services.ingest.models import TextVersion
from services.ingest.pool import ExtractionPool, ExtractionTask
from services.ingest.previews import DerivedPreviews

_page_decoder = msgspec.json.Decoder(PageText)


class TextRecorder(Protocol):
    """The registry: whether the caller may read the document's content (with their own
    token, audited), and where a new text version is recorded."""

    async def authorize(self, user_token: str, document_id: str, action: Action
                        ) -> AccessAnswer: ...

    async def permissions(self, token: str, document_id: str) -> DocumentPermissions: ...

    async def record_text_revision(self, document_id: str, revision: TextRevision
                                   ) -> DocumentRecord: ...


class Rereader:
    """Re-reads documents in the extraction processes (shared with ingest's jobs)."""

    def __init__(self, store: ObjectStore, registry: TextRecorder, pool: ExtractionPool,
                 clock: Clock, *, engine_named: Callable[[OcrEngineName], OcrEngine],
                 default_engine: OcrEngineName, limits: ExtractionLimits,
                 scratch_dir: Path) -> None:
        self.store = store
        self.registry = registry
        self.derived = DerivedText(store)
        self.previews = DerivedPreviews(store)
        self.pool = pool
        self.clock = clock
        self.engine_named = engine_named
        self.default_engine = default_engine
        self.limits = limits
        self.scratch_dir = scratch_dir
        # Two re-readings of one document at once would both number their text version
        # after the same one: storing and announcing a version take turns (milliseconds).
        # ``archive derive`` takes the same turns to store boxes into the current text.
        self.revising = asyncio.Lock()

    async def reread(self, principal: Principal, user_token: str, document_id: str,
                     request: ReocrRequest) -> ReocrResult:
        """Steps in the module docstring. Raises the registry's refusal when the caller may
        not read the document's content (``NotFound`` for one they may not know of),
        ``Conflict(destroyed)``, ``PermanentJobError`` (the original cannot be read) and
        ``DependencyUnavailable`` (engine missing, extraction process died)."""
        engine = request.engine or self.default_engine
        record = await self._readable_record(user_token, document_id)
        pages = [page async for page in self.derived.pages(record.sha256)]
        history = await self.derived.versions(record.sha256)
        by_people = sum(page.written_by_a_person for page in pages)
        kept = 0 if request.replace_corrected else by_people
        replacing = request.replace_corrected and by_people > 0
        read_by = {page.engine for page in pages
                   if page.method == "ocr" and not page.written_by_a_person}
        garbled = any(_garbled_text_layer(page) for page in pages)
        if not read_by and not replacing and not garbled:
            return self._skipped(record, engine, history, len(pages), "no_ocr_pages", kept)
        if read_by == {engine} and not replacing and not garbled and not _read_before(
                history, record, request.read_before):
            if history and not history[-1].announced:
                async with self.revising:
                    await announce(self.registry, self.derived, record, history[-1])
            return self._skipped(record, engine, history, len(pages), "already_read", kept)
        record = await text_reader_record(self.registry, user_token, document_id)
        async with scratch_directory(self.scratch_dir, "reocr") as work:
            extracted_to = await self._extract(record, engine, work)
            async with self.revising:
                kept, kept_empty, read_anew = await self._keep_current(
                    record.sha256, extracted_to, corrected=not request.replace_corrected)
                if kept_empty and not read_anew:
                    return self._skipped(record, engine, history, len(pages), "reading_empty",
                                         kept, kept_empty)
                version = await self.derived.revise(record.sha256, extracted_to, TextVersion(
                    version=1, engine=engine, reason=request.reason,
                    recorded_by=principal.username, recorded_at=self.clock.now()))
                await self.previews.save(record.sha256, work / "previews")
                new_pages = [page async for page in self.derived.pages(record.sha256)]
                await announce(self.registry, self.derived, record, version)
        return ReocrResult(document_id=document_id, status="reread", engine=engine,
                           text_version=version.version, pages=len(new_pages),
                           kept_corrected=kept, kept_empty_reading=kept_empty)

    async def _readable_record(self, user_token: str, document_id: str) -> DocumentRecord:
        """The record of a document whose text the caller may read, asked without
        journaling a read; a refusal is asked again as a read, so that it is journaled
        and raised as ``text_reader_record`` raises it."""
        permissions = await self.registry.permissions(user_token, document_id)
        if permissions.read_text.allowed and permissions.document.status != "destroyed":
            return permissions.document
        return await text_reader_record(self.registry, user_token, document_id)

    def _skipped(self, record: DocumentRecord, engine: OcrEngineName,
                 history: list[TextVersion], pages: int, because: SkippedBecause, kept: int,
                 kept_empty: int = 0) -> ReocrResult:
        return ReocrResult(document_id=record.document_id, status="skipped", engine=engine,
                           text_version=history[-1].version if history else 1,
                           pages=pages, skipped_because=because, kept_corrected=kept,
                           kept_empty_reading=kept_empty)

    async def _keep_current(self, sha256: str, reading: Path, *, corrected: bool
                            ) -> tuple[int, int, int]:
        """Put the current pages a person wrote (when ``corrected``), and those ``reading``
        (a pages file) found empty where the current text is not, in place of the same
        pages of ``reading``; read now, while revisions take turns, so a correction saved
        during the reading is kept too. How many of each were put back, and how many
        scanned pages take the new reading."""
        current = {page.number: page async for page in self.derived.pages(sha256)}
        return await asyncio.to_thread(put_back, reading, current, corrected=corrected)

    async def _extract(self, record: DocumentRecord, engine: OcrEngineName, work: Path
                       ) -> Path:
        """Read the original again into ``work``; the pages file it wrote (its previews
        are in ``work / "previews"``)."""
        original = work / "original"
        await fetch_original(self.store, record.sha256, original)
        task = ExtractionTask(original=original, pages_out=work / "pages.jsonl",
                              previews_out=work / "previews", pid_file=work / "pid",
                              limits=self.limits, engine=self.engine_named(engine))
        await self.pool.run(task)
        return task.pages_out


def put_back(reading: Path, current: dict[int, PageText], *, corrected: bool
             ) -> tuple[int, int, int]:
    """Replace ``reading``'s pages by the ``current`` page of the same number that a person
    wrote (when ``corrected``), or whose text is not empty where the reading's is, line by
    line (a reading's word boxes run to megabytes); how many of each were replaced, and how
    many scanned pages take a text the reading found on them. A kept page takes the reading's
    ``rotation``: the previews stored with the reading are turned by it."""
    merged = reading.with_name("merged-pages.jsonl")
    by_people = empty = read_anew = 0
    with reading.open("rb") as lines, merged.open("wb") as out:
        for line in lines:
            if not line.strip():
                continue
            page = _page_decoder.decode(line)
            now = current.get(page.number)
            if now is not None and corrected and now.written_by_a_person:
                by_people += 1
            elif now is not None and now.text.strip() and not page.text.strip():
                empty += 1
            else:
                read_anew += page.method == "ocr" and bool(page.text.strip())
                out.write(line)
                continue
            kept = msgspec.structs.replace(now, rotation=page.rotation)
            out.write(msgspec.json.encode(kept) + b"\n")
    merged.replace(reading)
    return by_people, empty, read_anew


async def text_reader_record(registry: TextRecorder, user_token: str, document_id: str
                             ) -> DocumentRecord:
    """The record of a document whose text the caller may read (the registry's refusal
    otherwise: ``NotFound`` for one they may not know of), not destroyed (``Conflict``)."""
    record = (await registry.authorize(user_token, document_id, "read_text")).allowed_document()
    if record.status == "destroyed":
        raise Conflict(f"{record.archive_no} was destroyed; its text is gone",
                       code="destroyed")
    return record


async def announce(registry: TextRecorder, derived: DerivedText, record: DocumentRecord,
                   version: TextVersion) -> None:
    """Tell the registry of a new text version (``text_revised``: search reindexes it, the
    audit log records it, O4), then mark the version announced."""
    summary = await derived.summary(record.sha256)
    await registry.record_text_revision(record.document_id, TextRevision(
        text_version=version.version, engine=version.engine, reason=version.reason,
        revised_by=version.recorded_by or "ingest", language=summary.language,
        extraction=summary.extraction))
    await derived.mark_announced(record.sha256, version.version)


def _garbled_text_layer(page: PageText) -> bool:
    """A page an earlier release read from a text layer that does not read as language (a
    broken font map's garbage): extraction now reads it by OCR."""
    return (page.method == "text_layer" and not page.written_by_a_person
            and not reads_as_language(page.text))


def _read_before(history: list[TextVersion], record: DocumentRecord,
                 moment: datetime | None) -> bool:
    """Whether the text was last read by OCR before ``moment`` (never, with none): the
    newest version an engine made, the first one (whose time may not be recorded) by the
    document's registration."""
    if moment is None:
        return False
    read = next((version for version in reversed(history) if version.engine is not None),
                None)
    read_at = (read.recorded_at if read is not None else None) or record.registered_at
    return read_at < moment
