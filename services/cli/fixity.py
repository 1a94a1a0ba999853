"""``archive fixity``: check every stored original against the catalogue, with progress.

The ingest service does the work (it owns the object store, see ``services.ingest.fixity``);
this command starts a run, or follows the one already running, shows how many documents
have been checked, then lists what was found. It exits 1 if anything was found or the
run failed, so a cron job or monitoring script can alert on it.
"""

from __future__ import annotations

import sys

import click
from rich.table import Table

from services.cli.client import Api, api_options, echo_json, json_option
from services.cli.terminal import counted, follow, tables
from services.common.contracts.ingest import FixityRun


@click.command()
@json_option("Print the finished run as JSON.")
@api_options
def fixity(api: Api, as_json: bool) -> None:
    """Re-hash every original and check archive numbers against the catalogue
    (archivist, compliance, admin); exits 1 on any finding."""
    started = api.run(api.ingest.start_fixity(api.token))
    run = follow(started, lambda: api.patiently(
                     lambda: api.ingest.fixity_run(api.token, started.run_id), say=_say,
                     meanwhile="The check goes on on the server", then="following it"),
                 doing="checking originals", unit="documents",
                 running=lambda run: run.status == "running",
                 counts=lambda run: (run.documents_checked, run.documents_total))
    if as_json:
        echo_json(run)
    else:
        print_report(run)
    if run.status == "failed" or run.findings:
        sys.exit(1)


def _say(line: str) -> None:
    click.echo(line, err=True)


def print_report(run: FixityRun) -> None:
    console = tables()
    if run.status == "failed":
        console.print(f"error: the fixity run {run.run_id} failed: {run.error}")
        return
    megabytes = run.bytes_hashed / 1_000_000
    checked = run.documents_checked
    console.print(f"fixity run {run.run_id}: {counted(checked, 'document')}, "
                  f"{megabytes:.1f} MB re-hashed, {counted(len(run.findings), 'finding')}")
    if run.documents_without_previews:
        without = run.documents_without_previews
        console.print(f"{counted(without, 'document')} {'has' if without == 1 else 'have'} "
                      "no page previews yet (filed before they were made; not a finding); "
                      "run 'archive derive --missing'")
    if not run.findings:
        console.print("Every original matches the catalogue; archive numbers have no gaps.")
        return
    table = Table(title="fixity findings")
    for column in ("finding", "archive number", "document", "detail"):
        table.add_column(column, overflow="fold")
    for finding in run.findings:
        table.add_row(finding.kind, finding.archive_no or "", finding.document_id or "",
                      finding.detail)
    console.print(table)
