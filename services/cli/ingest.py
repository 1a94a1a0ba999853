"""``archive ingest``: upload files, folders or a manifest's batch, with progress.

Each file is hashed first and the server asked whether it already holds those bytes
(``POST /ingest/originals/{sha256}`` with the file's metadata), so re-running a half-done
batch uploads only what is missing; a file it holds filed otherwise than the metadata
says (a manifest row put right, a security level raised) fails with the fields named
(``filed_differently``): correct the filed record instead (its household too, D11).
``--wait`` follows the jobs until every document is extracted and filed. A server lost
meanwhile, or a part behind it that is away (its database restarting, the object store),
is waited for (``AWAY_S``, ``Api.patiently``), as the uploads are safe on it; while
uploading too, before the next file is sent. The summary
lists each file as done, queued, duplicate (with its pages) or failed (with the reason),
and the command exits 1 if any failed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from services.cli.client import AWAY_S, Api, StayedAway, api_options, duration
from services.cli.named import CATEGORY, DAY, HOUSEHOLD, SECURITY_LEVEL
from services.cli.terminal import tables
from services.common.clock import SystemClock
from services.common.config import load_settings
from services.common.contracts.ingest import JobStatus, JobView, UploadReceipt
from services.common.errors import ArchiveError
from services.common.manifest import (
    MANIFEST_COLUMNS,
    OPTIONAL_COLUMNS,
    ManifestRefused,
    left_out,
    manifest_rows,
    upload_metadata,
)
from services.common.objectstore import file_sha256

T = TypeVar("T")
POLL_S = 0.5
UNTAKEN_S = 120.0
"""How long ``--wait`` sees an upload queued before it says no worker may be reading
them (as ``/ready`` says it to an admin)."""
POLL_WINDOW = 8


class ServerStayedAway(click.ClickException):
    """``--wait`` gave up on a server that stopped answering after the uploads."""


@dataclass
class Item:
    """One file of the batch, its metadata, and what became of it."""

    path: Path
    label: str
    metadata: dict[str, Any]
    status: str = "pending"
    """pending, queued, running, done, duplicate or failed."""
    job_id: str | None = None
    document_id: str | None = None
    pages: int | None = None
    reason: str = ""
    waiting: bool = field(default=False)

    def failed(self, reason: str) -> None:
        self.status, self.reason, self.waiting = "failed", reason, False


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV (UTF-8, or GBK as Excel saves it) with columns "
              + ",".join(MANIFEST_COLUMNS) + " (+ " + ",".join(OPTIONAL_COLUMNS)
              + "); paths relative to it.")
@click.option("--household", type=HOUSEHOLD,
              help="Unit code, e.g. A-1201 (empty for policy documents).")
@click.option("--category", type=CATEGORY,
              help="Category (D5): its code, or its Chinese name (维修/报修记录, 维修).")
@click.option("--title", help="Title (default: the file name without its extension).")
@click.option("--filed-at", type=DAY, help="Filing date (default: today).")
@click.option("--security", type=SECURITY_LEVEL, help="Security level (default: ordinary).")
@click.option("--wait", is_flag=True, help="Wait until every file is extracted and filed.")
@api_options
def ingest(api: Api, paths: tuple[Path, ...], manifest: Path | None, household: str | None,
           category: str | None, title: str | None, filed_at: Any, security: str | None,
           wait: bool) -> None:
    """Upload files or folders (PDF, TIFF, PNG, JPEG, HEIC) into the archive."""
    if bool(paths) == bool(manifest):
        raise click.UsageError("give files or folders, or --manifest FILE.csv (not both)")
    if manifest is not None:
        items = read_manifest(manifest, today=SystemClock(load_settings().time_zone).today())
    else:
        if category is None:
            raise click.UsageError("--category is needed when uploading files directly")
        # An option left out is left out of the upload: ingest takes its default (the
        # file's name, today, ordinary) and compares a re-run only on what is given.
        items = [Item(path=path, label=str(path), metadata=upload_metadata(
            household=household, category=category, title=title,
            filed_at=filed_at.date().isoformat() if filed_at else None, security=security))
            for path in walk(paths)]
    if not items:
        raise click.UsageError("no files found to upload")
    console = Console(stderr=True)
    try:
        upload_all(api, items, console)
        if wait:
            wait_for_jobs(api, items, console)
    except ServerStayedAway:
        print_summary(items)  # what is done, and which files and jobs are still waiting
        raise
    print_summary(items)
    if any(item.status == "failed" for item in items):
        raise SystemExit(1)


def walk(paths: tuple[Path, ...]) -> list[Path]:
    """Files under ``paths`` in a stable order, leaving out of a folder what is no
    document (``manifest.left_out``: hidden files, its manifest)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file()
                            and not left_out(p.relative_to(path).as_posix()))
        elif path.suffix.lower() == ".csv":
            raise click.UsageError(f"{path} is a CSV, not a scan; give a manifest with "
                                   f"--manifest {path}")
        else:
            found.append(path)
    return found


def read_manifest(manifest: Path, *, today: date) -> list[Item]:
    """The batch a manifest describes; a bad row (one filed after ``today`` too) becomes
    a failed item, not an abort."""
    try:
        rows = manifest_rows(manifest.read_bytes(), today=today)
    except ManifestRefused as exc:
        raise click.UsageError(f"{manifest}: {exc}") from exc
    items = []
    for row in rows:
        path = manifest.parent / row.path
        item = Item(path=path, label=row.path or f"line {row.line}", metadata=row.metadata)
        if row.problem:
            item.failed(f"{manifest.name} line {row.line}: {row.problem}")
        elif not path.is_file():
            item.failed(f"{manifest.name} line {row.line}: no such file {path}")
        items.append(item)
    return items


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("files · {task.fields[pages]} pages · {task.fields[rate]}"),
        TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
        console=console, transient=False,
    )


def _rate(done: int, started: float) -> str:
    elapsed = max(time.monotonic() - started, 1e-6)
    return f"{done * 60 / elapsed:.1f} files/min"


def upload_all(api: Api, items: list[Item], console: Console, *,
               server_away_s: float = AWAY_S) -> None:
    """Upload every pending item. A server that stops answering (restarted, upgraded), or
    a part behind it that is away (its database restarting, the object store), is waited
    for up to ``server_away_s`` (``Api.patiently``), as ``--wait`` waits: the files
    uploaded so far are safe on it, and the rest are not the files' fault (each once
    failed, "fix the failed files"). If it stays away, ``ServerStayedAway`` says so."""
    pending = [item for item in items if item.status == "pending"]
    started = time.monotonic()
    uploaded = 0
    with _progress(console) as progress:
        task = progress.add_task("uploading", total=len(pending), pages="–", rate="")
        try:
            for item in pending:
                upload_one(api, item, say=console.print, away_s=server_away_s)
                uploaded += 1
                progress.update(task, advance=1, rate=_rate(uploaded, started))
        except StayedAway as exc:
            raise ServerStayedAway(
                f"{exc.message}. The {uploaded} of {len(pending)} files sent before are safe "
                "on the server. Run the same command again once the server is back: it "
                "uploads only what is missing.") from exc


def upload_one(api: Api, item: Item, *, say: Callable[[str], None], away_s: float) -> None:
    """Upload ``item`` unless the server already holds its bytes as its metadata says
    (bytes it holds otherwise are refused, ``filed_differently``, as their upload is);
    waiting up to ``away_s`` for a server, or a part behind it, that is away."""
    sha256 = file_sha256(item.path)

    def patiently(ask: Callable[[], Coroutine[Any, Any, T]]) -> T:
        return api.patiently(ask, say=say, meanwhile="The files uploaded so far are safe on "
                             "the server", then="uploading the rest", away_s=away_s)

    try:
        known = patiently(lambda: api.ingest.reupload_state(api.token, sha256, item.metadata))
    except ArchiveError as exc:
        item.failed(exc.explained)
        return
    if known is not None and known.status != "failed":
        item.pages = known.pages
        _record(item, known.job_id, known.status, known.document_id, duplicate=True)
        return
    try:
        receipt = patiently(lambda: _upload(api, item))
    except ArchiveError as exc:
        item.failed(exc.explained)
        return
    _record(item, receipt.job_id, receipt.status, receipt.document_id,
            duplicate=receipt.duplicate)


async def _upload(api: Api, item: Item) -> UploadReceipt:
    """The file sent afresh each time it is asked (a retry reads it from its start)."""
    with item.path.open("rb") as original:
        return await api.ingest.upload(api.token, filename=item.path.name, content=original,
                                       metadata=item.metadata)


def _record(item: Item, job_id: str, status: JobStatus, document_id: str | None, *,
            duplicate: bool) -> None:
    item.job_id = job_id
    item.document_id = document_id
    if status == "failed":
        item.failed("the job failed")
        return
    item.status = "duplicate" if duplicate else status
    item.waiting = status in ("queued", "running")


def wait_for_jobs(api: Api, items: list[Item], console: Console, *,
                  server_away_s: float = AWAY_S, untaken_s: float = UNTAKEN_S) -> None:
    """Follow every queued job until it is done or failed, waiting up to ``server_away_s``
    for a server that stops answering or a part behind it that is away
    (``patient_job_view``); if it does not come back, say that the files are safe on it
    and that a re-run picks up the unfinished jobs."""
    waiting: dict[str, list[Item]] = {}
    for item in items:
        if item.waiting and item.job_id is not None:
            waiting.setdefault(item.job_id, []).append(item)
    started = time.monotonic()
    pages = 0
    with _progress(console) as progress:
        task = progress.add_task("extracting", total=len(waiting), pages=0, rate="")
        jobs = finished_jobs(patient_job_view(api, console, away_s=server_away_s,
                                              untaken_s=untaken_s), list(waiting))
        done = 0
        try:
            for job in jobs:
                done += 1
                pages += job.pages or 0
                _finished(job, waiting[job.job_id])
                progress.update(task, advance=1, pages=pages, rate=_rate(done, started))
        except StayedAway as exc:
            raise ServerStayedAway(
                f"{exc.message}. The files it accepted are safe on the server ({done} of "
                f"{len(waiting)} extracted when it last answered). Run the same command "
                "again once the server is back: it uploads nothing twice and waits for the "
                "unfinished jobs.") from exc


def _finished(job: JobView, items: list[Item]) -> None:
    for item in items:
        item.waiting = False
        item.pages = job.pages
        if job.status == "failed":
            item.failed(f"{job.error} ({job.error_code})")
        else:
            item.document_id = job.document_id
            item.status = "duplicate" if item.status == "duplicate" else "done"


def patient_job_view(api: Api, console: Console, *, away_s: float,
                     untaken_s: float = UNTAKEN_S) -> Callable[[str], JobView]:
    """How a job stands, waiting up to ``away_s`` (``Api.patiently``) for a server that
    cannot be reached or a part behind it that is away; ``StayedAway`` when it stays
    away longer. A job seen queued for ``untaken_s`` is said once: no worker may be
    reading uploads (none started, with ``ARCHIVE_DATABASE_URL``), and the wait goes on."""
    queued_since: dict[str, float] = {}
    said = False

    def job_view(job_id: str) -> JobView:
        nonlocal said
        job = api.patiently(lambda: api.ingest.job(api.token, job_id), say=console.print,
                            meanwhile="The uploads are safe on the server",
                            then="waiting for the jobs", away_s=away_s)
        if job.status != "queued":
            queued_since.pop(job_id, None)
        elif not said and (time.monotonic() - queued_since.setdefault(job_id, time.monotonic())
                           >= untaken_s):
            said = True
            console.print(f"No worker has taken up the uploads in {duration(untaken_s)}: "
                          "the server's workers are busy, or none is running (with "
                          "ARCHIVE_DATABASE_URL set, uploads are read by 'archive worker' "
                          "processes); an admin's /ready says which under ingest.workers. "
                          "Still waiting (Ctrl-C stops waiting, not the uploads)…")
        return job

    return job_view



def finished_jobs(
    get_job: Callable[[str], JobView], job_ids: list[str], *, poll_s: float = POLL_S
) -> Iterator[JobView]:
    """Each of the jobs ``job_ids`` once it is done or failed, asked about every ``poll_s``.

    Workers take jobs in the order they were queued, so each round asks about the waiting
    jobs in that order and stops at the ``POLL_WINDOW``-th unfinished one: a batch of 500
    files costs the server a few requests a round, not 500 (asking about every job took
    CPU from the OCR running on the same cores)."""
    waiting = list(job_ids)
    while waiting:
        unfinished = 0
        for job_id in list(waiting):
            job = get_job(job_id)
            if job.status in ("done", "failed"):
                waiting.remove(job_id)
                yield job
                continue
            unfinished += 1
            if unfinished == POLL_WINDOW:
                break
        if waiting:
            time.sleep(poll_s)


def print_summary(items: list[Item]) -> None:
    table = Table(title="archive ingest")
    for column in ("file", "status", "pages", "document / job", "reason"):
        table.add_column(column, overflow="fold")
    for item in items:
        table.add_row(item.label, item.status, "" if item.pages is None else str(item.pages),
                      item.document_id or item.job_id or "", item.reason)
    console = tables()
    console.print(table)
    counts: dict[str, int] = {}
    for item in items:
        counts[item.status] = counts.get(item.status, 0) + 1
    console.print(", ".join(f"{n} {status}" for status, n in sorted(counts.items())))
    if counts.get("failed"):
        console.print("Fix the failed files (see reason) and run the same command again; "
                      "files already uploaded are not sent twice.")
    if any("filed_differently" in item.reason for item in items):
        console.print("A file filed otherwise (filed_differently) is not fixed by this "
                      "command: correct its filed record (its household too, if that is "
                      "what is wrong); the same command then counts it as a duplicate.")
