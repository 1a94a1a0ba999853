"""A transfer out (移出) as a BagIt bag (RFC 8493, BagIt 1.0), readable by any BagIt tool.

    bagit.txt               BagIt-Version 1.0, UTF-8 tag files
    bag-info.txt            source organisation, date, transfer, recipient, counts,
                            Payload-Oxum
    manifest-sha256.txt     every payload file's SHA-256
    tagmanifest-sha256.txt  the tag files' SHA-256
    data/<archive_no>/      per document: ``original.<ext>`` (its SHA-256 is the
                            catalogue's ``sha256``), ``pages/0001.txt``… (the page
                            texts), ``metadata.json`` (the catalogue record) and
                            ``metadata.csv`` (the same, one row)

The bag is written into ``<out>.partial`` and renamed to ``out`` once complete, so an
interrupted export never leaves something that looks like a finished bag; run it again.
A directory name is made from the archive number (server-made; anything but letters,
digits, ``.``, ``_`` and ``-`` becomes ``_``), never from what a user typed.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

import click

from services.cli.client import Api
from services.common.spreadsheet import csv_bytes

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
METADATA_FIELDS = ("document_id", "archive_no", "household", "category", "title",
                   "filed_at", "security", "personal_info", "retention_class",
                   "disposal_due", "pages", "media_type", "size_bytes", "original_filename",
                   "sha256", "location", "is_copy", "language", "status")


@dataclass(frozen=True)
class BagInfo:
    source_organization: str
    transfer: dict[str, Any]
    bagging_date: date


@dataclass
class Payload:
    """What the manifest lists: path inside the bag → SHA-256, and the octets."""

    hashes: dict[str, str]
    octets: int = 0

    def add(self, root: Path, relative: PurePosixPath, content: bytes) -> None:
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        self.written(relative, hashlib.sha256(content).hexdigest(), len(content))

    def written(self, relative: PurePosixPath, sha256: str, size: int) -> None:
        self.hashes[str(relative)] = sha256
        self.octets += size


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
    payload = Payload(hashes={})
    for record in info.transfer["documents"]:
        _document(api, partial, payload, record)
        advance()
    _tag_files(partial, info, payload)
    partial.rename(out)
    return out


def _document(api: Api, root: Path, payload: Payload, record: dict[str, Any]) -> None:
    folder = PurePosixPath("data", UNSAFE.sub("_", record["archive_no"]))
    original = folder / f"original{_extension(record)}"
    (root / original).parent.mkdir(parents=True, exist_ok=True)
    sha256, size = api.download(f"/ingest/documents/{record['document_id']}/original",
                                root / original)
    if sha256 != record["sha256"]:
        raise click.ClickException(
            f"the original of {record['archive_no']} does not match the catalogue's SHA-256; "
            "run 'archive fixity' and resolve it before transferring")
    payload.written(original, sha256, size)
    text = api.json("GET", f"/ingest/documents/{record['document_id']}/text")
    for page in text["pages"]:
        payload.add(root, folder / "pages" / f"{int(page['number']):04d}.txt",
                    str(page["text"]).encode())
    metadata = {name: record.get(name) for name in METADATA_FIELDS}
    payload.add(root, folder / "metadata.json",
                json.dumps(metadata, ensure_ascii=False, indent=2).encode())
    payload.add(root, folder / "metadata.csv",
                csv_bytes(METADATA_FIELDS, [[_cell(metadata[name]) for name in METADATA_FIELDS]]))


def _extension(record: dict[str, Any]) -> str:
    suffix = PurePosixPath(record.get("original_filename") or "").suffix.lower()
    if suffix and not UNSAFE.search(suffix[1:]):
        return suffix
    return mimetypes.guess_extension(record.get("media_type") or "") or ".bin"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value).lower() if isinstance(value, bool) else str(value)


def _tag_files(root: Path, info: BagInfo, payload: Payload) -> None:
    transfer = info.transfer
    (root / "bagit.txt").write_bytes(BAGIT_TXT)
    _write_lines(root / "bag-info.txt", (f"{label}: {value}" for label, value in (
        ("Source-Organization", info.source_organization),
        ("Bagging-Date", info.bagging_date.isoformat()),
        ("External-Identifier", transfer["transfer_id"]),
        ("External-Description", f"transfer out (移出) to {transfer['recipient']}: "
                                 f"{transfer['reason']}"),
        ("Contact-Name", transfer["transferred_by"]),
        ("Transferred-At", transfer["transferred_at"]),
        ("Document-Count", str(len(transfer["documents"]))),
        ("Payload-Oxum", f"{payload.octets}.{len(payload.hashes)}"),
    )))
    _write_lines(root / "manifest-sha256.txt",
                 (f"{digest}  {path}" for path, digest in sorted(payload.hashes.items())))
    _write_lines(root / "tagmanifest-sha256.txt", (
        f"{hashlib.sha256((root / name).read_bytes()).hexdigest()}  {name}"
        for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")))


def _write_lines(path: Path, lines: Iterable[str]) -> None:
    # A tag value is one line: a reason typed with line breaks is folded onto it.
    path.write_text("".join(" ".join(line.split("\n")) + "\n" for line in lines),
                    encoding="utf-8")
