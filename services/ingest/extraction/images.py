"""Pages of raster documents (PNG, JPEG, multi-page TIFF, HEIC photos), decoded one at a time
with Pillow (HEIF through pillow-heif's libheif)."""

from __future__ import annotations

import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pillow_heif
from PIL import Image, ImageOps

from services.common.errors import PermanentJobError
from services.ingest.extraction.engine import OCR_PIXEL_MODES, PageImage
from services.ingest.extraction.models import MediaType

_PILLOW_FORMATS: dict[MediaType, str] = {
    "image/png": "PNG", "image/jpeg": "JPEG", "image/tiff": "TIFF",
    "image/heic": "HEIF", "image/heif": "HEIF",
}
ASSUMED_DPI = 300
"""The most an image that does not state its resolution is taken to have."""
A4_WIDTH_IN = 8.27
# Outside this range a declared resolution is a placeholder (0, 1, JFIF's 72), not a scan's.
_CREDIBLE_DPI = range(100, 2401)
# Pillow reports broken files with several exception types; struct.error comes from TIFF tags.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)


def refuse_pixel_bomb(width: int, height: int, *, limit: int, page: int) -> None:
    """Raise ``PermanentJobError(pixel_bomb)`` if a ``width``×``height`` image is over ``limit``."""
    if width * height > limit:
        raise PermanentJobError(
            f"page {page} is {width}×{height} = {width * height:,} pixels, over the limit of "
            f"{limit:,} (ARCHIVE_MAX_IMAGE_PIXELS); rescan it at a lower resolution",
            code="pixel_bomb", extra={"page": page},
        )


class RasterDocument:
    """An opened PNG, JPEG, TIFF or HEIF; ``pages()`` decodes one page (TIFF frame) at a time."""

    def __init__(self, image: Image.Image, *, max_image_pixels: int) -> None:
        self._image = image
        self._max_image_pixels = max_image_pixels

    @property
    def page_count(self) -> int:
        if self._image.format != "TIFF":
            return 1  # an animated PNG's later frames are not pages
        with _decoding(page=None, limit=self._max_image_pixels):
            return int(getattr(self._image, "n_frames", 1))

    def pages(self) -> Iterator[PageImage]:
        """Each page's pixels, decoded when asked for; raises ``PermanentJobError``."""
        for number in range(1, self.page_count + 1):
            yield self.page(number)

    def page(self, number: int) -> PageImage:
        """Page ``number``'s pixels (the pages before it are not decoded)."""
        with _decoding(page=number, limit=self._max_image_pixels):
            if self._image.format == "TIFF":
                # A TIFF's frames are its pages; a HEIF is opened at its primary image,
                # which need not be its first.
                self._image.seek(number - 1)
            refuse_pixel_bomb(*self._image.size, limit=self._max_image_pixels, page=number)
            self._image.load()
            # Phone photos are often stored sideways with an EXIF orientation that
            # Tesseract would ignore. (libheif turns a HEIF as it decodes, irot and imir,
            # and pillow-heif resets its EXIF orientation, so it is not turned twice.)
            upright = ImageOps.exif_transpose(self._image)
            dpi, assumed = page_dpi(upright)
            return PageImage(pixels=ocr_pixels(upright), dpi=dpi, assumed=assumed)


@contextmanager
def open_raster(
    path: Path, media_type: MediaType, *, max_image_pixels: int
) -> Iterator[RasterDocument]:
    """Open ``path`` as ``media_type`` (already sniffed): its header only, whose size the
    archive checks against ``max_image_pixels`` before any pixel is decoded. Raises
    ``PermanentJobError`` (``pixel_bomb``, ``corrupt_image``)."""
    with _decoding(page=None, limit=max_image_pixels), _pillow_pixel_limit(None):
        image = _open_image(path, media_type)
    try:
        refuse_pixel_bomb(*image.size, limit=max_image_pixels, page=1)
        yield RasterDocument(image, max_image_pixels=max_image_pixels)
    finally:
        image.close()


def _open_image(path: Path, media_type: MediaType) -> Image.Image:
    """``path`` opened as ``media_type``, its header read and no pixel decoded."""
    pillow_format = _PILLOW_FORMATS[media_type]
    if pillow_format == "HEIF":
        # pillow-heif's plugin (libheif), registered in the process that first needs it;
        # one decoding thread, not its four: extraction runs one process per core.
        pillow_heif.register_heif_opener(decode_threads=1)
    return Image.open(path, formats=[pillow_format])


@contextmanager
def _pillow_pixel_limit(limit: int | None) -> Iterator[None]:
    # Pillow checks at open, in its own words (and names an attack): it warns above the
    # limit and refuses above twice it. Opening reads the header only, so the archive lifts
    # Pillow's check there (None) and says the size and what to do itself
    # (``refuse_pixel_bomb``); a warning left (a TIFF's tiles) is a bomb all the same. The
    # global is restored so one document's limit never leaks to the next.
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = limit
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS = previous


@contextmanager
def _decoding(*, page: int | None, limit: int) -> Iterator[None]:
    where = f"page {page}" if page else "the image"
    try:
        yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PermanentJobError(
            f"{where} has more pixels than the limit of {limit:,} (ARCHIVE_MAX_IMAGE_PIXELS) "
            "allows to decode safely; rescan it at a lower resolution",
            code="pixel_bomb", extra={"page": page} if page else None,
        ) from exc
    except _DECODE_ERRORS as exc:
        raise PermanentJobError(
            f"{where} cannot be decoded, the file is corrupt or truncated "
            f"({str(exc).strip()}); upload the original scan again",
            code="corrupt_image", extra={"page": page} if page else None,
        ) from exc


def ocr_pixels(image: Image.Image) -> Image.Image:
    """``image`` in a mode an OcrEngine takes (``1``, ``L``, ``RGB``); transparency becomes
    white paper, not black."""
    if image.mode in OCR_PIXEL_MODES:
        return image
    if image.mode == "I" or image.mode.startswith("I;16"):
        # 16 bits a sample (a scanner's 16-bit grey PNG or TIFF). Pillow converts these to
        # 8 bits by clipping at 255, so every shade but near-black (ink at 40 of 255 is
        # 10 280) came out white: a blank page read as empty. Its top 8 bits keep the page.
        samples = np.asarray(image, dtype=np.uint32) >> 8
        return Image.fromarray(np.clip(samples, 0, 255).astype(np.uint8))
    if "A" in image.getbands() or "transparency" in image.info:
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, "white")
        return Image.alpha_composite(paper, rgba).convert("RGB")
    return image.convert("L" if len(image.getbands()) == 1 else "RGB")


def page_dpi(frame: Image.Image) -> tuple[int, bool]:
    """The resolution ``frame`` states, if credible; else (``True``: assumed) what its
    width would be as a page of A4 or narrower (a letter, a form, a slip, a receipt),
    between 100 and ``ASSUMED_DPI``. Taken too high, PP-OCR's text detector sees the page
    shrunk to where small print is lost (a 150-dpi form taken as 300 dropped digits of a
    telephone number); Tesseract is told ``TESSERACT_ASSUMED_DPI`` of such a page
    (``PageImage.tesseract_dpi``)."""
    declared = frame.info.get("dpi")
    if isinstance(declared, tuple) and declared:
        dpi = round(float(declared[0]))
        if dpi in _CREDIBLE_DPI:
            return dpi, False
    return max(_CREDIBLE_DPI.start, min(ASSUMED_DPI, round(frame.width / A4_WIDTH_IN))), True
