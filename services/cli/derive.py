"""``archive derive``: make the page previews (and text-layer boxes) of filed documents,
with a progress bar.

The command lists the documents the caller can see (the registry's catalogue), then asks
ingest to make each one's previews (``POST /ingest/documents/{id}/derive``), two at a
time so both of a small server's extraction processes stay busy. With ``--missing``
ingest skips a document whose previews are all stored, so running the command again
after an interruption continues where it stopped. A digital PDF's pages (text layer) are
only listed, as at ingest: their images are made on each page's first view.
"""

from __future__ import annotations

import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from services.cli.client import Api, api_options, list_documents

IN_FLIGHT = 2
# Pages are decoded again while the request waits (a scan takes about 0.1 s a page).
DERIVE_TIMEOUT_S = 3600


@click.command()
@click.option("--missing", is_flag=True,
              help="Only documents some of whose previews are not stored (filed before "
                   "previews were made, or reported by 'archive fixity').")
@api_options
def derive(api: Api, missing: bool) -> None:
    """Make the page previews and thumbnails of filed documents from their originals
    (archivist, admin). With --missing it is resumable: run it again to continue."""
    documents = [record for record in list_documents(api) if record["status"] == "active"]
    outcomes: Counter[str] = Counter()
    failures: list[str] = []
    with Progress(TextColumn("making previews"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("documents"), TimeElapsedColumn(),
                  console=Console(stderr=True)) as progress:
        task = progress.add_task("derive", total=len(documents))

        def one(record: dict[str, Any]) -> None:
            try:
                result = api.json("POST", f"/ingest/documents/{record['document_id']}/derive",
                                  json={"missing": missing}, timeout=DERIVE_TIMEOUT_S)
                outcomes[result["status"]] += 1
            except click.ClickException as exc:
                failures.append(f"{record['archive_no']}: {exc.message}")
            progress.advance(task)

        with ThreadPoolExecutor(IN_FLIGHT) as pool:
            list(pool.map(one, documents))
    click.echo(f"{outcomes['derived']} derived, {outcomes['skipped']} already complete, "
               f"{len(failures)} failed")
    for failure in failures:
        click.echo(f"failed: {failure}", err=True)
    if failures:
        click.echo("run 'archive derive --missing' again to retry the failures", err=True)
        sys.exit(1)
