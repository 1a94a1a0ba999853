"""Who files documents and corrects them (D1, D6): one list of roles each, applied by
ingest's and the registry's routes and by the staff pages to decide which pages, forms and
navigation entries a person sees (the services decide every move again); and when a
filing of bytes already filed says otherwise than their record (``filed_otherwise``).
"""

from __future__ import annotations

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


def filed_otherwise(filing: object, record: object) -> list[str]:
    """The fields of ``REFILED_FIELDS`` that ``filing`` gives with another value than
    ``record``'s: filing the same bytes again (an upload to ingest, or the registry's own
    filing route) changes nothing, so one that says otherwise is refused
    (``filed_differently``), never dropped in silence. A field ``filing`` leaves out
    (``None``: a manifest's empty cell, a direct filing without a location) is not
    compared, nor is what nobody said: the language ingest's OCR read travels apart
    (``NewDocument.language_read``), so an upload that says no language is not refused
    for the one an engine found. Both are compared as checked, as the registry files them
    (a unit code as A-1201, a category by its code)."""
    return [name for name in REFILED_FIELDS
            if (said := getattr(filing, name)) is not None and said != getattr(record, name)]
