"""Page previews beside an original in the object store (页面预览), keyed by its SHA-256.

``derived/<sha256>/pages/<nnnn>.webp`` is page ``nnnn`` as a person reads it, about 1 200
pixels wide, ``<nnnn>.thumb.webp`` its thumbnail, and ``derived/<sha256>/previews.jsonl``
says, a ``PagePreview`` per page, how each preview relates to the pixels the page's boxes
are in. The extraction process makes them from the page images it decodes anyway
(``services.ingest.extraction.previews``); ``save`` stores them before the document is
registered, the list last, so a list in the store means every image it names was
stored. Previews belong to the original; a re-reading that turns a page differently
stores them again. Destruction deletes them with the other derived files (every key
under ``derived/<sha256>/``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import msgspec

from services.common.errors import NotFound
from services.common.objectstore import ObjectStore
from services.ingest.extraction import PagePreview
from services.ingest.extraction.previews import MANIFEST_NAME, preview_name, thumbnail_name
from services.ingest.models import derived_prefix, page_image_key, previews_key

PreviewSize = Literal["preview", "thumbnail"]
WEBP = "image/webp"
MANIFEST_CONTENT_TYPE = "application/x-ndjson"
CONCURRENT_PUTS = 8
"""Images stored at once: an object store's round trips overlap."""

_preview_decoder = msgspec.json.Decoder(PagePreview)
_FILES: tuple[tuple[Callable[[int], str], PreviewSize], ...] = (
    (preview_name, "preview"), (thumbnail_name, "thumbnail"))


class DerivedPreviews:
    """Previews and thumbnails of originals' pages, keyed by the original's SHA-256."""

    def __init__(self, store: ObjectStore) -> None:
        self.store = store

    async def save(self, sha256: str, directory: Path) -> None:
        """Store what a ``PreviewWriter`` wrote into ``directory``: every page's preview
        and thumbnail, then the list of them. Replaces earlier previews of the pages."""
        manifest = directory / MANIFEST_NAME
        pages = _decode(await asyncio.to_thread(manifest.read_bytes))
        files = [(directory / name(page.number), page_image_key(sha256, page.number, size))
                 for page in pages for name, size in _FILES]
        slots = asyncio.Semaphore(CONCURRENT_PUTS)

        async def put(path: Path, key: str) -> None:
            async with slots:
                await self.store.put_file(key, path, content_type=WEBP)

        await asyncio.gather(*(put(path, key) for path, key in files))
        await self.store.put_file(previews_key(sha256), manifest,
                                  content_type=MANIFEST_CONTENT_TYPE)

    async def pages(self, sha256: str) -> dict[int, PagePreview]:
        """Each page's ``PagePreview`` by number; ``NotFound`` (``no_preview``) when the
        original has none (filed before previews were made)."""
        try:
            data = await self.store.read(previews_key(sha256))
        except NotFound:
            raise no_preview() from None
        return {page.number: page for page in _decode(data)}

    async def image(self, sha256: str, number: int, size: PreviewSize) -> bytes:
        """The WebP bytes of page ``number``'s preview or thumbnail; ``NotFound``
        (``no_preview``) when it is not stored."""
        try:
            return await self.store.read(page_image_key(sha256, number, size))
        except NotFound:
            raise no_preview() from None

    async def missing(self, sha256: str, pages: int) -> list[str]:
        """What of pages 1…``pages``' previews is not stored (one listing of the
        original's derived files): the keys, the list of previews first."""
        stored = {key async for key in self.store.keys(derived_prefix(sha256))}
        wanted = [previews_key(sha256)] + [
            page_image_key(sha256, number, size)
            for number in range(1, pages + 1) for _, size in _FILES]
        return [key for key in wanted if key not in stored]


def no_preview() -> NotFound:
    return NotFound("this document has no page previews (it was filed before they were "
                    "made); 'archive derive --missing' makes them", code="no_preview")


def _decode(data: bytes) -> list[PagePreview]:
    return [_preview_decoder.decode(line) for line in data.splitlines() if line.strip()]
