"""Scans an earlier release filed without attaching them (``archive derive --missing``).

Before the registry attached a scan to the record of a paper file catalogued before it
(``CatalogueService._attach_scan``), ingest filed the upload of its original as that
record and the record kept 0 pages and no text; uploading the bytes again is answered as
a duplicate and never reaches the registry. ``ScanAttacher.attach`` SHALL:
1. ask the registry once which records still await their scan; when none does (the
   archive of an upgrade with nothing to repair), stop there;
2. of their originals, take those whose job ingest finished (one query);
3. file each again with the registry as its job did, with the page texts it stored (not
   read again): the registry attaches the scan; a record attached meanwhile comes back
   unchanged, and one corrected since the upload is attached as corrected when an earlier
   version of it said what the upload said (its versions keep the correction), which is
   how every upload since the registry compared them was filed. One the upload says
   otherwise than any version of is refused (``filed_differently``) and named with what
   the upload said and what to do (``not_attached``), the others carried on.
"""

from __future__ import annotations

import logging
from typing import Protocol

import msgspec

from services.common.contracts.ingest import ScansAttached
from services.common.contracts.registry import NewDocument, Registration
from services.common.errors import ArchiveError, BadRequest, Conflict
from services.common.objectstore import ObjectStore
from services.ingest.derived import DerivedText
from services.ingest.jobs import JobQueue
from services.ingest.models import UploadMetadata
from services.ingest.worker import job_payload, registration_of

log = logging.getLogger("archive.ingest")


class ScanCatalogue(Protocol):
    """The registry, with ingest's service token."""

    async def awaiting_scan(self) -> list[str]: ...

    async def register_document(self, new: NewDocument) -> Registration: ...


class ScanAttacher:
    def __init__(self, queue: JobQueue, store: ObjectStore, registry: ScanCatalogue) -> None:
        self.queue = queue
        self.derived = DerivedText(store)
        self.registry = registry

    async def attach(self) -> ScansAttached:
        """Steps in the module docstring."""
        awaiting = await self.registry.awaiting_scan()
        if not awaiting:
            return ScansAttached(attached=0, refused=[])
        attached, refused = 0, []
        for job in await self.queue.done_for(awaiting):
            payload = job_payload(job)
            extracted = await self.derived.extracted(job.sha256,
                                                     language=payload.metadata.language)
            if extracted is None:  # its text is gone: the fixity check reports it
                refused.append(f"document {job.document_id}: its page texts are not stored; run "
                               "'archive fixity'")
                continue
            try:
                registration = await self.registry.register_document(
                    registration_of(job, payload, extracted))
            except (BadRequest, Conflict) as exc:  # refused by the registry (D11, R6)
                refused.append(not_attached(job.document_id, payload.metadata, exc))
                continue
            log.info("the scan of %s (%d pages) attached to its record, catalogued before it",
                     registration.document.archive_no, registration.document.pages)
            attached += 1
        return ScansAttached(attached=attached, refused=refused)


def not_attached(document_id: str | None, said: UploadMetadata, exc: ArchiveError) -> str:
    """Why the registry would not attach a scan, and what the archivist does about it."""
    fields = exc.extra.get("fields")
    if exc.code != "filed_differently" or not isinstance(fields, list):
        return f"document {document_id}: {exc.detail}"
    record = f"{exc.extra.get('archive_no')} (document {document_id})"
    upload = "; ".join(f"{name} {_as_said(getattr(said, name, None))}" for name in fields)
    return (f"{record}: its scan was uploaded saying {upload}, which no version of its "
            "record ever said, so it is not attached: which is right is not guessed. "
            f"Compare them on the document's page (/ui/documents/{document_id}). If the "
            "upload is right, correct the record to say so (更正著录 there, or POST "
            f"/registry/documents/{document_id}/corrections; a household once a "
            "Department Head approves, D11), then run 'archive derive --missing' again. "
            "If the record is right, the scan is still its original (the same bytes): "
            "correct the record to what the upload said, run 'archive derive --missing', "
            "then correct it back, each with its reason; both corrections stay in its "
            "history")


def _as_said(value: object) -> str:
    """A field's value as an upload said it (a paper location as building/room/cabinet/box)."""
    plain = msgspec.to_builtins(value)
    if isinstance(plain, dict):
        return "/".join(str(part) for part in plain.values())
    return str(plain)
