"""A transfer out (移出) as a BagIt bag (RFC 8493, BagIt 1.0), readable by any BagIt tool.

    bagit.txt               BagIt-Version 1.0, UTF-8 tag files
    bag-info.txt            source organisation, date, transfer, recipient, counts,
                            Payload-Oxum
    manifest-sha256.txt     every payload file's SHA-256
    tagmanifest-sha256.txt  the tag files' SHA-256
    data/<archive_no>/      per document: ``original.<ext>`` (its SHA-256 is the
                            catalogue's ``sha256``), ``pages/0001.txt``… (the page
                            texts), ``metadata.json`` (the catalogue record) and
                            ``metadata.csv`` (the same, one row; the
                            paper location one column a part)

One layout, two writers: ``archive transfer`` writes the files into a directory
(``services.cli.bag``); the staff pages stream them as one tar whose single top
directory is the bag (``tar_stream``, RFC 8493 §4 serialization). Either way an
original's SHA-256 is computed while it is written and checked against the catalogue's
before anything else of the bag is; the tag files, whose manifest lists every payload
file, come last, so a mismatch never leaves a bag with a wrong manifest.

A directory name is made from the archive number (server-made; anything but letters,
digits, ``.``, ``_`` and ``-`` becomes ``_``), never from what a user typed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import mimetypes
import re
import tarfile
import time
from collections.abc import AsyncGenerator, AsyncIterator, Iterable
from contextlib import aclosing
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath
from typing import Any, Protocol

import msgspec

from services.common.clients.ingest import IngestClient
from services.common.contracts.ingest import TextPage
from services.common.contracts.operations import Transfer
from services.common.contracts.registry import LOCATION_PARTS, DocumentRecord
from services.common.errors import ArchiveError, Forbidden, NotFound
from services.common.fixity import checked_original
from services.common.spreadsheet import csv_bytes

log = logging.getLogger("archive.bagit")

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
METADATA_FIELDS = ("document_id", "archive_no", "household", "category", "title",
                   "filed_at", "security", "personal_info", "retention_class",
                   "disposal_due", "pages", "media_type", "size_bytes", "original_filename",
                   "sha256", "location", "is_copy", "language", "status")
CSV_FIELDS = tuple(column for name in METADATA_FIELDS for column in (
    [f"location_{part}" for part in LOCATION_PARTS] if name == "location" else [name]))
"""``metadata.csv``'s columns: the record's fields, the paper location one column a part
(D7), so a spreadsheet reads each as a cell, not as JSON."""
DEFAULT_ORGANIZATION = "客户档案室 (customer archive)"
"""Source-Organization in bag-info.txt unless the CLI is told otherwise."""
TAR_BLOCK = 512


@dataclass(frozen=True)
class BagInfo:
    source_organization: str
    transfer: Transfer
    bagging_date: date


def bag_info(transfer: Transfer, bagging_date: date, *,
             source_organization: str = DEFAULT_ORGANIZATION) -> BagInfo:
    """What a bag of ``transfer`` is written from; refused (403 ``above_clearance``) if
    the reader is not cleared for every document of it: a bag is the whole transfer."""
    hidden = transfer.items - len(transfer.documents)
    if hidden:
        raise Forbidden(f"{hidden} document(s) of this transfer are above your clearance; "
                        "someone cleared for them writes the bag", code="above_clearance")
    return BagInfo(source_organization=source_organization, transfer=transfer,
                   bagging_date=bagging_date)


@dataclass
class Bag:
    """The files of one bag as they are written: for each document its original (checked
    by the writer as it goes, ``checked_original``, then ``original_written``), its page
    texts and metadata
    (``document_files``); the tag files last (``tag_files``)."""

    info: BagInfo
    hashes: dict[str, str] = field(default_factory=dict)
    """Path inside the bag → SHA-256, what the manifest lists."""
    octets: int = 0

    @property
    def name(self) -> str:
        """The top directory of the serialized bag."""
        return f"transfer-{UNSAFE.sub('_', self.info.transfer.transfer_id)}"

    @staticmethod
    def original_path(record: DocumentRecord) -> PurePosixPath:
        return _folder(record) / f"original{_extension(record)}"

    def original_written(self, record: DocumentRecord) -> None:
        """Record the original as written whole, its bytes checked to be the record's."""
        self._written(self.original_path(record), record.sha256, record.size_bytes)

    def document_files(self, record: DocumentRecord, pages: Iterable[TextPage]
                       ) -> list[tuple[PurePosixPath, bytes]]:
        """The page texts and the catalogue record (JSON, CSV) of ``record``."""
        folder = _folder(record)
        listed = msgspec.to_builtins(record)
        metadata = {name: listed.get(name) for name in METADATA_FIELDS}
        files = [(folder / "pages" / f"{page.number:04d}.txt", page.text.encode())
                 for page in pages]
        files.append((folder / "metadata.json",
                      json.dumps(metadata, ensure_ascii=False, indent=2).encode()))
        files.append((folder / "metadata.csv", csv_bytes(CSV_FIELDS, [_csv_row(metadata)])))
        for path, content in files:
            self._written(path, hashlib.sha256(content).hexdigest(), len(content))
        return files

    def tag_files(self) -> list[tuple[str, bytes]]:
        """bagit.txt, bag-info.txt and the two manifests, once every payload file is."""
        transfer = self.info.transfer
        files = [("bagit.txt", BAGIT_TXT), ("bag-info.txt", _lines(
            f"{label}: {value}" for label, value in (
                ("Source-Organization", self.info.source_organization),
                ("Bagging-Date", self.info.bagging_date.isoformat()),
                ("External-Identifier", transfer.transfer_id),
                ("External-Description", f"transfer out (移出) to {transfer.recipient}: "
                                         f"{transfer.reason}"),
                ("Contact-Name", transfer.transferred_by),
                ("Transferred-At", msgspec.to_builtins(transfer.transferred_at)),
                ("Document-Count", str(len(transfer.documents))),
                ("Payload-Oxum", f"{self.octets}.{len(self.hashes)}"),
            ))), ("manifest-sha256.txt", _lines(
                f"{digest}  {path}" for path, digest in sorted(self.hashes.items())))]
        files.append(("tagmanifest-sha256.txt", _lines(
            f"{hashlib.sha256(content).hexdigest()}  {name}" for name, content in files)))
        return files

    def _written(self, path: PurePosixPath, sha256: str, size: int) -> None:
        self.hashes[str(path)] = sha256
        self.octets += size


class Source(Protocol):
    """Where a bag's contents are read from: a document's original, in pieces, and its
    page texts."""

    def original(self, record: DocumentRecord) -> AsyncGenerator[bytes]: ...

    async def pages(self, record: DocumentRecord) -> list[TextPage]: ...


@dataclass(frozen=True)
class IngestSource:
    """The originals and texts as ingest gives them to ``token``'s user."""

    ingest: IngestClient
    token: str

    async def original(self, record: DocumentRecord) -> AsyncGenerator[bytes]:
        upstream = await self.ingest.original(self.token, record.document_id)
        try:
            async for piece in upstream.aiter_raw():
                yield piece
        finally:
            await upstream.aclose()

    async def pages(self, record: DocumentRecord) -> list[TextPage]:
        try:
            return (await self.ingest.document_text(record.document_id,
                                                    token=self.token)).pages
        except NotFound as exc:
            if exc.code == "no_text":  # nothing extracted: the bag has no page texts for it
                return []
            raise


async def tar_stream(info: BagInfo, source: Source) -> AsyncIterator[bytes]:
    """The bag as one tar, sent as ``source`` gives it: never more than one piece of an
    original in memory. An original that is not the catalogue's raises
    ``OriginalAltered`` before its tar entry is complete and before any manifest, as
    does any failure to read from ``source``: whoever reads the stream gets a broken
    download, never a bag."""
    bag = Bag(info)
    top = PurePosixPath(bag.name)
    yield _header(top, 0, tarfile.DIRTYPE)
    try:
        for record in info.transfer.documents:
            async with aclosing(_document(bag, top, record, source)) as pieces:
                async for piece in pieces:
                    yield piece
    except ArchiveError as exc:
        log.error("transfer %s: bag download stopped (%s): %s", info.transfer.transfer_id,
                  exc.code, exc.detail)
        raise
    for name, content in bag.tag_files():
        yield _entry(top / name, content)
    yield bytes(2 * TAR_BLOCK)


async def _document(bag: Bag, top: PurePosixPath, record: DocumentRecord, source: Source
                    ) -> AsyncGenerator[bytes]:
    yield _header(top / bag.original_path(record), record.size_bytes)
    async with aclosing(source.original(record)) as pieces, aclosing(checked_original(
            pieces, sha256=record.sha256, size_bytes=record.size_bytes,
            name=record.archive_no)) as checked:
        async for piece in checked:
            yield piece
    bag.original_written(record)
    yield _padding(record.size_bytes)
    for path, content in bag.document_files(record, await source.pages(record)):
        yield _entry(top / path, content)


def _header(path: PurePosixPath, size: int, kind: bytes = tarfile.REGTYPE) -> bytes:
    entry = tarfile.TarInfo(str(path))
    entry.type, entry.size, entry.mtime = kind, size, int(time.time())
    entry.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644
    return entry.tobuf(tarfile.PAX_FORMAT, "utf-8")


def _padding(size: int) -> bytes:
    return bytes(-size % TAR_BLOCK)


def _entry(path: PurePosixPath, content: bytes) -> bytes:
    return _header(path, len(content)) + content + _padding(len(content))


def _folder(record: DocumentRecord) -> PurePosixPath:
    return PurePosixPath("data", UNSAFE.sub("_", record.archive_no))


def _extension(record: DocumentRecord) -> str:
    suffix = PurePosixPath(record.original_filename or "").suffix.lower()
    if suffix and not UNSAFE.search(suffix[1:]):
        return suffix
    return mimetypes.guess_extension(record.media_type or "") or ".bin"


def _csv_row(metadata: dict[str, Any]) -> list[str]:
    location = metadata["location"] or {}
    return [_cell(location.get(column.removeprefix("location_"))
                  if column.startswith("location_") else metadata[column])
            for column in CSV_FIELDS]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value).lower() if isinstance(value, bool) else str(value)


def _lines(lines: Iterable[str]) -> bytes:
    # A tag value is one line: a reason typed with line breaks is folded onto it.
    return "".join(" ".join(line.split("\n")) + "\n" for line in lines).encode()
