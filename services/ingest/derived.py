"""Derived artifacts beside an original in the object store: the page texts (页面文本).
(Page previews are in ``services.ingest.previews``.)

``derived/<sha256>/pages.jsonl`` holds the current text, one ``PageText`` per line in page
order. It is written whole before the document is registered, so whoever learns of a
document from the registry (search, a reader) finds its text; a retried job simply
replaces it.

The text has versions (``revise``): a re-reading by OCR, or a person's correction,
becomes the new ``pages.jsonl``, while the text it replaces is kept as
``pages.v<N>.jsonl`` and ``text-versions.jsonl`` records each version's engine, who, when
and why. Every derived file of an original (texts, previews) is under
``derived/<sha256>/``, so deleting them all (destruction, R6) lists that prefix (``keys``).
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import msgspec

from services.common.contracts.ingest import FILING_REASON
from services.common.contracts.registry import ExtractionSummary
from services.common.errors import NotFound, PermanentJobError
from services.common.objectstore import ObjectStore, original_key
from services.ingest.extraction import OcrLanguage, PageText
from services.ingest.models import (
    TextVersion,
    derived_prefix,
    older_pages_key,
    pages_index_key,
    pages_key,
    text_versions_key,
)
from services.ingest.page_index import (
    IndexedPage,
    Indexing,
    PageOutline,
    PagesIndex,
    index_decoder,
    index_of_file,
    outline_decoder,
)
from services.ingest.pool import Extracted

PAGES_CONTENT_TYPE = "application/x-ndjson"

_page_decoder = msgspec.json.Decoder(PageText)
_version_decoder = msgspec.json.Decoder(TextVersion)


@dataclass(frozen=True)
class TextSummary:
    extraction: ExtractionSummary
    language: OcrLanguage | None


class DerivedText:
    """Page texts of originals, keyed by the original's SHA-256."""

    def __init__(self, store: ObjectStore) -> None:
        self.store = store

    async def save(self, sha256: str, pages_file: Path) -> None:
        """Store the JSON-lines file the extraction wrote (streamed, not read into memory),
        then its index (``page_index``): a crash between the two leaves an index of
        another text, never used."""
        await self.store.put_file(pages_key(sha256), pages_file,
                                  content_type=PAGES_CONTENT_TYPE)
        await self._write_index(sha256, await asyncio.to_thread(index_of_file, pages_file))

    async def _write_index(self, sha256: str, index: PagesIndex) -> None:
        await self.store.put_bytes(pages_index_key(sha256), msgspec.json.encode(index),
                                   content_type="application/json")

    async def _current(self, sha256: str) -> tuple[str, str | None, PagesIndex | None]:
        """The current text's key, the SHA-256 the store recorded for it, and its index
        if one describes it. ``NotFound`` (``no_text``) when nothing was extracted."""
        key = pages_key(sha256)
        info = await self.store.head(key)
        if info is None:
            raise _no_text()
        return key, info.sha256, await self._index(sha256, info.sha256)

    async def _index(self, sha256: str, pages_sha256: str | None) -> PagesIndex | None:
        """The index of the current text whose SHA-256 the store recorded as
        ``pages_sha256``; None when there is none for it (stored before indexes, or
        replaced since)."""
        if pages_sha256 is None:
            return None
        try:
            index = index_decoder.decode(await self.store.read(pages_index_key(sha256)))
        except (NotFound, msgspec.DecodeError):
            return None
        return index if index.pages_sha256 == pages_sha256 else None

    async def _indexed_page(self, key: str, page: IndexedPage) -> PageText | None:
        """The page the index places at ``page``, read alone; None if its bytes are not
        that page (the text was replaced between the index and this read)."""
        line = await self.store.read_range(key, page.start, page.length)
        try:
            read = _page_decoder.decode(line)
        except msgspec.DecodeError:
            return None
        return read if read.number == page.number else None

    async def revise(self, sha256: str, pages_file: Path, version: TextVersion) -> TextVersion:
        """Make ``pages_file`` the current text, keeping the one it replaces; returns
        ``version`` numbered after the current one. ``NotFound`` (``no_text``) when there
        is no text to revise.

        Safe to repeat after a crash at any step: the older text is copied only if no copy
        of that version exists yet, and the history is written last, so a crash before it
        leaves the old version kept and the revision simply done again.
        """
        history = await self.versions(sha256)
        if not history:
            first = await self._first_version(sha256)
            history = [first]
        current = history[-1].version
        old_key = older_pages_key(sha256, current)
        if await self.store.head(old_key) is None:
            await self.store.put_bytes(old_key, await self.store.read(pages_key(sha256)),
                                       content_type=PAGES_CONTENT_TYPE)
        await self.save(sha256, pages_file)
        new = msgspec.structs.replace(version, version=current + 1, announced=False)
        await self._write_versions(sha256, [*history, new])
        return new

    async def _first_version(self, sha256: str) -> TextVersion:
        # After a crash the first text may already be kept while a newer one is current.
        kept = older_pages_key(sha256, 1)
        key = kept if await self.store.head(kept) is not None else pages_key(sha256)
        if await self.store.head(key) is None:
            raise _no_text()
        engines = {page.engine async for page in self._pages_at(key) if page.method == "ocr"}
        engine = engines.pop() if len(engines) == 1 else None
        return TextVersion(version=1, engine=engine, reason=FILING_REASON,
                           announced=True)

    async def mark_announced(self, sha256: str, version: int) -> None:
        """Record that the registry was told of ``version``."""
        history = [msgspec.structs.replace(entry, announced=True)
                   if entry.version == version else entry
                   for entry in await self.versions(sha256)]
        await self._write_versions(sha256, history)

    async def _write_versions(self, sha256: str, history: list[TextVersion]) -> None:
        lines = b"".join(msgspec.json.encode(entry) + b"\n" for entry in history)
        await self.store.put_bytes(text_versions_key(sha256), lines,
                                   content_type=PAGES_CONTENT_TYPE)

    async def summary(self, sha256: str) -> TextSummary:
        """How well the current text was read, and in which language, for the registry."""
        read = Extracted.of(await self._page_facts(sha256))
        return TextSummary(extraction=read.summary, language=read.language)

    async def extracted(self, sha256: str, *, language: OcrLanguage | None
                        ) -> Extracted | None:
        """What the stored text says its extraction read, for a job run again after its
        pages were stored (its worker stopped while it waited for the registry): ``None``
        when no text is stored, or when Tesseract read it with another model than the
        upload's ``language`` asks (a failed job uploaded again with another language),
        so that it is read again."""
        if await self.store.head(pages_key(sha256)) is None:
            return None
        pages = await self._page_facts(sha256)
        if language is not None and any(page.engine == "tesseract" and page.language != language
                                        for page in pages):
            return None
        return Extracted.of(pages)

    async def _page_facts(self, sha256: str) -> list[PageText]:
        """Each page without its words and text, which a long document would hold in
        memory all at once."""
        return [msgspec.structs.replace(page, words=(), lines=(), text="")
                async for page in self.pages(sha256)]

    async def versions(self, sha256: str) -> list[TextVersion]:
        """The text's versions, oldest first; empty while there is only the first."""
        try:
            data = await self.store.read(text_versions_key(sha256))
        except NotFound:
            return []
        return [_version_decoder.decode(line) for line in data.splitlines() if line.strip()]

    async def history(self, sha256: str) -> list[TextVersion]:
        """Every version, oldest first, the first included while it is the only one (its
        engine then told by its pages). ``NotFound`` (``no_text``) when nothing was
        extracted."""
        return await self.versions(sha256) or [await self._first_version(sha256)]

    async def pages_of_version(self, sha256: str, version: int) -> list[PageText]:
        """The pages of text version ``version``, the current one or one kept when a newer
        replaced it. ``NotFound`` (``unknown_text_version``) when there is no such version.

        A revision may replace the current text while it is read: it keeps that text as
        ``pages.v<N>.jsonl`` before it writes the new one, so the pages are read from there
        when the current version moved on meanwhile."""
        kept = older_pages_key(sha256, version)
        if await self.store.head(kept) is None:
            if version != await self.current_version(sha256):
                raise NotFound(f"the text has no version {version}",
                               code="unknown_text_version")
            pages = [page async for page in self.pages(sha256)]
            if await self.current_version(sha256) == version:
                return pages
        return [page async for page in self._pages_at(kept)]

    async def keys(self, sha256: str) -> list[str]:
        """Every derived file stored for the original: all text versions, the history and
        the page previews."""
        return [key async for key in self.store.keys(derived_prefix(sha256))]

    async def delete(self, sha256: str) -> None:
        """Every derived file of the original; idempotent."""
        for key in await self.keys(sha256):
            await self.store.delete(key)

    async def pages(self, sha256: str) -> AsyncGenerator[PageText, None]:
        """Each page in order. ``NotFound`` (``no_text``) when nothing was extracted."""
        key = pages_key(sha256)
        if await self.store.head(key) is None:
            raise _no_text()
        async for page in self._pages_at(key):
            yield page

    async def outlines_and_page(self, sha256: str, number: int
                                ) -> tuple[list[PageOutline], PageText | None]:
        """Every page's text (``PageOutline``) and page ``number`` whole (``None`` when
        there is no such page), in one read of the current text. ``NotFound``
        (``no_text``) when nothing was extracted."""
        key, stored_sha256, index = await self._current(sha256)
        if index is not None:
            found = index.find(number)
            whole = None if found is None else await self._indexed_page(key, found)
            if found is None or whole is not None:
                return list(index.pages), whole

        def numbered(lines: list[tuple[IndexedPage, bytes]]) -> PageText | None:
            return next((_page_decoder.decode(line) for page, line in lines
                         if page.number == number), None)

        # No index for this text: read it whole, and index it for the next page turned.
        indexing = Indexing()
        whole = None
        async for chunk in self.store.get(key):
            whole = numbered(indexing.lines(chunk)) or whole
        whole = numbered(indexing.last_line()) or whole
        built = indexing.index()
        if built.pages_sha256 == stored_sha256:  # not replaced while it was read
            await self._write_index(sha256, built)
        return list(built.pages), whole

    async def page(self, sha256: str, number: int) -> PageText | None:
        """Page ``number`` of the current text (read alone where the text is indexed, else
        up to it); ``None`` past the last. ``NotFound`` (``no_text``) when nothing was
        extracted."""
        key, _, index = await self._current(sha256)
        if index is not None:
            found = index.find(number)
            if found is None:
                return None
            if (page := await self._indexed_page(key, found)) is not None:
                return page
        return await _numbered(self._lines_at(key), number)

    async def older_page(self, sha256: str, version: int, number: int) -> PageText | None:
        """Page ``number`` of version ``version`` kept once a newer one replaced it; ``None``
        when that version is not kept (it is the current one, or none such) or has no such
        page."""
        key = older_pages_key(sha256, version)
        if await self.store.head(key) is None:
            return None
        return await _numbered(self._lines_at(key), number)

    async def current_version(self, sha256: str) -> int:
        """The number of the current text version."""
        history = await self.versions(sha256)
        return history[-1].version if history else 1

    async def _pages_at(self, key: str) -> AsyncGenerator[PageText, None]:
        async for line in self._lines_at(key):
            yield _page_decoder.decode(line)

    async def _lines_at(self, key: str) -> AsyncGenerator[bytes, None]:
        """The lines of ``key`` (one page each), read as the store streams them."""
        pending = b""
        async for chunk in self.store.get(key):
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if line.strip():
                    yield line
        if pending.strip():
            yield pending


@asynccontextmanager
async def scratch_directory(scratch_dir: Path, kind: str) -> AsyncIterator[Path]:
    """A new directory in ``scratch_dir`` (``<kind>-<random>``) for one piece of work's
    local copies (an original, a reading, previews), removed with all it holds when the
    work ends, however it ends."""
    work = scratch_dir / f"{kind}-{uuid.uuid4().hex}"
    await asyncio.to_thread(work.mkdir, parents=True)
    try:
        yield work
    finally:
        await asyncio.to_thread(shutil.rmtree, work, ignore_errors=True)


async def fetch_original(store: ObjectStore, sha256: str, destination: Path) -> None:
    """Copy a filed original to ``destination`` for an extraction process to read again;
    ``PermanentJobError`` (``original_missing``) when the store has lost it."""
    key = original_key(sha256)
    if await store.head(key) is None:
        raise PermanentJobError("the original is not in the object store; run the fixity "
                                "check and restore it from backup", code="original_missing")
    await copy_to_file(store, key, destination)


async def copy_to_file(store: ObjectStore, key: str, destination: Path) -> None:
    """Stream the object at ``key`` into a local file (``NotFound`` if there is none)."""
    out = await asyncio.to_thread(destination.open, "wb")
    try:
        async for chunk in store.get(key):
            await asyncio.to_thread(out.write, chunk)
    finally:
        await asyncio.to_thread(out.close)


def _no_text() -> NotFound:
    return NotFound("no text was extracted for this document (it was filed without going "
                    "through ingest, or its job has not finished)", code="no_text")


async def _numbered(lines: AsyncGenerator[bytes, None], number: int) -> PageText | None:
    """Page ``number`` of the stored ``lines``, read up to it (the rest is not read; the
    pages before it for their number alone, ``PageOutline``); ``None`` past the last."""
    async with aclosing(lines):
        async for line in lines:
            if outline_decoder.decode(line).number == number:
                return _page_decoder.decode(line)
    return None
