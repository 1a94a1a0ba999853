"""Page previews (页面预览): each page as a person reads it, small enough to show beside its
text, made in the extraction process from the page image already decoded there.

Per page ``PreviewWriter.write`` SHALL:
1. turn the page image upright by the reading's ``rotation`` (degrees clockwise);
2. scale it to at most ``PREVIEW_WIDTH`` pixels wide, never up, and never past WebP's
   largest side (a long receipt stays a valid image);
3. write the preview and a thumbnail (``THUMBNAIL_WIDTH``) as WebP, and a ``PagePreview``
   line to ``previews.jsonl`` saying how the preview relates to the page image's pixels,
   the space the page's word boxes are in (``boxes_in_preview`` maps one onto the other).

A page with a usable PDF text layer needs no image to be read, and rendering and encoding
its preview costs ten times reading it (bench/README.md, "Page previews"): for it
``PreviewWriter.defer`` writes only the ``PagePreview`` line, its size computed as the
rendering would have it, marked ``on_view``; the images are made on the page's first view
(``page_preview_files``).

A person who enlarges a page past its preview's pixels is shown its large image
(``LARGE_WIDTH``), made from the original on that view (``page_large_file``), turned and
proportioned as the preview so the same boxes, scaled, stay on their words.

Nothing here decodes an image: the decompression-bomb limits have been applied by the
decoder that produced the page image.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, BinaryIO

import msgspec
from PIL import Image

from services.common.contracts.ingest import PageBox
from services.common.models import Struct
from services.ingest.extraction.models import Rotation, WordBox, placed_words
from services.ingest.extraction.turns import turned_upright

PREVIEW_WIDTH = 1200
THUMBNAIL_WIDTH = 200
LARGE_WIDTH = 2400
"""A page enlarged past its preview (the staff pages' zoom, up to 4× a column): a 300-dpi
A4 scan's own pixels, half of a 600-dpi one's."""
PREVIEW_QUALITY = 80
THUMBNAIL_QUALITY = 75
# Measured on a noisy 300-dpi scan (bench/previews.py --choices): libwebp's method 2
# takes half the time of its default 4 for the same size (34 vs 65 ms, 81 vs 82 KB);
# method 0 is faster still but 6 % larger there and 20 % larger on clean pages. Pillow's
# bilinear filter (antialiased when shrinking) reads as well as bicubic or Lanczos at
# this scale and keeps less of a scanner's grain: 81 KB against 103 and 112.
WEBP_METHOD = 2
RESAMPLING = Image.Resampling.BILINEAR
REDUCING_GAP = 2.0
"""Shrink by whole factors first (cheap), then filter."""
WEBP_MAX_SIDE = 16383
"""The largest width or height a WebP image can have."""
MANIFEST_NAME = "previews.jsonl"

Pixels = Annotated[int, msgspec.Meta(ge=1)]


class PagePreview(Struct):
    """How a page's preview was made from its page image (stored beside the previews).

    ``source_width`` × ``source_height`` is the page image the page's boxes are measured
    in (a scan as decoded, a PDF page as rendered at 300 dpi); the preview is that image
    turned ``rotation`` degrees clockwise and scaled to ``width`` × ``height``. With
    ``on_view`` (a PDF text-layer page) the images are not made at ingest but on the page's
    first view, at this size."""

    number: Annotated[int, msgspec.Meta(ge=1)]
    width: Pixels
    height: Pixels
    source_width: Pixels
    source_height: Pixels
    rotation: Rotation = 0
    on_view: bool = False


@dataclass(frozen=True, slots=True)
class PreviewFiles:
    """A page's preview and thumbnail, encoded as WebP."""

    preview: bytes
    thumbnail: bytes


def preview_size(source: tuple[int, int], rotation: Rotation, *,
                 max_width: int = PREVIEW_WIDTH) -> tuple[int, int]:
    """The size of the preview of a ``source``-sized page image turned by ``rotation``."""
    width, height = source if rotation in (0, 180) else (source[1], source[0])
    scale = min(1.0, max_width / width, WEBP_MAX_SIDE / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def boxes_in_preview(words: Iterable[WordBox], preview: PagePreview) -> list[PageBox]:
    """``words`` (boxes in the page image's pixels, as read) moved into the preview's
    pixels: turned with the page, scaled with it, rounded outwards, kept inside it, each
    with where its text stands in the page's (``placed_words``)."""
    source_width, source_height = preview.source_width, preview.source_height
    upright_width, upright_height = ((source_width, source_height)
                                     if preview.rotation in (0, 180)
                                     else (source_height, source_width))
    scale_x = preview.width / upright_width
    scale_y = preview.height / upright_height
    boxes: list[PageBox] = []
    for start, word in placed_words(words):
        left, top = word.left, word.top
        right, bottom = left + word.width, top + word.height
        if preview.rotation == 90:
            left, top, right, bottom = source_height - bottom, left, source_height - top, right
        elif preview.rotation == 180:
            left, top, right, bottom = (source_width - right, source_height - bottom,
                                        source_width - left, source_height - top)
        elif preview.rotation == 270:
            left, top, right, bottom = top, source_width - right, bottom, source_width - left
        x0 = _clamp(math.floor(left * scale_x), preview.width)
        y0 = _clamp(math.floor(top * scale_y), preview.height)
        x1 = _clamp(math.ceil(right * scale_x), preview.width)
        y1 = _clamp(math.ceil(bottom * scale_y), preview.height)
        boxes.append(PageBox(text=word.text, start=start, left=x0, top=y0,
                             width=x1 - x0, height=y1 - y0))
    return boxes


def _clamp(value: int, limit: int) -> int:
    return min(max(value, 0), limit)


def preview_name(number: int) -> str:
    return f"{number:04d}.webp"


def thumbnail_name(number: int) -> str:
    return f"{number:04d}.thumb.webp"


def large_name(number: int, rotation: Rotation) -> str:
    """The large image of page ``number`` turned ``rotation``: a re-reading that turns the
    page differently names another, so a stored one is never shown turned the old way."""
    return f"{number:04d}.large.r{rotation}.webp"


class PreviewWriter:
    """Writes each page's preview and thumbnail into ``directory`` as it is extracted,
    and a line per page to ``directory / MANIFEST_NAME``. Use it as a context manager."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._manifest: BinaryIO | None = None

    def __enter__(self) -> PreviewWriter:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._manifest = (self.directory / MANIFEST_NAME).open("wb")
        return self

    def __exit__(self, *_: object) -> None:
        if self._manifest is not None:
            self._manifest.close()
            self._manifest = None

    def write(self, number: int, image: Image.Image, *,
              rotation: Rotation = 0) -> PagePreview:
        """The preview and thumbnail of page ``number`` from ``image``, its page image."""
        preview = preview_image(image, rotation)
        files = encoded(preview)
        (self.directory / preview_name(number)).write_bytes(files.preview)
        (self.directory / thumbnail_name(number)).write_bytes(files.thumbnail)
        return self._listed(PagePreview(number=number, width=preview.width,
                                        height=preview.height, source_width=image.width,
                                        source_height=image.height, rotation=rotation))

    def defer(self, number: int, source_size: tuple[int, int]) -> PagePreview:
        """Page ``number`` listed without images, made on its first view: a PDF
        text-layer page, upright as the PDF shows it, ``source_size`` at 300 dpi."""
        width, height = preview_size(source_size, 0)
        return self._listed(PagePreview(number=number, width=width, height=height,
                                        source_width=source_size[0],
                                        source_height=source_size[1], on_view=True))

    def _listed(self, entry: PagePreview) -> PagePreview:
        if self._manifest is None:
            raise RuntimeError("PreviewWriter used outside its with block")
        self._manifest.write(msgspec.json.encode(entry) + b"\n")
        self._manifest.flush()
        return entry


def encoded(preview: Image.Image) -> PreviewFiles:
    """``preview`` (upright, at preview size) and its thumbnail as WebP."""
    thumbnail = _scaled(preview, preview_size(preview.size, 0, max_width=THUMBNAIL_WIDTH))
    return PreviewFiles(preview=_webp(preview, PREVIEW_QUALITY),
                        thumbnail=_webp(thumbnail, THUMBNAIL_QUALITY))


def encoded_large(large: Image.Image) -> bytes:
    """``large`` (upright, at most ``LARGE_WIDTH`` wide) as WebP."""
    return _webp(large, PREVIEW_QUALITY)


def _webp(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=quality, method=WEBP_METHOD)
    return out.getvalue()


def preview_image(image: Image.Image, rotation: Rotation, *,
                  max_width: int = PREVIEW_WIDTH) -> Image.Image:
    """``image`` upright and at preview size (at most ``max_width`` wide): scaled first
    (the smaller image is the cheaper one to turn), then turned."""
    if image.mode not in ("L", "RGB"):
        image = image.convert("L" if image.mode == "1" else "RGB")
    width, height = preview_size(image.size, rotation, max_width=max_width)
    scaled_size = (width, height) if rotation in (0, 180) else (height, width)
    return turned_upright(_scaled(image, scaled_size), rotation)


def _scaled(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    if image.size == size:
        return image
    return image.resize(size, RESAMPLING, reducing_gap=REDUCING_GAP)
