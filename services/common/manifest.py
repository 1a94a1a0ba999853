"""The batch manifest (interface.md): a UTF-8 CSV with the header
``path,household,category,title,filed_at,security`` (+ optional
``personal_info,location,language``), one file a row. Read here for every caller, the
command line (``archive ingest --manifest``) and the digitising page alike.

A bad row is that row's problem (a sentence naming the line), never the batch's; only a
header without the needed columns refuses the whole manifest (``ManifestRefused``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MANIFEST_COLUMNS = ("path", "household", "category", "title", "filed_at", "security")
OPTIONAL_COLUMNS = ("personal_info", "location", "language")
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "是"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "n", "否"})


class ManifestRefused(ValueError):
    """The header lacks a needed column; the message names them."""


@dataclass(frozen=True)
class ManifestRow:
    """One row: the file's path as written (relative to the manifest), the upload
    ``metadata`` (the form field's JSON object), or ``problem`` when the row is bad."""

    line: int
    path: str
    metadata: dict[str, Any]
    problem: str = ""


def read_manifest_rows(lines: Iterable[str]) -> list[ManifestRow]:
    """The manifest's rows, in order (``lines`` as a CSV reader takes them)."""
    reader = csv.DictReader(lines)
    missing = [c for c in MANIFEST_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ManifestRefused(f"the header lacks {', '.join(missing)}; it must be "
                              f"{','.join(MANIFEST_COLUMNS)}")
    rows = []
    for line, row in enumerate(reader, start=2):
        path = (row.get("path") or "").strip()
        try:
            rows.append(ManifestRow(line=line, path=path, metadata=_row_metadata(row)))
        except ValueError as exc:
            rows.append(ManifestRow(line=line, path=path, metadata={}, problem=str(exc)))
    return rows


def upload_metadata(*, household: str | None, category: str, title: str, filed_at: str,
                    security: str) -> dict[str, Any]:
    """The upload's ``metadata`` object from its required fields."""
    metadata: dict[str, Any] = {"category": category, "title": title, "filed_at": filed_at,
                                "security": security}
    if household:
        metadata["household"] = household
    return metadata


def location_of(text: str) -> dict[str, str]:
    """``building/room/cabinet/box`` (D7) as the metadata's ``location``."""
    parts = [part.strip() for part in text.split("/")]
    if len(parts) != 4 or not all(parts):
        raise ValueError("location must be building/room/cabinet/box, e.g. A栋/档案室/3/12")
    return dict(zip(("building", "room", "cabinet", "box"), parts, strict=True))


def _row_metadata(row: dict[str, str]) -> dict[str, Any]:
    values = {key: (row.get(key) or "").strip() for key in (*MANIFEST_COLUMNS,
                                                          *OPTIONAL_COLUMNS)}
    metadata = upload_metadata(household=values["household"] or None,
                               category=values["category"], title=values["title"],
                               filed_at=values["filed_at"],
                               security=values["security"] or "ordinary")
    flag = values["personal_info"].lower()
    if flag not in TRUE_WORDS | FALSE_WORDS:
        raise ValueError(f"personal_info must be true or false, not {flag!r}")
    metadata["personal_info"] = flag in TRUE_WORDS
    if values["location"]:
        metadata["location"] = location_of(values["location"])
    if values["language"]:
        metadata["language"] = values["language"]
    return metadata
