"""Page previews beside an original in the object store (页面预览), keyed by its SHA-256.

``derived/<sha256>/pages/<nnnn>.webp`` is page ``nnnn`` as a person reads it, about 1 200
pixels wide, ``<nnnn>.thumb.webp`` its thumbnail, and ``derived/<sha256>/previews.jsonl``
says, a ``PagePreview`` per page, how each preview relates to the pixels the page's boxes
are in. The extraction process makes them from the page images it decodes anyway
(``services.ingest.extraction.previews``); ``save`` stores them before the document is
registered, the list last, so a list in the store means every image it names was
stored, except a PDF text-layer page's (listed ``on_view``): ``PreviewsOnView`` makes
those on the page's first view, one page at a time, and stores them under the same keys,
so later views read them as any other. A page's large image (``<nnnn>.large.r<turn>.webp``,
``LARGE_WIDTH``), shown to a person who enlarges the page past its preview, is made the
same way on its first view, for any page. Previews belong to the original; a re-reading
that turns a page differently stores them again. Destruction deletes them with the other
derived files (every key under ``derived/<sha256>/``).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

import msgspec

from services.common.errors import NotFound
from services.common.objectstore import ObjectStore
from services.ingest.derived import fetch_original
from services.ingest.extraction import (
    ExtractionLimits,
    PagePreview,
    PreviewFiles,
    page_large_file,
    page_preview_files,
)
from services.ingest.extraction.previews import MANIFEST_NAME, preview_name, thumbnail_name
from services.ingest.models import (
    derived_prefix,
    page_image_key,
    page_large_key,
    previews_key,
)

PreviewSize = Literal["preview", "thumbnail"]
"""What is made with the page's reading (a text-layer page's, on its first view)."""
WEBP = "image/webp"
MANIFEST_CONTENT_TYPE = "application/x-ndjson"
CONCURRENT_PUTS = 8
"""Images stored at once: an object store's round trips overlap."""
_Made = TypeVar("_Made")

_preview_decoder = msgspec.json.Decoder(PagePreview)
_FILES: tuple[tuple[Callable[[int], str], PreviewSize], ...] = (
    (preview_name, "preview"), (thumbnail_name, "thumbnail"))


class DerivedPreviews:
    """Previews and thumbnails of originals' pages, keyed by the original's SHA-256."""

    def __init__(self, store: ObjectStore) -> None:
        self.store = store

    async def save(self, sha256: str, directory: Path) -> None:
        """Store what a ``PreviewWriter`` wrote into ``directory``: every page's preview
        and thumbnail (none for a page listed ``on_view``), then the list of them.
        Replaces earlier previews of the pages."""
        manifest = directory / MANIFEST_NAME
        pages = _decode(await asyncio.to_thread(manifest.read_bytes))
        files = [(directory / name(page.number), page_image_key(sha256, page.number, size))
                 for page in pages if not page.on_view for name, size in _FILES]
        slots = asyncio.Semaphore(CONCURRENT_PUTS)

        async def put(path: Path, key: str) -> None:
            async with slots:
                await self.store.put_file(key, path, content_type=WEBP)

        await asyncio.gather(*(put(path, key) for path, key in files))
        await self.store.put_file(previews_key(sha256), manifest,
                                  content_type=MANIFEST_CONTENT_TYPE)

    async def pages(self, sha256: str) -> dict[int, PagePreview]:
        """Each page's ``PagePreview`` by number; ``NotFound``: ``no_preview`` when the
        original has none (filed before previews were made), ``preview_missing`` when
        their list is gone but page images remain (it was deleted or lost)."""
        try:
            data = await self.store.read(previews_key(sha256))
        except NotFound:
            stored = {key async for key in self.store.keys(derived_prefix(sha256))}
            raise (no_preview() if _never_made(sha256, stored)
                   else preview_missing("the list of its page previews")) from None
        return {page.number: page for page in _decode(data)}

    async def image(self, sha256: str, number: int, size: PreviewSize) -> bytes:
        """The WebP bytes of page ``number``'s preview or thumbnail, a page the list
        names; ``NotFound`` (``preview_missing``) when it is not stored: the document had
        one, so it was deleted or lost."""
        try:
            return await self.store.read(page_image_key(sha256, number, size))
        except NotFound:
            raise preview_missing(f"page {number}'s {size}") from None

    async def missing(self, sha256: str, pages: int) -> MissingPreviews:
        """What of pages 1…``pages``' previews is not stored (one listing of the
        original's derived files). A page listed ``on_view`` misses nothing: its images
        are made when it is first viewed."""
        stored = {key async for key in self.store.keys(derived_prefix(sha256))}
        if previews_key(sha256) not in stored:
            on_view: set[int] = set()
        else:
            listed = _decode(await self.store.read(previews_key(sha256)))
            on_view = {page.number for page in listed if page.on_view}
        wanted = [previews_key(sha256)] + [
            page_image_key(sha256, number, size)
            for number in range(1, pages + 1) if number not in on_view
            for _, size in _FILES]
        return MissingPreviews(keys=[key for key in wanted if key not in stored],
                               never_made=_never_made(sha256, stored))


@dataclass(frozen=True)
class MissingPreviews:
    """What of an original's page previews the store lacks."""

    keys: list[str]
    """The keys not stored: the list of previews first, then each page's images."""
    never_made: bool
    """Neither the list nor any page image is stored: the original was filed before
    previews were made (``no_preview``), so none was lost; ``archive derive --missing``
    makes them."""


def _never_made(sha256: str, stored: set[str]) -> bool:
    """Whether the original's derived files (``stored``, its keys) hold no preview at all:
    no list of them and no page image, as when it was filed before previews were made.
    A list or an image there means it had them, and what is gone was lost."""
    return previews_key(sha256) not in stored and not any(
        key.endswith(".webp") for key in stored)


class PreviewsOnView:
    """The images made on a page's first view, read from the store after: a text-layer
    page's (listed ``on_view``) preview and thumbnail, and any page's large image, made
    from the original and stored.

    One page's image is made once however many ask for it at once in this process (they
    await the same task); two processes may each make it, harmlessly: the bytes are
    the same and a store write replaces an object whole. Making runs on one thread of
    its own: pdfium is not thread-safe, the event loop must not wait for it, and a page
    image decoded for a large one (up to ``ExtractionLimits.max_image_pixels``) is then
    the only one in memory."""

    def __init__(self, store: ObjectStore, *, limits: ExtractionLimits, scratch_dir: Path
                 ) -> None:
        self.store = store
        self.limits = limits
        self.scratch_dir = scratch_dir
        # Keyed by the store key of the (first) image a task makes.
        self._previews: dict[str, asyncio.Task[PreviewFiles]] = {}
        self._large: dict[str, asyncio.Task[bytes]] = {}
        self._renderer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="render")

    async def image(self, sha256: str, number: int, size: PreviewSize) -> bytes:
        """The WebP bytes of page ``number``'s preview or thumbnail, made now if they
        are not stored yet. Raises ``PermanentJobError`` (``original_missing``, or the
        original's page cannot be rendered)."""
        try:
            return await self.store.read(page_image_key(sha256, number, size))
        except NotFound:
            pass
        made = await _once(self._previews, page_image_key(sha256, number, "preview"),
                           lambda: self._make_previews(sha256, number))
        return made.preview if size == "preview" else made.thumbnail

    async def large(self, sha256: str, page: PagePreview) -> bytes:
        """The WebP bytes of the page's large image, turned as its preview is, made now
        if it is not stored yet. Raises ``PermanentJobError`` as ``image``."""
        key = page_large_key(sha256, page.number, page.rotation)
        try:
            return await self.store.read(key)
        except NotFound:
            pass
        return await _once(self._large, key, lambda: self._make_large(sha256, page, key))

    async def _make_previews(self, sha256: str, number: int) -> PreviewFiles:
        made = await self._rendered(sha256, lambda original: page_preview_files(
            original, number, limits=self.limits))
        await asyncio.gather(
            self.store.put_bytes(page_image_key(sha256, number, "preview"), made.preview,
                                 content_type=WEBP),
            self.store.put_bytes(page_image_key(sha256, number, "thumbnail"),
                                 made.thumbnail, content_type=WEBP))
        return made

    async def _make_large(self, sha256: str, page: PagePreview, key: str) -> bytes:
        made = await self._rendered(sha256, lambda original: page_large_file(
            original, page.number, page.rotation, limits=self.limits))
        await self.store.put_bytes(key, made, content_type=WEBP)
        return made

    async def _rendered(self, sha256: str, render: Callable[[Path], _Made]) -> _Made:
        """What ``render`` makes of a local copy of the original, on the render thread."""
        original = self.scratch_dir / f"view-{uuid.uuid4().hex}"
        await asyncio.to_thread(self.scratch_dir.mkdir, parents=True, exist_ok=True)
        try:
            await fetch_original(self.store, sha256, original)
            return await asyncio.get_running_loop().run_in_executor(
                self._renderer, lambda: render(original))
        finally:
            await asyncio.to_thread(original.unlink, missing_ok=True)


async def _once(making: dict[str, asyncio.Task[_Made]], key: str,
                make: Callable[[], Coroutine[None, None, _Made]]) -> _Made:
    """What ``make`` makes for ``key``, made once for all who ask while it is made."""
    task = making.get(key)
    if task is None:
        task = asyncio.create_task(make())
        making[key] = task
        task.add_done_callback(lambda done: _forget(making, key, done))
    # A viewer who leaves does not stop the making the others wait for.
    return await asyncio.shield(task)


def _forget(making: dict[str, asyncio.Task[_Made]], key: str,
            done: asyncio.Task[_Made]) -> None:
    del making[key]
    if not done.cancelled():
        done.exception()  # retrieved: every waiter may have left


def no_preview() -> NotFound:
    return NotFound("this document has no page previews (it was filed before they were "
                    "made); 'archive derive --missing' makes them", code="no_preview")


def preview_missing(what: str) -> NotFound:
    """A preview the document had is not stored; fixity reports it as ``preview_missing``."""
    return NotFound(f"{what} is not stored (deleted or lost); 'archive derive --missing' "
                    "makes the document's previews again", code="preview_missing")


def _decode(data: bytes) -> list[PagePreview]:
    return [_preview_decoder.decode(line) for line in data.splitlines() if line.strip()]
