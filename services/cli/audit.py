"""``archive audit``: read the audit log (``list``) and check its keyed chain (``verify``).

``archive audit list`` reads ``GET /registry/audit`` from a running server with the
caller's token (compliance and admin read the whole log): who did what, when, to which
document, filtered by user, action, document (by its archive number or id) and days
(counted in ``ARCHIVE_TIME_ZONE``, the company's), oldest first, a page at a time
(``--after`` the last number printed).

``archive audit verify`` works on the database and the object store directly (like
``archive user add``), so it needs no running server and no token, but it needs the audit
key (``ARCHIVE_AUDIT_KEY`` or ``<data_dir>/audit_key``): whoever holds the database alone
can neither check nor forge the chain. The chain is checked against its newest anchor in
the object store too, so a truncated tail is found. Exits 0 when the chain holds, 1 with
the first broken link when it does not.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping
from datetime import datetime, timedelta, tzinfo

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from services.cli.client import Api, api_options, echo_json, json_option
from services.cli.named import DAY
from services.cli.terminal import counted, local_time, tables
from services.common.audit_actions import ALL_ACTION_NAMES
from services.common.clock import day_start
from services.common.config import Settings, load_settings
from services.common.contracts.accounts import person
from services.common.contracts.registry import AuditDetail, AuditRecord, ChainReport
from services.common.errors import DependencyUnavailable
from services.common.refusal_words import reason_words

AUDIT_PAGE = 200
"""Entries ``archive audit list`` prints at a time unless ``--limit`` says otherwise."""


@click.group()
def audit() -> None:
    """The audit log (O4)."""


@audit.command("list")
@click.option("--user", "username", help="Only what this user did (username).")
@click.option("--action",
              help="Only this action, as listed (e.g. hold_placed, destruction_witnessed); "
                   "a refusal's older name (startSweep, sign_handover) finds the same.")
@click.option("--refused", is_flag=True,
              help="Only the refused attempts (a read, a download, a signature refused).")
@click.option("--document", "document_id",
              help="Only entries about this document: its archive number (档号, e.g. "
                   "2026-complaint-A-1201-0001, or one it had before a correction), or its "
                   "id; one that names no document you may see is refused.")
@click.option("--from", "first_day", type=DAY,
              help="From this day (YYYY-MM-DD, in ARCHIVE_TIME_ZONE).")
@click.option("--to", "last_day", type=DAY, help="To this day, included.")
@click.option("--after", "after_seq", type=click.IntRange(min=0), default=0,
              help="Only entries numbered after this one (to read the next page).")
@click.option("--limit", type=click.IntRange(1, 1000), default=AUDIT_PAGE,
              show_default=True, help="Entries at most.")
@json_option("Print the entries as JSON, as the API gives them.")
@api_options
def list_command(api: Api, username: str | None, action: str | None, refused: bool,
                 document_id: str | None, first_day: datetime | None,
                 last_day: datetime | None, after_seq: int, limit: int,
                 as_json: bool) -> None:
    """Print who did what (compliance, admin), oldest first, times in the company's zone."""
    zone = load_settings().time_zone
    entries = api.run(api.registry.audit_log(
        api.token, after_seq=after_seq, limit=limit, username=username, action=action,
        outcome="refused" if refused else None, document_id=document_id,
        since=day_start(first_day.date(), zone) if first_day else None,
        until=day_start(last_day.date() + timedelta(days=1), zone) if last_day else None))
    if as_json:
        echo_json(entries, indent=None)
    else:
        names = api.run(api.registry.people(api.token))
        tables().print(audit_table(entries, zone, names=names))
    if len(entries) == limit:
        click.echo(f"more entries follow: add --after {entries[-1].seq}", err=True)


def audit_table(entries: list[AuditRecord], zone: tzinfo, *, names: Mapping[str, str]
                ) -> Table:
    """One row per entry: its number, when (in ``zone``), who (``王芳（wang）``: ``names``
    are full names by username), what, whether refused and why (the code, and the audit log
    page's words for it), the document and the rest of what was recorded."""
    table = Table(title=f"audit log (审计记录): {counted(len(entries), 'entry', 'entries')}",
                  title_justify="left")
    for column in ("seq", "at", "user", "action", "outcome", "document", "detail"):
        table.add_column(column, overflow="fold")
    for entry in entries:
        table.add_row(str(entry.seq), entry.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                      person(entry.username, names), _action(entry.action), _outcome(entry),
                      entry.document_id or "", _detail(entry.detail))
    return table


def _action(action: str) -> str:
    """The action's code (what ``--action`` takes) and the name the audit log page gives
    it: ``hold_placed (设置法律保全)``."""
    name = ALL_ACTION_NAMES.get(action)
    return f"{action} ({name})" if name else action


def _outcome(entry: AuditRecord) -> str:
    """Allowed, or refused with the code and why, as the audit log page says it:
    ``refused (own_loan: 此人不能审批或办理自己的借阅。)``."""
    if entry.outcome == "allowed":
        return "allowed"
    words = reason_words(entry.action, entry.code) if entry.code else None
    return f"refused ({entry.code}: {words})" if words else f"refused ({entry.code})"


def _detail(detail: dict[str, AuditDetail]) -> str:
    return "; ".join(f"{name}={', '.join(value) if isinstance(value, list) else value}"
                     for name, value in detail.items() if value is not None)


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
    # Here, not at the top: 'archive audit list' and 'archive --help' need no SQLAlchemy.
    from sqlalchemy.exc import DBAPIError

    from services.registry.bootstrap import verify_audit

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
