"""A transfer out (移出) as a BagIt bag written into a directory (``archive transfer``);
the layout, metadata and manifests are ``services.common.bagit``'s, which the staff pages
stream as a tar, and so is where the contents are read from (``IngestSource``).

The bag is written into ``<out>.partial`` and renamed to ``out`` once complete, so an
interrupted export never leaves something that looks like a finished bag; run it again.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from pathlib import Path
from typing import BinaryIO

import click

from services.cli.client import Api
from services.common.bagit import Bag, BagInfo, IngestSource, Source
from services.common.contracts.registry import DocumentRecord
from services.common.fixity import checked_original


def write_bag(api: Api, info: BagInfo, out: Path, *,
              advance: Callable[[], None] = lambda: None) -> Path:
    """Read each document of ``info.transfer`` (original and page texts) as ingest gives
    it to the caller and write the bag at ``out``; refuses if ``out`` exists or an
    original's SHA-256 is not the catalogue's."""
    if out.exists():
        raise click.ClickException(f"{out} already exists; choose another --out directory")
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    bag = Bag(info)
    source = IngestSource(api.ingest, api.token)
    for record in info.transfer.documents:
        _document(api, source, partial, bag, record)
        advance()
    for name, content in bag.tag_files():
        (partial / name).write_bytes(content)
    partial.rename(out)
    return out


def _document(api: Api, source: Source, root: Path, bag: Bag, record: DocumentRecord) -> None:
    original = root / bag.original_path(record)
    original.parent.mkdir(parents=True, exist_ok=True)
    with original.open("xb") as written:
        api.run(_copy(source.original(record), written, record))
    bag.original_written(record)
    for path, content in bag.document_files(record, api.run(source.pages(record))):
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


async def _copy(pieces: AsyncGenerator[bytes], into: BinaryIO, record: DocumentRecord
                ) -> None:
    """``pieces`` written into ``into`` as they come (an original may be larger than
    memory allows), checked against ``record`` as they go (``OriginalAltered``)."""
    async with aclosing(pieces), aclosing(checked_original(
            pieces, sha256=record.sha256, size_bytes=record.size_bytes,
            name=record.archive_no)) as checked:
        async for piece in checked:
            into.write(piece)
