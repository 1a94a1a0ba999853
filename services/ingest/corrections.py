"""A person's correction of one page's text (校对), from the review page: a new text version.

``PageCorrector.correct`` SHALL, for one page of one document:
1. refuse it as the registry refuses reading the document's text with the caller's own
   token (``NotFound`` for a document the caller may not know of, as for a missing one),
   and refuse a destroyed document, a page past the last and a reason of only spaces;
   and a text of only spaces for a page whose text is not (``empty_text``): a person
   deleting a page's reading would make it look unread (the document page calls a page
   without text "possibly blank") and unfindable. A page the OCR read nothing on may be
   confirmed empty; a blank page the OCR read noise on is written as such (空白页);
2. refuse it (``Conflict``, ``page_changed``, naming who changed the page and when) when
   the page's text is no longer the one the person started from (``base_version``): two
   people correcting one page at once, the second would otherwise silently replace the
   first's correction with their edit of the older text;
3. make the corrected text the page's current text, written by a person (confidence 100,
   no longer needing review, ``corrected_by``/``corrected_at``), keeping the text it
   replaces as the older version (``DerivedText.revise``, D6). The page keeps the boxes
   of the text the correction left unchanged (``carried_words``), so a word found there
   is still marked on the page image; the characters it changed have none, and the
   lines, which sent the old reading's doubtful lines to review, stay with that reading;
4. tell the registry (``announce``: the review queue and search follow it, O4 audits it).
"""

from __future__ import annotations

import asyncio
import bisect
import re
from datetime import datetime
from difflib import SequenceMatcher
from pathlib import Path

import msgspec

from services.common.auth import Principal
from services.common.clock import Clock
from services.common.contracts.ingest import PageCorrected, PageCorrection
from services.common.errors import Conflict, NotFound, ValidationFailed
from services.common.names import written
from services.common.objectstore import ObjectStore
from services.ingest.derived import DerivedText, scratch_directory
from services.ingest.extraction import PageText, WordBox, placed_words
from services.ingest.models import TextVersion
from services.ingest.reocr import TextRecorder, announce, text_reader_record

READ_BY_A_PERSON = 100.0
_WHITESPACE = re.compile(r"\s+")


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
        ``unknown_page``, ``no_text``), ``Conflict`` (``destroyed``, ``page_changed``) and
        ``ValidationFailed`` (``reason_required``, ``empty_text``)."""
        if not written(correction.reason):
            raise ValidationFailed("say why the text was corrected", code="reason_required")
        record = await text_reader_record(self.registry, user_token, document_id)
        async with scratch_directory(self.scratch_dir, "correct") as work, self.revising:
            pages = [page async for page in self.derived.pages(record.sha256)]
            page = next((page for page in pages if page.number == number), None)
            if page is None:
                raise NotFound(f"the document has {len(pages)} pages, not a page {number}",
                               code="unknown_page")
            if not correction.text.strip() and page.text.strip():
                raise ValidationFailed(
                    "the corrected text is empty but the page's is not: write what the "
                    "page says (a blank page: write 空白页)", code="empty_text")
            await self._refuse_if_changed(record.sha256, page, correction.base_version)
            # Aligning a long page takes a moment (20 000 characters: 0.3 s).
            carried = await asyncio.to_thread(carried_words, page, correction.text)
            corrected_page = msgspec.structs.replace(
                page, text=correction.text, confidence=READ_BY_A_PERSON,
                needs_review=False, words=carried, lines=(),
                corrected_by=principal.username, corrected_at=self.clock.now())
            corrected = [corrected_page if each.number == number else each for each in pages]
            pages_file = work / "pages.jsonl"
            await asyncio.to_thread(pages_file.write_bytes, b"".join(
                msgspec.json.encode(page) + b"\n" for page in corrected))
            version = await self.derived.revise(record.sha256, pages_file, TextVersion(
                version=1, engine=None, reason=written(correction.reason),
                recorded_by=principal.username, recorded_at=self.clock.now()))
            await announce(self.registry, self.derived, record, version)
        return PageCorrected(document_id=document_id, number=number,
                             text_version=version.version,
                             pages_needing_review=[each.number for each in corrected
                                                   if each.needs_review])

    async def _refuse_if_changed(self, sha256: str, page: PageText, base_version: int
                                 ) -> None:
        """``Conflict(page_changed)`` unless ``page`` has the text it had in version
        ``base_version``; a change to the document's other pages meanwhile is no conflict."""
        history = await self.derived.versions(sha256)
        current = history[-1].version if history else 1
        if base_version == current:
            return
        started_from = await self.derived.older_page(sha256, base_version, page.number)
        if started_from is not None and started_from.text == page.text:
            return
        by, at = _changed_by(page, [entry for entry in history
                                    if entry.version > base_version])
        who = f" by {by}" if by else ""
        when = f" at {at.isoformat()}" if at else ""
        raise Conflict(
            f"page {page.number} was changed{who}{when} after text version {base_version}, "
            f"which the correction started from; read the current text (version {current}), "
            f"merge yours into it and send that with base_version {current}",
            code="page_changed",
            extra={"text_version": current, "changed_by": by,
                   "changed_at": at.isoformat() if at else None})


def _changed_by(page: PageText, later: list[TextVersion]) -> tuple[str | None, datetime | None]:
    """Who gave ``page`` its current text, and when: the person who wrote it, else the
    latest re-reading by OCR among the ``later`` versions; ``None`` when not known."""
    if page.corrected_by is not None:
        return page.corrected_by, page.corrected_at
    reading = next((entry for entry in reversed(later) if entry.engine is not None), None)
    return (reading.recorded_by, reading.recorded_at) if reading else (None, None)


def carried_words(page: PageText, text: str) -> tuple[WordBox, ...]:
    """The boxes of ``page`` (``words``) whose characters ``text``, its correction, left
    unchanged, each moved to where those characters stand in ``text`` (``start``): the
    two texts without whitespace are aligned character by character, and a box is kept
    when all its characters are in one unchanged stretch. A box with a changed, inserted
    or deleted character is dropped (a Tesseract word with one character corrected)."""
    old = _WHITESPACE.sub("", page.text)
    new = _WHITESPACE.sub("", text)
    unchanged = [(old_start, old_end, new_start - old_start) for kind, old_start, old_end,
                 new_start, _ in SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
                 if kind == "equal"]
    run_starts = [run_start for run_start, _, _ in unchanged]
    carried: list[WordBox] = []
    for start, word in placed_words(page.words):
        spelled = _WHITESPACE.sub("", word.text)
        end = start + len(spelled)
        run = bisect.bisect_right(run_starts, start) - 1
        if run < 0 or not spelled or old[start:end] != spelled:
            continue
        _, run_end, shift = unchanged[run]
        if end <= run_end:
            carried.append(msgspec.structs.replace(word, start=start + shift))
    return tuple(carried)
