"""The batch manifest (interface.md): a UTF-8 CSV with the header
``path,household,category,title,filed_at,security`` (+ optional
``personal_info,location,language``), one file a row. Read here for every caller, the
command line (``archive ingest --manifest``) and the digitising page alike.

Read as a manifest comes out of Excel too: GBK when UTF-8 does not decode (Excel on
Chinese Windows saves "CSV (逗号分隔)" so), a filing date Excel rewrote in the Chinese
short form (2024/5/18) or typed 2024年5月18日 read as the date it is, a path typed with
Windows' backslashes, and the blank rows Excel leaves below a table skipped.
A category or security level may be written as staff know it (``services.common.names``),
and the header in Chinese as an archivist titles the columns (文件, 户号, 类别, 标题,
归档日期, 密级; ``HEADER_NAMES``).

An empty cell is a value not given: the upload leaves it out (``upload_metadata``), so
the file takes its default, and a re-run of the manifest is compared with what is filed
only on the cells filled in.

A bad row is that row's problem (a sentence, and a code naming what is wrong), never the
batch's: a unit code is checked here as ingest and the registry check it (D1), so an
ill-formed or missing one is named by its line like any other bad value. Only a header
without the needed columns, or bytes that are no text, refuse the whole manifest
(``ManifestRefused``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import Any, TypeVar

from services.common.contracts.registry import LOCATION_PARTS
from services.common.errors import ValidationFailed
from services.common.models import checked_category, checked_household, checked_past_day
from services.common.names import (
    category_named,
    day_named,
    language_named,
    security_level_named,
    tidied_household,
    written,
)
from services.common.text import fold

MANIFEST_COLUMNS = ("path", "household", "category", "title", "filed_at", "security")
OPTIONAL_COLUMNS = ("personal_info", "location", "language")
HEADER_NAMES: dict[str, str] = {
    "文件": "path", "文件名": "path", "路径": "path", "文件路径": "path",
    "户号": "household", "房号": "household",
    "类别": "category", "分类": "category", "档案类别": "category",
    "标题": "title", "题名": "title",
    "归档日期": "filed_at", "日期": "filed_at",
    "密级": "security",
    "个人信息": "personal_info", "含个人信息": "personal_info",
    "位置": "location", "存放位置": "location", "原件位置": "location",
    "语言": "language", "文种": "language",
}
"""Column titles in Chinese (Simplified; Traditional folds to them) and the column each is."""
CHINESE_HEADER = "文件,户号,类别,标题,归档日期,密级"
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "是"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "n", "否"})


T = TypeVar("T")

ENCODINGS = ("utf-8-sig", "gb18030")
"""UTF-8 (with or without Excel's byte-order mark), else GB18030, of which Excel's GBK
is a part."""


class ManifestRefused(ValueError):
    """The header lacks a needed column (the message names them), or the bytes are no
    text (``ManifestUnreadable``)."""


class ManifestUnreadable(ManifestRefused):
    """Neither UTF-8 nor GBK."""


class RowProblem(ValueError):
    """A row's value that cannot be read: the message says how to write it; ``code``
    names which (``unknown_category``, ``invalid_date``, …) and ``value`` is what was
    written (blank for a value missing), for a page to say it in its words."""

    def __init__(self, message: str, *, code: str, value: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.value = value


@dataclass(frozen=True)
class ManifestRow:
    """One row: the file's path as written (relative to the manifest), the upload
    ``metadata`` (the form field's JSON object), or ``problem`` (and its ``problem_code``
    and the ``problem_value`` written) when the row is bad."""

    line: int
    path: str
    metadata: dict[str, Any]
    problem: str = ""
    problem_code: str = ""
    problem_value: str = ""


def left_out(relative_path: str) -> bool:
    """A file in a chosen folder that is not sent as a document: hidden (``.DS_Store``,
    ``.git/…``), or a CSV, a manifest (documents are PDFs and images; a manifest is given
    as one, or on the digitising page is the chosen folder's only one, ``is_manifest``)."""
    return _hidden(relative_path) or relative_path.lower().endswith(".csv")


def is_manifest(relative_path: str) -> bool:
    """A file in a chosen folder that is a manifest: a CSV, not hidden."""
    return relative_path.lower().endswith(".csv") and not _hidden(relative_path)


def _hidden(relative_path: str) -> bool:
    return any(part.startswith(".") for part in PurePosixPath(relative_path).parts)


def manifest_rows(data: bytes, *, today: date) -> list[ManifestRow]:
    """The rows of a manifest file's bytes; a row filed after ``today`` (the company's
    day) is a bad row (``date_in_future``), as ingest would refuse its upload."""
    return _read_rows(io.StringIO(_decoded(data), newline=""), today=today)


def _decoded(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ManifestUnreadable("it is neither UTF-8 nor GBK text; save it as CSV (in Excel: "
                             "CSV UTF-8, or CSV 逗号分隔) and use that")


def _read_rows(lines: Iterable[str], *, today: date) -> list[ManifestRow]:
    """The manifest's rows, in order (``lines`` as a CSV reader takes them)."""
    reader = csv.DictReader(lines)
    reader.fieldnames = [_column(title) for title in reader.fieldnames or []]
    missing = [c for c in MANIFEST_COLUMNS if c not in reader.fieldnames]
    if missing:
        raise ManifestRefused(f"the header lacks {', '.join(missing)}; it must be "
                              f"{','.join(MANIFEST_COLUMNS)} (or in Chinese {CHINESE_HEADER})")
    rows = []
    for line, row in enumerate(reader, start=2):
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue  # a blank row, as Excel leaves below a table (,,,,,)
        # A path typed on Windows (扫描\0001.pdf) names the same file as with "/".
        path = (row.get("path") or "").strip().replace("\\", "/")
        try:
            rows.append(ManifestRow(line=line, path=path, metadata=_row_metadata(row, today=today)))
        except RowProblem as problem:
            rows.append(ManifestRow(line=line, path=path, metadata={}, problem=str(problem),
                                    problem_code=problem.code, problem_value=problem.value))
    return rows


def _column(title: str) -> str:
    """The column a header cell titles: its name in any case, or its Chinese title."""
    folded = fold(title.strip())
    return HEADER_NAMES.get(folded, folded)


def upload_metadata(*, category: str, household: str | None = None,
                    title: str | None = None, filed_at: str | None = None,
                    security: str | None = None) -> dict[str, Any]:
    """The upload's ``metadata`` object with the fields given: one left empty is left
    out, so ingest files it with its default (the title the file's name, the filing
    date today, security ``ordinary``) and compares a re-upload only on what it says."""
    given = {"household": household, "title": title, "filed_at": filed_at,
             "security": security}
    return {"category": category} | {name: value for name, value in given.items() if value}


LOCATION_PATTERN = (r"[^\/]*[^\/\s][^\/]*(?:\/[^\/]*[^\/\s][^\/]*){3}"
                    r"|\s*[^\/\s]+(?:\s+[^\/\s]+){3}\s*")
"""A paper location as typed (D7): ``building/room/cabinet/box``, four parts none blank,
or the four parts apart by spaces as labels and catalogues print them (``A栋 档案室 12柜
3盒``). The digitising form gives it to the browser as its location field's ``pattern``
(a JavaScript expression with the ``v`` flag, hence each ``/`` escaped), so a typo stops
the form before its files are sent."""


def location_of(text: str) -> dict[str, str]:
    """``building/room/cabinet/box`` (D7), or its four parts apart by spaces as printed,
    as the metadata's ``location``."""
    if not re.fullmatch(LOCATION_PATTERN, text):
        raise ValueError("location must be building/room/cabinet/box, e.g. A栋/档案室/3/12, "
                         "or the four parts as labels print them, A栋 档案室 3柜 12盒")
    parts = text.split("/") if "/" in text else text.split()
    return dict(zip(LOCATION_PARTS,
                    [part.strip() for part in parts], strict=True))


def _read(code: str, read: Callable[[str], T], text: str) -> T:
    try:
        return read(text)
    except ValueError as exc:
        raise RowProblem(str(exc), code=code, value=text) from exc


def _flag(text: str) -> bool:
    flag = text.lower()
    if flag not in TRUE_WORDS | FALSE_WORDS:
        raise ValueError(f"personal_info must be true or false (是 or 否), not {text!r}")
    return flag in TRUE_WORDS


def _household(text: str, category: str) -> str | None:
    """The row's unit code as staff type it (``tidied_household``), kept by D1 as ingest and
    the registry keep it (``checked_household``), so an ill-formed or missing one is its
    row's problem, named by its line, and not a refusal of the upload naming none."""
    try:
        return checked_household(tidied_household(text) or None, checked_category(category))
    except ValidationFailed as exc:
        raise RowProblem(exc.detail, code=exc.code, value=text) from exc


def filing_day(text: str, *, today: date) -> str:
    """A filing date as typed (a row's, or the digitising form's default) as ISO, if it is
    a day (``invalid_date``) that has come (``checked_past_day``: ``date_in_future``), as
    ingest checks it at upload."""
    day = _read("invalid_date", day_named, text)
    try:
        checked_past_day(date.fromisoformat(day), "filed_at", today=today)
    except ValidationFailed as exc:
        raise RowProblem(exc.detail, code=exc.code, value=text) from exc
    return day


def _row_metadata(row: dict[str, str], *, today: date) -> dict[str, Any]:
    values = {key: written(row.get(key) or "") for key in (*MANIFEST_COLUMNS,
                                                          *OPTIONAL_COLUMNS)}
    if not values["category"]:
        raise RowProblem("the row has no category", code="category_required")
    if not values["filed_at"]:
        raise RowProblem("the row has no filing date (filed_at)", code="date_required")
    category = _read("unknown_category", category_named, values["category"])
    metadata = upload_metadata(
        household=_household(values["household"], category), category=category,
        title=values["title"], filed_at=filing_day(values["filed_at"], today=today),
        security=_read("invalid_security", security_level_named, values["security"])
        if values["security"] else None)
    if values["personal_info"]:
        metadata["personal_info"] = _read("invalid_personal_info", _flag,
                                          values["personal_info"])
    if values["location"]:
        metadata["location"] = _read("invalid_location", location_of, values["location"])
    if values["language"]:
        metadata["language"] = _read("invalid_language", language_named, values["language"])
    return metadata
