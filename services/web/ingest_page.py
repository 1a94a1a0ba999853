"""The digitising page (``/ui/ingest``): files, a folder or a manifest with its files,
uploaded into a batch (上传批次) that ingest keeps, then each file's progress.

``plan`` decides what each chosen file is filed as: its manifest row when the manifest
names it (the manifest parser is the command line's, ``services.common.manifest``), else
the form's defaults (household, category, date, security, location; the title is the
file's name, which ingest gives it). What cannot be uploaded at all (a bad row, a file
the manifest names but that was not chosen) is recorded in the batch as refused, with
the reason, so the batch tells the whole story when someone comes back to it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import PurePosixPath
from typing import Any

from services.common.auth import Principal
from services.common.contracts.households import Household
from services.common.contracts.ingest import Batch, BatchFile
from services.common.filing import FILERS
from services.common.manifest import (
    ManifestRow,
    RowProblem,
    filing_day,
    location_of,
    upload_metadata,
)
from services.common.models import CATEGORY_NAMES, HOUSEHOLD_RE, SECURITY_LEVEL_NAMES
from services.common.names import tidied_category, tidied_household
from services.web.document_page import FIELD_NAMES
from services.web.links import INGEST_PATH, document_review_url, document_url
from services.web.record_correction import CORRECTION_ANCHOR

STATUS_NAMES = {"queued": "排队中", "running": "正在识别", "done": "完成", "failed": "失败",
                "duplicate": "重复（已归档）", "refused": "未接收"}
"""A file's state, in words."""

CATEGORY_CHOICES = [(str(code), name) for code, name in CATEGORY_NAMES.items()]
SECURITY_CHOICES = [(str(code), name) for code, name in SECURITY_LEVEL_NAMES.items()]


DEFAULT_FIELDS = ("household", "category", "filed_at", "security", "location")
"""The form's fields that ``Defaults`` are read from."""


@dataclass(frozen=True)
class Defaults:
    """The form's values for files the manifest does not describe. A value the form
    shows at first (the filing date today, security 普通) is empty: the upload leaves it
    out, as the command line leaves out an option not given, so ingest takes its default
    and compares a re-upload of a file already filed only on what the archivist said."""

    household: str = ""
    category: str = ""
    filed_at: str = ""
    security: str = ""
    location: dict[str, str] | None = None
    """The paper location (D7), read once from the form (``defaults_of``)."""


def defaults_of(values: Mapping[str, str], *, today: date) -> Defaults:
    """The form's defaults from its ``DEFAULT_FIELDS`` as typed (``today``: the date the
    form shows at first); ``RowProblem`` for a paper location that is not
    ``building/room/cabinet/box`` (``invalid_location``) or a filing date that is no day
    or not yet (``filing_day``'s codes): the form is refused once, before any file is
    sent, not each file after."""
    location = values.get("location", "").strip()
    filed_at = values.get("filed_at", "").strip()
    security = values.get("security", "")
    try:
        paper_location = location_of(location) if location else None
    except ValueError as exc:
        raise RowProblem(str(exc), code="invalid_location", value=location) from exc
    return Defaults(household=values.get("household", ""),
                    category=values.get("category", ""),
                    filed_at="" if filed_at in ("", today.isoformat())
                    else filing_day(filed_at, today=today),
                    security="" if security == "ordinary" else security,
                    location=paper_location)


@dataclass(frozen=True)
class Asked:
    """The household and category the page's address fills the form with
    (``/ui/ingest?household=B-0502&category=repair``, as the household page links to it),
    read as the form's own values are (``b0502`` is ``B-0502``, 维修 is ``repair``), and
    what the upload would say of them: ``problem`` ``invalid_household`` (refused) or
    ``unknown_category`` (not chosen); ``file`` the household's file when the reader knows
    of one (else ``new_household``: filing under the code opens it, D1)."""

    household: str = ""
    category: str = ""
    """A category code, or as the address wrote it when it names none (``problem``)."""
    problem: str = ""
    file: Household | None = None

    @property
    def new_household(self) -> bool:
        return bool(self.household) and not self.problem and self.file is None


def is_unit_code(household: str) -> bool:
    """Whether a household as typed (tidied: ``b0502`` is ``B-0502``) is empty (a company
    document) or a unit code ingest takes; else every file sent with it is refused
    (``invalid_household``), so the form is refused once instead, before any is sent."""
    return not household or bool(HOUSEHOLD_RE.match(tidied_household(household)))


def asked_of(household: str, category: str) -> Asked:
    """What the address asks for, before the registry is asked whether the household has a
    file (``Asked.file``); a value too long for its field is cut as the field would."""
    code = tidied_household(household[:64])
    chosen = tidied_category(category[:64])
    if not is_unit_code(code):
        return Asked(household=code, category=chosen if chosen in CATEGORY_NAMES else "",
                     problem="invalid_household")
    if chosen and chosen not in CATEGORY_NAMES:
        return Asked(household=code, category=chosen, problem="unknown_category")
    return Asked(household=code, category=chosen)


@dataclass(frozen=True)
class Planned:
    """A chosen file to upload (``upload`` is its index among the files sent) with its
    metadata, or a file refused before upload (``error_code``, ``error``; for a manifest
    row, its ``line`` and the ``value`` written there that is wrong)."""

    filename: str
    upload: int | None
    metadata: dict[str, Any]
    error_code: str = ""
    error: str = ""
    line: int | None = None
    value: str = ""


def _names_match(chosen: str, listed: str) -> bool:
    """Whether a chosen file is the one a manifest row lists relative to the manifest (as
    the command line reads it). A folder's files arrive named by their path under the
    chosen folder (``scans/a/1.png`` is ``a/1.png`` of a manifest in ``scans``); files
    chosen one by one arrive by their bare name (``1.png``), which is the listed file of
    that name wherever the manifest puts it (``扫描/1.png``)."""
    chosen_path, listed_path = PurePosixPath(chosen), PurePosixPath(listed)
    if len(chosen_path.parts) == 1:
        return chosen_path.name == listed_path.name
    return chosen_path.parts[-len(listed_path.parts):] == listed_path.parts


def plan(filenames: list[str], rows: list[ManifestRow] | None, defaults: Defaults
         ) -> list[Planned]:
    """What to do with each chosen file (and each manifest row), in order. A row is paired
    with the one chosen file that matches it and no other row; when several could be
    (two chosen files named alike, two rows naming one file) nothing is guessed: the row
    is refused (``ambiguous_file``), saying which."""
    rows = rows or []
    candidates = [[index for index, chosen in enumerate(filenames)
                   if _names_match(chosen, row.path)] for row in rows]
    claimed = Counter(index for found in candidates for index in found)
    planned: list[Planned] = []
    for row, found in zip(rows, candidates, strict=True):
        planned.append(_planned_row(row, found, filenames, claimed))
    used = set(claimed)  # a file a row names is never sent with the defaults instead
    planned += [_with_defaults(index, filename, defaults)
                for index, filename in enumerate(filenames) if index not in used]
    return planned


def _planned_row(row: ManifestRow, found: list[int], filenames: list[str],
                 claimed: Counter[int]) -> Planned:
    name = row.path or f"line {row.line}"
    refused = partial(Planned, filename=name, upload=None, metadata={}, line=row.line)
    if row.problem:
        return refused(error_code=row.problem_code or "manifest_row",
                       error=f"manifest line {row.line}: {row.problem}",
                       value=row.problem_value)
    if not found:
        return refused(error_code="missing_file", value=row.path,
                       error=f"manifest line {row.line} names {row.path}, "
                             "which was not among the chosen files")
    if len(found) > 1:
        return refused(error_code="ambiguous_file", value=row.path,
                       error=f"manifest line {row.line} names {row.path}, which could be "
                             f"any of the chosen files {', '.join(filenames[i] for i in found)}; "
                             "choose their folder instead, whose paths tell them apart")
    if claimed[found[0]] > 1:
        return refused(error_code="ambiguous_file", value=row.path,
                       error=f"manifest line {row.line} names {row.path}, and other lines "
                             f"name the chosen file {filenames[found[0]]} too; list each "
                             "file once")
    return Planned(filename=filenames[found[0]], upload=found[0], metadata=row.metadata)


def _with_defaults(index: int, filename: str, defaults: Defaults) -> Planned:
    if not defaults.category:
        return Planned(filename=filename, upload=None, metadata={},
                       error_code="category_required", error="no category was chosen")
    # No title: ingest titles the file by its name, and does not compare that name with
    # the title of a file already filed.
    metadata = upload_metadata(household=tidied_household(defaults.household) or None,
                               category=defaults.category, filed_at=defaults.filed_at or None,
                               security=defaults.security or None)
    if defaults.location:
        metadata["location"] = dict(defaults.location)
    return Planned(filename=filename, upload=index, metadata=metadata)


def may_file(principal: Principal) -> bool:
    """Whether the digitising page exists for ``principal`` (else: the not-found page)."""
    return principal.has_role(*FILERS)


@dataclass(frozen=True)
class FileLine:
    file: BatchFile
    status: str
    document_url: str | None
    reading: tuple[int, int] | None
    """While read: the page being read and how many there are (once known)."""
    fields: list[str]
    """Refused as filed otherwise (``filed_differently``): what the upload said otherwise
    than the document filed, by the labels the record shows."""
    correction_url: str = ""
    """Where that document's record is corrected: its page's form (更正著录, D6)."""
    review_url: str = ""
    """The review page on that document's pages still waiting (the batch's count is of
    its reading; they may have been corrected or read again since)."""


def reading(file: BatchFile) -> tuple[int, int] | None:
    if file.status != "running" or not file.pages_total:
        return None
    return min((file.pages_read or 0) + 1, file.pages_total), file.pages_total


@dataclass(frozen=True)
class BatchView:
    batch: Batch
    url: str
    fragment_url: str
    lines: list[FileLine]


def batch_view(batch: Batch) -> BatchView:
    lines = [FileLine(file=file, status=STATUS_NAMES.get(file.status, file.status),
                      document_url=document_url(file.document_id)
                      if file.document_id else None, reading=reading(file),
                      fields=[FIELD_NAMES.get(name, name) for name in file.fields or []],
                      correction_url=document_url(file.document_id) + CORRECTION_ANCHOR
                      if file.document_id else "",
                      review_url=document_review_url(file.document_id)
                      if file.document_id else "")
             for file in batch.files]
    return BatchView(batch=batch, url=f"{INGEST_PATH}?batch={batch.batch_id}",
                     fragment_url=f"{INGEST_PATH}/batches/{batch.batch_id}", lines=lines)
