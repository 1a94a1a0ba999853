"""The catalogue's rules, pure: archive numbers, what a filing says, what is audited when
read, and a new record.

Archive numbers (档号, D8) are unique, never reused, readable, by filing year:
``{year}-{category}-{household}-{NNNN}``, e.g. ``2024-correspondence-A-1201-0007``, counted
per (year, category, household). Company documents (no household, e.g. ``policy``) are
``{year}-{category}-{NNNN}``, e.g. ``2024-policy-0003``: a unit code always holds a hyphen
and a category never does, so the two forms cannot be confused. The counter row is
incremented in the filing transaction, so a rolled-back filing leaves no gap and two
concurrent filings wait for each other instead of taking the same number.

A correction of a document's filing year, category or household moves it to another
series (D11): it takes that series' next number, as filing does
(``DocumentsRepository.next_archive_no``), and keeps the one it had among its
``former_archive_nos``, which stays in its series for good (no gap, never reused).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import msgspec

from services.common.auth import Principal
from services.common.contracts.households import Occupancy
from services.common.contracts.registry import Action, DocumentRecord, NewDocument
from services.common.filing import Filed
from services.common.models import Category
from services.registry.access import is_restricted
from services.registry.households.rules import placed
from services.registry.schedule.rules import RetentionRules

COMPANY = ""
"""Counter key of company documents, which belong to no household."""


def series(year: int, category: str, household: str | None) -> str:
    """What one counter numbers: the archive number without its ``-NNNN``, e.g.
    ``2024-correspondence-A-1201`` (``household`` empty or None: a company series)."""
    return "-".join([str(year), category, *([household] if household else [])])


def archive_no(year: int, category: str, household: str | None, number: int) -> str:
    return f"{series(year, category, household)}-{number:04d}"


def split_archive_no(number: str) -> tuple[str, int] | None:
    """``2024-correspondence-A-1201-0007`` → (``2024-correspondence-A-1201``, 7); None
    for a string ``archive_no`` would not have written (no series, no number, 0, or digits
    not written as ``archive_no`` writes them)."""
    prefix, _, digits = number.rpartition("-")
    if not prefix or not (digits.isascii() and digits.isdigit()):
        return None
    value = int(digits)
    return (prefix, value) if value > 0 and digits == f"{value:04d}" else None


def series_of(record: DocumentRecord) -> str:
    """The series ``record``'s year, category and household name (D8)."""
    return series(record.filed_at.year, record.category, record.household)


def renumbered(before: DocumentRecord, after: DocumentRecord) -> bool:
    """D11: a correction from ``before`` to ``after`` moved the document to a series its
    archive number is not of (a correction back to its number's series keeps it)."""
    moved = series_of(after) != series_of(before)
    current = split_archive_no(before.archive_no)
    return moved and (current is None or current[0] != series_of(after))


CORRECTABLE = ("title", "category", "filed_at", "household", "security", "personal_info",
               "working", "location", "is_copy", "language")
"""The fields a correction may change (D6); a version records them all."""


def metadata_of(record: DocumentRecord) -> dict[str, object]:
    """The correctable fields of ``record``, as JSON values."""
    values: dict[str, object] = msgspec.to_builtins(
        {name: getattr(record, name) for name in CORRECTABLE})
    return values


VIEWING_WINDOW = timedelta(minutes=10)
"""O4: the reads of one document's content by one person within this window, asked as
part of a viewing in the staff pages (``AccessRequest.viewing``), are one entry."""


def awaits_scan(record: DocumentRecord) -> bool:
    """A paper file catalogued before it was scanned (registered with no pages and no
    reading, through the API): its original's upload brings them."""
    return record.pages == 0 and record.extraction is None and record.status != "destroyed"


def audited(principal: Principal, action: Action, record: DocumentRecord) -> bool:
    """O4: a user's content reads and downloads, and reads of restricted records."""
    if principal.is_service:
        return False
    return action in ("read_text", "download") or (action == "read" and is_restricted(record))


def new_record(new: NewDocument, filed: Filed, category: Category, household: str | None,
               occupancy: Occupancy | None, filer: str, now: datetime, *, number: str,
               rules: RetentionRules) -> DocumentRecord:
    """The first version of a filed document (``filed``: its fields that have a default,
    as said or defaulted), in ``occupancy``'s part of the file (its retention start and
    due date as the schedule gives them there, ``placed``)."""
    record = DocumentRecord(
        document_id=str(uuid.uuid4()), archive_no=number, sha256=new.sha256,
        household=household, occupancy_id=None,
        category=category, title=filed.title, filed_at=filed.filed_at,
        security=filed.security, personal_info=filed.personal_info, working=new.working,
        location=new.location, is_copy=new.is_copy,
        language=new.language or new.language_read, pages=new.pages,
        extraction=new.extraction, media_type=new.media_type, size_bytes=new.size_bytes,
        original_filename=new.original_filename, retention_class=rules.class_of(category),
        retention_start=filed.filed_at,
        disposal_due=rules.disposal_due(category, filed.filed_at),
        status="active", version=1, filed_by=filer, registered_at=now, updated_at=now,
    )
    return placed(record, occupancy, rules)
