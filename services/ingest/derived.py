"""Derived artifacts beside an original in the object store: the page texts (页面文本).

``derived/<sha256>/pages.jsonl`` holds one ``PageText`` per line in page order. It is
written whole before the document is registered, so whoever learns of a document from
the registry (search, a reader) finds its text; a retried job simply replaces it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import msgspec

from services.common.errors import NotFound
from services.common.objectstore import ObjectStore
from services.ingest.extraction import PageText
from services.ingest.models import pages_key

PAGES_CONTENT_TYPE = "application/x-ndjson"

_page_decoder = msgspec.json.Decoder(PageText)


def derived_keys(sha256: str) -> list[str]:
    """Every derived file ingest writes for an original (keep in step with the writers)."""
    return [pages_key(sha256)]


class DerivedText:
    """Page texts of originals, keyed by the original's SHA-256."""

    def __init__(self, store: ObjectStore) -> None:
        self.store = store

    async def save(self, sha256: str, pages_file: Path) -> None:
        """Store the JSON-lines file the extraction wrote (streamed, not read into memory)."""
        await self.store.put_file(pages_key(sha256), pages_file,
                                  content_type=PAGES_CONTENT_TYPE)

    async def delete(self, sha256: str) -> None:
        """Every derived file of the original; idempotent."""
        for key in derived_keys(sha256):
            await self.store.delete(key)

    async def pages(self, sha256: str) -> AsyncIterator[PageText]:
        """Each page in order. ``NotFound`` (``no_text``) when nothing was extracted."""
        key = pages_key(sha256)
        if await self.store.head(key) is None:
            raise NotFound("no text was extracted for this document (it was filed without "
                           "going through ingest, or its job has not finished)",
                           code="no_text")
        pending = b""
        async for chunk in self.store.get(key):
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if line.strip():
                    yield _page_decoder.decode(line)
        if pending.strip():
            yield _page_decoder.decode(pending)
