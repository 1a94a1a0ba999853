"""Page previews for documents filed before previews were made (``archive derive``).

``Deriver.derive`` SHALL, for one document:
1. answer as if it did not exist when the caller may not know it exists (the registry
   decides: the caller's clearance), and refuse a destroyed one (409 ``destroyed``);
2. with ``missing``, skip it when every page's preview and thumbnail and their list are
   stored (a text-layer page's listed ``on_view`` need not be), so a re-run of
   ``archive derive --missing`` continues where the last stopped;
3. decode the original's pages again in an extraction process, without OCR, writing
   each page's preview turned as its current reading turned it, and give text-layer
   pages without character boxes their text layer's (``derive_pages``); a text-layer
   page's preview is only listed, as at ingest, and made on its first view;
4. store the previews and, when boxes were added, the page texts with them, both only if
   the text was not read again meanwhile (``archive reocr`` stores its own previews, with
   its own boxes). The text is the same text: no new version.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Protocol

from services.common.contracts.ingest import DeriveRequest, DeriveResult
from services.common.contracts.registry import DocumentRecord
from services.common.errors import Conflict, NotFound
from services.common.objectstore import ObjectStore
from services.ingest.derived import DerivedText, copy_to_file, fetch_original, scratch_directory
from services.ingest.extraction import ExtractionLimits
from services.ingest.models import pages_key
from services.ingest.pool import DeriveTask, ExtractionPool
from services.ingest.previews import DerivedPreviews


class DeriveCatalogue(Protocol):
    """The registry: which documents the caller may know exist (with their token), and
    the catalogue record (with ingest's service token)."""

    async def visible(self, user_token: str, document_ids: list[str]) -> set[str]: ...

    async def get_document(self, document_id: str) -> DocumentRecord: ...


class Deriver:
    """Makes page previews again from originals, in the extraction processes."""

    def __init__(self, store: ObjectStore, registry: DeriveCatalogue, pool: ExtractionPool,
                 *, limits: ExtractionLimits, scratch_dir: Path, revising: asyncio.Lock
                 ) -> None:
        self.store = store
        self.registry = registry
        self.texts = DerivedText(store)
        self.previews = DerivedPreviews(store)
        self.pool = pool
        self.limits = limits
        self.scratch_dir = scratch_dir
        self.revising = revising
        """Held while page texts are revised (``Rereader.revising``)."""

    async def derive(self, user_token: str, document_id: str, request: DeriveRequest
                     ) -> DeriveResult:
        """Steps in the module docstring. Raises ``NotFound`` (``unknown_document``,
        ``no_text``), ``Conflict`` (``destroyed``), ``PermanentJobError`` (the original
        is missing or cannot be decoded) and ``DependencyUnavailable``."""
        if document_id not in await self.registry.visible(user_token, [document_id]):
            raise NotFound("no such document", code="unknown_document")
        record = await self.registry.get_document(document_id)
        if record.status == "destroyed":
            raise Conflict(f"{record.archive_no} was destroyed; it has no pages to show",
                           code="destroyed")
        if record.pages == 0 or (
                request.missing and not (await self.previews.missing(record.sha256,
                                                                     record.pages)).keys):
            return DeriveResult(document_id=document_id, status="skipped", pages=record.pages)
        async with scratch_directory(self.scratch_dir, "derive") as work:
            return await self._derive(record, work)

    async def _derive(self, record: DocumentRecord, work: Path) -> DeriveResult:
        sha256 = record.sha256
        if await self.store.head(pages_key(sha256)) is None:
            raise NotFound("the document has no page texts to show beside previews; run "
                           "the fixity check", code="no_text")
        version = await self.texts.current_version(sha256)
        task = DeriveTask(original=work / "original", pages_in=work / "pages-in.jsonl",
                          pages_out=work / "pages.jsonl", previews_out=work / "previews",
                          limits=self.limits)
        await fetch_original(self.store, sha256, task.original)
        await copy_to_file(self.store, pages_key(sha256), task.pages_in)
        derived = await self.pool.derive(task)
        async with self.revising:
            if await self.texts.current_version(sha256) == version:
                await self.previews.save(sha256, task.previews_out)
                if derived.boxes_added:
                    await self.texts.save(sha256, task.pages_out)
        return DeriveResult(document_id=record.document_id, status="derived",
                            pages=derived.pages, boxes_added=derived.boxes_added)

