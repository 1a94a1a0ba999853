"""Who files documents and corrects them (D1, D6): one list of roles each, applied by
ingest's and the registry's routes and by the staff pages to decide which pages, forms and
navigation entries a person sees (the services decide every move again)."""

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
