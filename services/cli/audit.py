"""``archive audit verify``: check the audit log's keyed chain on the registry's database.

Works on the database and the object store directly (like ``archive user add``), so it
needs no running server and no token, but it needs the audit key (``ARCHIVE_AUDIT_KEY``
or ``<data_dir>/audit_key``): whoever holds the database alone can neither check nor
forge the chain. The chain is checked against its newest anchor in the object store too,
so a truncated tail is found. Exits 0 when the chain holds, 1 with the first broken link
when it does not.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import tzinfo

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from sqlalchemy.exc import DBAPIError

from services.cli.terminal import counted, local_time
from services.common.config import Settings, load_settings
from services.common.errors import DependencyUnavailable
from services.registry.bootstrap import verify_audit
from services.registry.journal.models import ChainReport


@click.group()
def audit() -> None:
    """The audit log (O4)."""


@audit.command("verify")
def verify_command() -> None:
    """Recompute the audit log's hash chain; print the first broken link, if any."""
    settings = load_settings()
    if not show_chain_report(asyncio.run(verify_audit_log(settings)), settings.time_zone):
        sys.exit(1)


def show_chain_report(report: ChainReport, zone: tzinfo) -> bool:
    """Print what ``audit verify`` found, its anchor's time on the company's clocks
    (``zone``); True if the chain holds."""
    if report.intact:
        anchored = ("" if report.anchored_seq is None or report.anchored_at is None else
                    f"; entry {report.anchored_seq} matches its anchor of "
                    f"{local_time(report.anchored_at, zone)}")
        click.echo(f"audit log intact: {counted(report.entries, 'entry', 'entries')} "
                   f"checked{anchored}")
        return True
    where = f" at entry {report.broken_at}" if report.broken_at is not None else ""
    click.echo(f"audit log BROKEN{where}: {report.problem}", err=True)
    before = ("the entry before it is" if report.entries == 1 else
              f"the {report.entries} entries before it are")
    click.echo(f"({before} intact; keep a copy of the database and tell the compliance "
               "officer)", err=True)
    return False


async def verify_audit_log(settings: Settings) -> ChainReport:
    """The audit chain of the configured archive, checked against its newest anchor."""
    with Progress("checking", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  transient=True, console=Console(stderr=True),
                  disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("audit", total=None)
        try:
            return await verify_audit(settings, progress=lambda done, total: bar.update(
                task, completed=done, total=total))
        except DBAPIError as exc:
            raise DependencyUnavailable(
                f"cannot read the audit log: {str(exc.orig).splitlines()[0]}; is the "
                "database migrated ('archive migrate')?", code="database_unavailable") from exc
