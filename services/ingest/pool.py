"""Extraction in worker processes: one process per core, one document per process at a time.

``ExtractionPool.run`` sends an ``ExtractionTask`` to a ``ProcessPoolExecutor`` (spawned
processes: the server's threads and event loop are never forked). In the child,
``extract_to_file`` writes each page's ``PageText`` as one JSON line to
``task.pages_out`` as soon as it is read, and its preview and thumbnail into
``task.previews_out`` (a text-layer page's only listed: made on first view), so memory
holds one page at a time and the parent can watch progress by the file's size. The
child's pid is written to ``task.pid_file`` so a hung extraction can be stopped on its own
(``kill``). ``ExtractionPool.derive`` runs a
``DeriveTask`` (``derive_to_file``): the previews of a document extracted before them.

The children never outlive their parent: ``shutdown`` ends them, and each watches its
parent (``_exit_with_parent``), so a server or worker killed with ``kill -9`` leaves no
process reading on, holding its memory (hundreds of MB with PP-OCR's models).

Failures reach the parent as (``run`` and ``derive`` raise them):
    ``PermanentJobError``       the document's own failure; codes as in
                                ``services.ingest.extraction`` (the child returns it as an
                                ``ExtractionFailed`` value: an error loses its code when
                                pickled)
    ``DependencyUnavailable``   a missing OCR engine (transient), returned likewise
    ``ExtractionDied``          the child process died (killed, crashed, out of memory);
                                the pool is rebuilt and every document it was running is
                                retried
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

import msgspec

from services.common.contracts.registry import ExtractionSummary
from services.common.errors import ArchiveError, DependencyUnavailable, PermanentJobError
from services.ingest.extraction import (
    ExtractionLimits,
    OcrEngine,
    OcrLanguage,
    PageText,
    PreviewWriter,
    derive_pages,
    extract_document,
)
from services.ingest.ocr_tally import OcrTally

R = TypeVar("R")
T = TypeVar("T")

PARENT_POLL_S = 1.0
"""How often a child looks whether its parent still lives."""

CHILD_END_WAIT_S = 5.0
"""How long ``shutdown`` waits for a child it asked to end before it kills it."""


@dataclass(frozen=True)
class ExtractionTask:
    """One document to extract; pickled to the child, so ``engine`` must pickle too."""

    original: Path
    pages_out: Path
    previews_out: Path
    pid_file: Path
    limits: ExtractionLimits
    engine: OcrEngine
    language: OcrLanguage | None = None


@dataclass(frozen=True)
class DeriveTask:
    """Previews for a document extracted before them, from its original and its current
    page texts (``pages_in``); the texts come back in ``pages_out``, text-layer pages
    with character boxes added."""

    original: Path
    pages_in: Path
    pages_out: Path
    previews_out: Path
    limits: ExtractionLimits


class Derived(msgspec.Struct, frozen=True, kw_only=True):
    """What ``derive_to_file`` made: previews of ``pages`` pages, and character boxes for
    ``boxes_added`` text-layer pages that had none."""

    pages: int
    boxes_added: int


class Extracted(msgspec.Struct, frozen=True, kw_only=True):
    """What the child read: how many pages, how well, in which language."""

    pages: int
    summary: ExtractionSummary
    language: OcrLanguage | None
    ocr_pages: int = 0
    """Pages read by OCR (the others had a usable text layer)."""

    @classmethod
    def of(cls, pages: list[PageText]) -> Extracted:
        """What ``pages`` say was read (their words and text are not needed)."""
        return cls(pages=len(pages), summary=summarise(pages), language=_language(pages),
                   ocr_pages=sum(page.method == "ocr" for page in pages))


class ExtractionFailed(msgspec.Struct, frozen=True, kw_only=True):
    """The document cannot be extracted (``permanent``), or not now (engine missing)."""

    code: str
    detail: str
    permanent: bool

    @classmethod
    def of(cls, exc: ArchiveError) -> ExtractionFailed:
        """``exc`` as the child returns it: a dependency's failure (a missing engine) is
        transient, any other the document's own."""
        return cls(code=exc.code, detail=exc.detail,
                   permanent=not isinstance(exc, DependencyUnavailable))

    def error(self) -> PermanentJobError | DependencyUnavailable:
        """What the pool raises: the job fails (``permanent``) or is tried again."""
        if self.permanent:
            return PermanentJobError(self.detail, code=self.code)
        return DependencyUnavailable(self.detail, code=self.code)


class ExtractionDied(DependencyUnavailable):
    """The extraction process died before it answered; the document is tried again."""

    default_code = "extraction_process_died"


def page_count_file(task: ExtractionTask) -> Path:
    """Where the child writes the document's page count once it is known (the worker
    shows "reading page n of m")."""
    return task.pages_out.with_suffix(".count")


def _write_page_count(task: ExtractionTask, count: int) -> None:
    page_count_file(task).write_text(str(count))


def extract_to_file(task: ExtractionTask) -> Extracted | ExtractionFailed:
    """Runs in the child: extract ``task.original`` page by page into ``task.pages_out``.

    Errors come back as ``ExtractionFailed`` values, because an ``ArchiveError`` loses its
    ``code`` when pickled across processes.
    """
    task.pid_file.write_text(str(os.getpid()))
    pages: list[PageText] = []
    try:
        with task.pages_out.open("wb") as out, PreviewWriter(task.previews_out) as previews:
            for page in extract_document(task.original, limits=task.limits,
                                         engine=task.engine, language=task.language,
                                         previews=previews,
                                         on_page_count=partial(_write_page_count, task)):
                out.write(msgspec.json.encode(page) + b"\n")
                out.flush()
                # Only the small facts are kept; the words went to the file.
                pages.append(msgspec.structs.replace(page, words=(), lines=(), text=""))
    except ArchiveError as exc:
        return ExtractionFailed.of(exc)
    return Extracted.of(pages)


def derive_to_file(task: DeriveTask) -> Derived | ExtractionFailed:
    """Runs in the child: ``task``'s previews into ``task.previews_out``, its page texts
    (boxes added) into ``task.pages_out``. Errors come back as for ``extract_to_file``."""
    had_boxes: list[bool] = []

    def known() -> Iterator[PageText]:
        for page in _read_pages(task.pages_in):
            had_boxes.append(bool(page.words))
            yield page

    pages = boxes_added = 0
    try:
        with task.pages_out.open("wb") as out, PreviewWriter(task.previews_out) as previews:
            for page in derive_pages(task.original, limits=task.limits, pages=known(),
                                     previews=previews):
                out.write(msgspec.json.encode(page) + b"\n")
                boxes_added += bool(page.words) and not had_boxes[-1]
                pages += 1
    except ArchiveError as exc:
        return ExtractionFailed.of(exc)
    return Derived(pages=pages, boxes_added=boxes_added)


def _read_pages(path: Path) -> Iterator[PageText]:
    decoder = msgspec.json.Decoder(PageText)
    with path.open("rb") as lines:
        for line in lines:
            if line.strip():
                yield decoder.decode(line)


def summarise(pages: list[PageText]) -> ExtractionSummary:
    """Mean confidence, pages a person should check, and how the text was obtained."""
    if not pages:
        return ExtractionSummary()
    methods = {page.method for page in pages}
    return ExtractionSummary(
        mean_confidence=round(sum(page.confidence for page in pages) / len(pages), 2),
        pages_needing_review=[page.number for page in pages if page.needs_review],
        method=methods.pop() if len(methods) == 1 else "mixed",
    )


def _language(pages: list[PageText]) -> OcrLanguage | None:
    read = Counter(page.language for page in pages if page.language is not None)
    return read.most_common(1)[0][0] if read else None


def _exit_with_parent(parent_pid: int) -> None:
    """Runs in each child as it starts: a thread ends the child once its parent is no
    longer ``parent_pid`` (it died and the child was handed to another).

    Polled rather than ``prctl(PR_SET_PDEATHSIG)``: that fires when the parent's *thread*
    that started the child ends (the pool starts them from whichever thread submits), and
    exists on Linux only."""
    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_POLL_S)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class ExtractionPool:
    """A process pool sized to the cores; rebuilt when one of its processes dies."""

    def __init__(self, processes: int, *, tally: OcrTally | None = None) -> None:
        """``tally`` counts the pages read by OCR (default: counted nowhere)."""
        self.processes = processes
        self.tally = tally
        self._pool: ProcessPoolExecutor | None = None
        self._running: set[Path] = set()

    def _current(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.processes, mp_context=multiprocessing.get_context("spawn"),
                initializer=_exit_with_parent, initargs=(os.getpid(),))
        return self._pool

    async def run(self, task: ExtractionTask) -> Extracted:
        """Extract in a child process; raises the failures in the module docstring."""
        self._running.add(task.pid_file)
        try:
            extracted = await self._in_child(extract_to_file, task)
        finally:
            self._running.discard(task.pid_file)
        if self.tally is not None:
            await self.tally.add(extracted.ocr_pages)
        return extracted

    async def derive(self, task: DeriveTask) -> Derived:
        """Make previews in a child process; raises as ``run`` does."""
        return await self._in_child(derive_to_file, task)

    async def _in_child(self, work: Callable[[T], R | ExtractionFailed], task: T) -> R:
        pool = self._current()
        try:
            outcome = await asyncio.get_running_loop().run_in_executor(pool, work, task)
        except BrokenProcessPool as exc:
            if self._pool is pool:
                self._pool = None
                pool.shutdown(wait=False, cancel_futures=True)
            raise ExtractionDied(
                "the extraction process died (killed, crashed or out of memory) before it "
                "finished the document") from exc
        if isinstance(outcome, ExtractionFailed):
            raise outcome.error()
        return outcome

    @staticmethod
    def kill(pid_file: Path) -> None:
        """Stop the child extracting the task whose pid is in ``pid_file`` (it hung).

        The pool then breaks: the documents it was running are retried."""
        with contextlib.suppress(FileNotFoundError, ValueError, ProcessLookupError):
            os.kill(int(pid_file.read_text()), signal.SIGKILL)

    def shutdown(self) -> None:
        """Stop at once: running extractions are killed (their jobs run again elsewhere,
        or here after a restart, when their leases expire), and every child is ended."""
        for pid_file in list(self._running):
            self.kill(pid_file)
        pool, self._pool = self._pool, None
        if pool is None:
            return
        # Taken before shutdown forgets them (Python 3.14 has ``terminate_workers``):
        # without waiting, shutdown only asks them to stop, and the server's exit could
        # come first, leaving them idle with their models in memory.
        children = list(pool._processes.values())
        pool.shutdown(wait=False, cancel_futures=True)
        for child in children:
            child.terminate()
        # Waited for, so that none outlives a server or worker that has ended.
        for child in children:
            child.join(CHILD_END_WAIT_S)
            if child.is_alive():
                child.kill()
                child.join(CHILD_END_WAIT_S)
