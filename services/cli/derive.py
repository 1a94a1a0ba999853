"""``archive derive``: make the page previews (and text-layer boxes) of filed documents,
with a progress bar.

The command lists the documents the caller can see (the registry's catalogue), then asks
ingest to make each one's previews (``POST /ingest/documents/{id}/derive``), two at a
time so both of a small server's extraction processes stay busy. With ``--missing``
ingest skips a document whose previews are all stored, so running the command again
after an interruption continues where it stopped, and first attaches the scans an
earlier release filed without attaching them to records catalogued before them
(``POST /ingest/documents/attach-scans``). A digital PDF's pages (text layer) are
only listed, as at ingest: their images are made on each page's first view.
"""

from __future__ import annotations

import click

from services.cli.client import Api, api_options
from services.cli.each_document import ask_each, exit_on_failures
from services.common.contracts.ingest import DeriveRequest
from services.common.contracts.registry import in_file


@click.command()
@click.option("--missing", is_flag=True,
              help="Only documents some of whose previews are not stored (filed before "
                   "previews were made, or reported by 'archive fixity').")
@api_options
def derive(api: Api, missing: bool) -> None:
    """Make the page previews and thumbnails of filed documents from their originals
    (archivist, admin). With --missing it is resumable: run it again to continue."""
    if missing:
        _attach_scans(api)
    documents = [record for record in api.run(api.registry.catalogue(api.token))
                 if in_file(record)]
    request = DeriveRequest(missing=missing)
    outcomes, failures = ask_each(
        api, documents, action="derive", doing="making previews",
        ask=lambda record: api.ingest.derive(api.token, record.document_id, request),
        outcome=lambda result: result.status)
    click.echo(f"{outcomes['derived']} derived, {outcomes['skipped']} already complete, "
               f"{len(failures)} failed")
    exit_on_failures(failures,
                     to_retry="run 'archive derive --missing' again to retry the failures")


def _attach_scans(api: Api) -> None:
    """Before previews, the scans an earlier release filed without attaching them to
    records catalogued before them: those records have 0 pages until then."""
    scans = api.run(api.ingest.attach_scans(api.token))
    if scans.attached or scans.refused:
        click.echo(f"{scans.attached} scans attached to records catalogued before them, "
                   f"{len(scans.refused)} not attached")
    for refusal in scans.refused:
        click.echo(f"  {refusal}", err=True)
