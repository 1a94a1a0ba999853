"""``archive reocr``: read filed documents again with an OCR engine, with a progress bar.

The command lists the documents the caller can see (the registry's catalogue, filtered
here by category and filing date), then asks ingest to re-read each one
(``POST /ingest/documents/{id}/reocr``), two at a time so both of a small server's
extraction processes stay busy. Ingest skips a document whose text that engine already
read, so running the command again after an interruption continues where it stopped.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from services.cli.client import Api, api_options, list_documents
from services.cli.each_document import exit_on_failures, post_each
from services.common.models import CATEGORIES

# A document is re-read while the request waits: allow for long ones (about 1 s a page).
REREAD_TIMEOUT_S = 3600


@click.command()
@click.option("--engine", type=click.Choice(["ppocr", "tesseract"]), default=None,
              help="OCR engine (default: the server's ARCHIVE_OCR_ENGINE).")
@click.option("--category", "categories", multiple=True, type=click.Choice(CATEGORIES),
              help="Only documents of this category (repeatable).")
@click.option("--filed-from", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only documents filed on or after this date.")
@click.option("--filed-to", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only documents filed on or before this date.")
@api_options
def reocr(api: Api, engine: str | None, categories: tuple[str, ...], filed_from: Any,
          filed_to: Any) -> None:
    """Read filed documents again with OCR (archivist, admin); each one's new text becomes
    a new version, the old one kept. Resumable: run it again to continue."""
    documents = [record for record in list_documents(api)
                 if _selected(record, categories,
                              filed_from.date() if filed_from else None,
                              filed_to.date() if filed_to else None)]
    outcomes, failures = post_each(
        api, documents, action="reocr", body={"engine": engine} if engine else {},
        timeout_s=REREAD_TIMEOUT_S, doing="re-reading",
        outcome=lambda result: str(result["skipped_because"] or result["status"]))
    click.echo(f"{outcomes['reread']} re-read, {outcomes['already_read']} already read by "
               f"this engine, {outcomes['no_ocr_pages']} without scanned pages, "
               f"{len(failures)} failed")
    exit_on_failures(failures, to_retry="run 'archive reocr' again with the same options to "
                                        "retry the failures")


def _selected(record: dict[str, Any], categories: tuple[str, ...], filed_from: date | None,
              filed_to: date | None) -> bool:
    if record["status"] != "active":
        return False
    if categories and record["category"] not in categories:
        return False
    filed_at = date.fromisoformat(record["filed_at"])
    return (filed_from is None or filed_at >= filed_from) and (
        filed_to is None or filed_at <= filed_to)
