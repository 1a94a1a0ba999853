"""``archive backup DEST`` and ``archive restore SRC``, with progress bars.

Both work on the databases and the object store directly (like ``archive audit verify``),
with the archive's own configuration: run them where ``archive serve`` runs, with the
same ``ARCHIVE_*`` settings. A backup runs beside the serving archive; a restore fills an
empty one (``services.backup`` says how). Each exits 0 when all went well, 1 otherwise.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import tzinfo
from typing import Any, Literal

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.table import Table
from rich.text import Text

from services.backup.models import BackupReport, RestoreReport
from services.cli.audit import show_chain_report, verify_audit_log
from services.cli.terminal import BAR_WIDTH, Doing, counted, local_time, whole
from services.common.clock import SystemClock
from services.common.config import Settings, load_settings
from services.common.in_use import to_itself_once_written

# The backup and restore themselves (SQLAlchemy, the object store, the search index) are
# imported in the commands: 'archive --help' loads this module.


@click.command()
@click.argument("destination")
def backup(destination: str) -> None:
    """Back the archive up into DESTINATION, a directory or s3://bucket/prefix, while it
    serves: databases, originals, derived files, audit anchors and a manifest with every
    file's SHA-256. Only what the backup lacks is copied; the previous generation stays
    restorable until the new one is complete."""
    settings = load_settings()
    from services.backup.backup import run_backup

    with Bars() as bars:
        report = asyncio.run(run_backup(settings, destination,
                                        clock=SystemClock(settings.time_zone), progress=bars))
    _show_backup(report)
    if report.altered:
        sys.exit(1)


@click.command()
@click.argument("source")
def restore(source: str) -> None:
    """Restore the newest backup at SOURCE (a directory or s3://bucket/prefix) into this
    archive's empty data directory (or empty database and bucket), check every file's
    SHA-256, rebuild the search index, run a fixity check and verify the audit log.
    Refused while an archive serve or worker uses the data directory."""
    settings = load_settings()
    from services.search.index.tantivy_index import locks_held_while_served

    # A data directory that does not exist yet is made only once the restore has checked
    # all it can: a refused restore leaves it as it was.
    with to_itself_once_written(settings.data_dir, "archive restore",
                                older=locks_held_while_served(settings)) as hold:
        from services.backup.restore import run_restore

        with Bars() as bars:
            report = asyncio.run(run_restore(settings, source,
                                             clock=SystemClock(settings.time_zone),
                                             progress=bars, before_writing=hold))
        restored = show_restore(report, settings.time_zone)
        intact = show_chain_report(asyncio.run(verify_audit_log(settings)),
                                   settings.time_zone)
    if not (restored and intact):
        click.echo("The restore is not clean: see above. Keep this copy for inspection and "
                   "restore another into a new empty place.", err=True)
        sys.exit(1)
    click.echo(f"Restored: fixity clean and the audit log intact. {how_to_start(settings)}")


def how_to_start(settings: Settings) -> str:
    """What starts the restored archive: on PostgreSQL, 'archive serve' reads no uploads
    itself, so the uploads queued at the backup wait for an 'archive worker'."""
    if settings.embedded:
        return "Start it with 'archive serve'."
    return ("Start it with 'archive serve' and 'archive worker' (one or more, where they "
            "reach the database and the store): on PostgreSQL the server reads no uploads "
            "itself.")


def _show_backup(report: BackupReport) -> None:
    click.echo(f"backup {report.generation} at {report.destination}: "
               f"{counted(report.objects, 'object')} ({_mb(report.bytes_total)}), "
               f"{report.objects_copied} copied ({_mb(report.bytes_copied)}), the rest "
               f"already there; {counted(report.databases, 'database snapshot')} "
               f"({_mb(report.database_bytes)})")
    if report.keys_carried:
        click.echo(f"It carries the keys kept in the data directory "
                   f"({', '.join(report.keys_carried)}): protect it as you protect the "
                   "data directory.")
    if report.generations_pruned or report.blobs_pruned:
        click.echo(f"Dropped {counted(report.generations_pruned, 'older generation')} and "
                   f"{counted(report.blobs_pruned, 'file')} no kept generation needs.")
    for key in report.altered:
        click.echo(f"warning: {key} does not hash to the SHA-256 recorded when it was "
                   "stored; it was copied as it is: run 'archive fixity'", err=True)


def show_restore(report: RestoreReport, zone: tzinfo) -> bool:
    """Print the restore's outcome, its times on the company's clocks (``zone``, as the
    audit report after it); True if it is clean."""
    click.echo(f"restored generation {report.generation} from {report.source}: "
               f"{counted(report.databases, 'database')}, "
               f"{counted(report.objects, 'object')} ({_mb(report.bytes)}), every file's "
               "SHA-256 checked")
    click.echo(f"the archive as it was when that backup began, "
               f"{local_time(report.began_at, zone)}: file again what was filed after it")
    if report.left_out:
        one = report.left_out == 1
        them = "it" if one else "them"
        click.echo(f"{counted(report.left_out, 'original')} uploaded after the snapshot "
                   f"{'was' if one else 'were'} left out (no restored record or job names "
                   f"{them}): upload {them} again")
    if report.unfinished_uploads:
        click.echo(f"{counted(report.unfinished_uploads, 'upload')} "
                   f"{'was' if report.unfinished_uploads == 1 else 'were'} still being read: the "
                   "archive's OCR reads and files each once it runs, under the archive number "
                   "it gives then")
    for key in report.damaged:
        click.echo(f"error: {key} is damaged or missing in the backup and was not restored",
                   err=True)
    if report.fixity_error is not None:
        click.echo(f"error: {report.fixity_error}", err=True)
        return False
    click.echo(f"search index rebuilt: {counted(report.documents_indexed or 0, 'document')}")
    if not report.fixity_findings:
        click.echo(f"fixity run {report.fixity_run}: every original matches the catalogue; "
                   "archive numbers have no gaps")
        return not report.damaged
    table = Table(title=f"fixity run {report.fixity_run}: findings")
    for column in ("finding", "archive number", "detail"):
        table.add_column(column, overflow="fold")
    for finding in report.fixity_findings:
        table.add_row(finding.kind, finding.archive_no or "", finding.detail)
    Console(stderr=True).print(table)
    return False


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


class _Amount(ProgressColumn):
    """Bytes with their speed for a copy, files counted otherwise."""

    def __init__(self) -> None:
        super().__init__(table_column=whole())
        self.bytes = DownloadColumn()
        self.speed = TransferSpeedColumn()
        self.files = MofNCompleteColumn()

    def render(self, task: Task) -> Text:
        if task.fields.get("unit") == "bytes":
            return Text.assemble(self.bytes.render(task), " ", self.speed.render(task))
        if task.total is None:
            return Text(f"{int(task.completed)}")
        return self.files.render(task)


class Bars:
    """``services.backup.models.Progress`` as rich progress bars on standard error (or
    ``console``)."""

    def __init__(self, *, console: Console | None = None) -> None:
        self.progress = Progress(Doing(), BarColumn(bar_width=BAR_WIDTH), _Amount(),
                                 TimeElapsedColumn(table_column=whole()),
                                 console=console or Console(stderr=True))
        self.task: TaskID | None = None

    def __enter__(self) -> Bars:
        self.progress.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._finish()
        self.progress.stop()

    def stage(self, description: str, *, total: int | None,
              unit: Literal["bytes", "files"]) -> None:
        self._finish()
        self.task = self.progress.add_task(description, total=total, unit=unit)

    def advance(self, amount: int) -> None:
        if self.task is not None:
            self.progress.advance(self.task, amount)

    def note(self, message: str) -> None:
        self.progress.console.print(f"note: {message}")

    def _finish(self) -> None:
        if self.task is not None:
            task = self.progress.tasks[-1]
            self.progress.update(self.task, total=task.total if task.total is not None
                                 else task.completed, completed=task.total or task.completed)
