"""A person's correction of one page's text (校对), from the review page: a new text version.

``PageCorrector.correct`` SHALL, for one page of one document:
1. refuse it as the registry refuses reading the document's text with the caller's own
   token (``NotFound`` for a document the caller may not know of, as for a missing one),
   and refuse a destroyed document, a page past the last and a reason of only spaces;
2. make the corrected text the page's current text, read by a person (confidence 100, no
   longer needing review; the OCR's word boxes describe the old reading and stay with it),
   keeping the text it replaces as the older version (``DerivedText.revise``, D6);
3. tell the registry (``announce``: the review queue and search follow it, O4 audits it).
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from pathlib import Path

import msgspec

from services.common.auth import Principal
from services.common.clock import Clock
from services.common.contracts.ingest import PageCorrected, PageCorrection
from services.common.errors import NotFound, ValidationFailed
from services.common.objectstore import ObjectStore
from services.ingest.derived import DerivedText
from services.ingest.extraction import PageText
from services.ingest.models import TextVersion
from services.ingest.reocr import TextRecorder, announce, text_reader_record

READ_BY_A_PERSON = 100.0


class PageCorrector:
    """Records people's corrections of page texts, one text version each."""

    def __init__(self, store: ObjectStore, registry: TextRecorder, clock: Clock, *,
                 scratch_dir: Path, revising: asyncio.Lock) -> None:
        self.store = store
        self.registry = registry
        self.derived = DerivedText(store)
        self.clock = clock
        self.scratch_dir = scratch_dir
        self.revising = revising
        """Held while page texts are revised (``Rereader.revising``)."""

    async def correct(self, principal: Principal, user_token: str, document_id: str,
                      number: int, correction: PageCorrection) -> PageCorrected:
        """Steps in the module docstring. Raises ``NotFound`` (``unknown_document``,
        ``unknown_page``, ``no_text``), ``Conflict`` (``destroyed``) and
        ``ValidationFailed`` (``reason_required``)."""
        if not correction.reason.strip():
            raise ValidationFailed("say why the text was corrected", code="reason_required")
        record = await text_reader_record(self.registry, user_token, document_id)
        work = self.scratch_dir / f"correct-{uuid.uuid4().hex}"
        await asyncio.to_thread(work.mkdir, parents=True)
        try:
            async with self.revising:
                pages = [page async for page in self.derived.pages(record.sha256)]
                if not any(page.number == number for page in pages):
                    raise NotFound(f"the document has {len(pages)} pages, not a page {number}",
                                   code="unknown_page")
                corrected = [_corrected(page, correction.text) if page.number == number
                             else page for page in pages]
                pages_file = work / "pages.jsonl"
                await asyncio.to_thread(pages_file.write_bytes, b"".join(
                    msgspec.json.encode(page) + b"\n" for page in corrected))
                version = await self.derived.revise(record.sha256, pages_file, TextVersion(
                    version=1, engine=None, reason=correction.reason.strip(),
                    recorded_by=principal.username, recorded_at=self.clock.now()))
                await announce(self.registry, self.derived, record, version)
        finally:
            await asyncio.to_thread(shutil.rmtree, work, ignore_errors=True)
        return PageCorrected(document_id=document_id, number=number,
                             text_version=version.version,
                             pages_needing_review=[page.number for page in corrected
                                                   if page.needs_review])


def _corrected(page: PageText, text: str) -> PageText:
    return msgspec.structs.replace(page, text=text, confidence=READ_BY_A_PERSON,
                                   needs_review=False, words=(), lines=())
