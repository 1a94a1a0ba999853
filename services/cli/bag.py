"""A transfer out (移出) as a BagIt bag written into a directory (``archive transfer``);
the layout, metadata and manifests are ``services.common.bagit``'s, which the staff pages
stream as a tar.

The bag is written into ``<out>.partial`` and renamed to ``out`` once complete, so an
interrupted export never leaves something that looks like a finished bag; run it again.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import click
import msgspec

from services.cli.client import Api
from services.common.bagit import Bag, BagInfo, OriginalMismatch
from services.common.contracts.ingest import ExtractedText
from services.common.contracts.registry import DocumentRecord


def write_bag(api: Api, info: BagInfo, out: Path, *,
              advance: Callable[[], None] = lambda: None) -> Path:
    """Fetch each document of ``info.transfer`` (original and page texts) and write the
    bag at ``out``; refuses if ``out`` exists or an original's SHA-256 is not the
    catalogue's."""
    if out.exists():
        raise click.ClickException(f"{out} already exists; choose another --out directory")
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    bag = Bag(info)
    for record in info.transfer.documents:
        _document(api, partial, bag, record)
        advance()
    for name, content in bag.tag_files():
        (partial / name).write_bytes(content)
    partial.rename(out)
    return out


def _document(api: Api, root: Path, bag: Bag, record: DocumentRecord) -> None:
    original = root / bag.original_path(record)
    original.parent.mkdir(parents=True, exist_ok=True)
    sha256, size = api.download(f"/ingest/documents/{record.document_id}/original", original)
    try:
        bag.original_written(record, sha256, size)
    except OriginalMismatch as exc:
        raise click.ClickException(exc.detail) from exc
    text = msgspec.convert(api.json("GET", f"/ingest/documents/{record.document_id}/text"),
                           ExtractedText)
    for path, content in bag.document_files(record, text.pages):
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
