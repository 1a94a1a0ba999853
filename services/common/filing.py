"""Who files documents and corrects them (D1, D6): one list of roles each, applied by
ingest's and the registry's routes and by the staff pages to decide which pages, forms and
navigation entries a person sees (the services decide every move again); what a filing
files for what it leaves out (``filing_defaults``, ``filed_as``); and when a filing of
bytes already filed says otherwise than their record (``filed_otherwise``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import Protocol

from services.common.contracts.registry import FilingDefaults
from services.common.errors import BadRequest
from services.common.models import SecurityLevel
from services.common.names import written

FILERS = ("archivist",)
"""Who uploads and files documents (数字化); ingest's service token files what they upload."""
JOB_READERS = ("archivist", "admin")
"""Who reads ingest's jobs: an upload's progress and why one failed."""
REREADERS = ("archivist", "admin")
"""Who has a document's pages read again (another OCR engine or language)."""
TEXT_CORRECTORS = ("archivist", "admin")
"""Who corrects a page's recognised text (校对); each correction is a new text version."""
RECORD_CORRECTORS = ("archivist",)
"""Who corrects a document's catalogue record (D6); lowering its protection waits for an
approval (D10)."""
FIXITY_CHECKERS = ("archivist", "compliance", "admin")
"""Who starts a fixity check of the originals and reads its runs."""

REFILED_FIELDS = ("household", "category", "title", "filed_at", "security", "personal_info",
                  "location", "language")
"""What a filing says about a document, in the order a refusal names them."""


class Said(Protocol):
    """What a filing says of the fields that have a default (an upload's metadata, a
    ``NewDocument``); ``None``: not said."""

    @property
    def title(self) -> str | None: ...
    @property
    def filed_at(self) -> date | None: ...
    @property
    def security(self) -> SecurityLevel | None: ...
    @property
    def personal_info(self) -> bool | None: ...


@dataclass(frozen=True)
class Filed:
    """What a first filing files of the fields that have a default (``filed_as``)."""

    title: str
    filed_at: date
    security: SecurityLevel
    personal_info: bool


def filing_defaults(*, filename: str | None, today: date) -> FilingDefaults:
    """What a filing files for what it leaves out, decided here only: the file's name
    without its extension as title (none from a name of blanks alone, ``　.pdf``),
    ``today`` as filing date, ``ordinary``, no personal information. Ingest decides them
    when a file is uploaded (its name, the day of the upload) and sends them apart from
    what the uploader said (``NewDocument.defaults``), so that they file a new document
    but are never compared with a filed one."""
    named = written(PurePosixPath(filename).stem or filename) if filename else ""
    return FilingDefaults(title=named or None, filed_at=today, security="ordinary",
                          personal_info=False)


def filed_as(said: Said, defaults: FilingDefaults) -> Filed:
    """What a first filing files: what ``said`` says, and ``defaults`` for what it leaves
    out; refused (400 ``invalid_metadata``) when neither gives a title."""
    title = said.title or defaults.title
    if not title:
        raise BadRequest("give a title (the file has no name to take it from)",
                         code="invalid_metadata")
    return Filed(
        title=title, filed_at=said.filed_at or defaults.filed_at,
        security=said.security or defaults.security,
        personal_info=defaults.personal_info if said.personal_info is None
        else said.personal_info)


def filed_otherwise(filing: object, record: object) -> list[str]:
    """The fields of ``REFILED_FIELDS`` that ``filing`` gives with another value than
    ``record``'s: filing the same bytes again (an upload to ingest, or the registry's own
    filing route) changes nothing, so one that says otherwise is refused
    (``filed_differently``), never dropped in silence. A field ``filing`` leaves out
    (``None``: a manifest's empty cell, a direct filing without a location) is not
    compared, nor is what nobody said: the defaults an upload takes for what it leaves
    out (a title from the file's name, today, ``ordinary``) travel apart
    (``NewDocument.defaults``), as does the language ingest's OCR read
    (``NewDocument.language_read``), so an upload that says neither is not refused for
    what a default or an engine gave. Both are compared as checked, as the registry files
    them (a unit code as A-1201, a category by its code)."""
    return [name for name in REFILED_FIELDS
            if (said := getattr(filing, name)) is not None and said != getattr(record, name)]
