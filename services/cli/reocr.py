"""``archive reocr``: read filed documents again with an OCR engine, with a progress bar.

The command lists the documents the caller can see (the registry's catalogue, filtered
here by category and filing date) and leaves out those whose text they may not read (a
confidential or personal document without a loan, 借阅: asking again would never help,
so they are counted, not failed), then asks ingest to re-read each one
(``POST /ingest/documents/{id}/reocr``), two at a time so both of a small server's
extraction processes stay busy. Ingest skips a document whose text that engine already
read, so running the command again after an interruption continues where it stopped.
Pages people corrected keep their text unless ``--replace-corrected`` is given; the
command says how many it kept.
"""

from __future__ import annotations

from datetime import date, datetime

import click

from services.cli.client import Api, api_options
from services.cli.each_document import ask_each, exit_on_failures
from services.cli.named import CATEGORY, DAY
from services.common.clock import day_start
from services.common.config import load_settings
from services.common.contracts.ingest import OcrEngineName, ReocrRequest, ReocrResult
from services.common.contracts.registry import DocumentRecord, in_file


@click.command()
@click.option("--engine", type=click.Choice(["ppocr", "tesseract"]), default=None,
              help="OCR engine (default: the server's ARCHIVE_OCR_ENGINE).")
@click.option("--category", "categories", multiple=True, type=CATEGORY,
              help="Only documents of this category (repeatable).")
@click.option("--filed-from", type=DAY, default=None,
              help="Only documents filed on or after this date.")
@click.option("--filed-to", type=DAY, default=None,
              help="Only documents filed on or before this date.")
@click.option("--read-before", type=DAY, default=None,
              help="Read again also the documents this engine read before this day (its "
                   "start, the company's): after an upgrade that reads better. Those read "
                   "since are skipped, so the command continues where it stopped.")
@click.option("--replace-corrected", is_flag=True,
              help="Replace the pages people corrected too (kept as they wrote them "
                   "otherwise).")
@api_options
def reocr(api: Api, engine: OcrEngineName | None, categories: tuple[str, ...],
          filed_from: datetime | None, filed_to: datetime | None,
          read_before: datetime | None, replace_corrected: bool) -> None:
    """Read filed documents again with OCR (archivist, admin); each one's new text becomes
    a new version, the old one kept; pages people corrected keep their text unless
    --replace-corrected; documents whose text you may not read are left out (counted).
    Resumable: run it again to continue."""
    zone = load_settings().time_zone
    before = None if read_before is None else day_start(read_before.date(), zone)
    if before is not None and before > datetime.now(zone):
        raise click.BadParameter(
            f"{read_before:%Y-%m-%d} has not begun: every document would be read again at "
            "every run; give the day of the upgrade, today at the latest",
            param_hint="--read-before")
    selected = [record for record in api.run(api.registry.catalogue(api.token))
                if _selected(record, categories,
                             filed_from.date() if filed_from else None,
                             filed_to.date() if filed_to else None)]
    readable = {record.document_id
                for record in api.run(api.registry.catalogue(api.token, readable=True))}
    documents = [record for record in selected if record.document_id in readable]
    request = ReocrRequest(engine=engine, replace_corrected=replace_corrected,
                           read_before=before)
    kept = kept_empty = 0

    async def reread(record: DocumentRecord) -> ReocrResult:
        nonlocal kept, kept_empty
        result = await api.ingest.reread(api.token, record.document_id, request)
        kept += result.kept_corrected
        kept_empty += result.kept_empty_reading
        return result

    outcomes, failures = ask_each(
        api, documents, action="reocr", doing="re-reading", ask=reread,
        outcome=lambda result: result.skipped_because or result.status)
    click.echo(f"{outcomes['reread']} re-read, {outcomes['already_read']} already read by "
               f"this engine, {outcomes['no_ocr_pages']} without scanned pages to read, "
               f"{len(failures)} failed")
    if left_out := len(selected) - len(documents):
        click.echo(f"left out: {left_out} whose text you may not read (confidential or "
                   "personal information: read through an approved loan, 借阅)")
    if kept:
        click.echo(f"pages people corrected, kept as they wrote them: {kept} "
                   "(--replace-corrected replaces them too)")
    if outcomes["reading_empty"]:
        click.echo(f"read empty: {outcomes['reading_empty']} documents this engine read no "
                   "text on; their text stays as it was (no new version)")
    if kept_empty:
        click.echo(f"kept: new reading empty: {kept_empty} pages whose text the new reading "
                   "found empty were left as they were")
    exit_on_failures(failures, to_retry="run 'archive reocr' again with the same options to "
                                        "retry the failures")


def _selected(record: DocumentRecord, categories: tuple[str, ...], filed_from: date | None,
              filed_to: date | None) -> bool:
    if not in_file(record):
        return False
    if categories and record.category not in categories:
        return False
    return (filed_from is None or record.filed_at >= filed_from) and (
        filed_to is None or record.filed_at <= filed_to)
