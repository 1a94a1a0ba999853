"""A page's resolution, which sets how far the text detector shrinks it: what an image that
does not state one is taken to have, and what PP-OCR reads where the stated one is more
than the text has (small print the detector would see too small to read).

Found by a new user: a 150-dpi form saved as PNG without a resolution was read as if
300 dpi, and its telephone number 0755-88881234 came back as 078-881234, at 97 %
confidence; a receipt 6 000 pixels long lost most of its amounts."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from services.ingest.extraction import (
    ExtractionLimits,
    PageImage,
    TesseractEngine,
    extract_document,
)
from services.ingest.extraction.images import RasterDocument
from services.ingest.extraction.ppocr import PpOcrEngine
from tests.support.cer import folded_error_rate
from tests.support.rendering import SIMPLIFIED_LINES, on_a4, render_page, render_receipt

MAX_CER = 0.003  # PP-OCR's bound on print (tests/contract/ingest/test_ocr_engines.py)


def _opened(image: Image.Image, fmt: str, **saved: object) -> Image.Image:
    data = io.BytesIO()
    image.save(data, format=fmt, **saved)
    data.seek(0)
    return Image.open(data)


def _stated(size: tuple[int, int], fmt: str = "PNG", **saved: object) -> int:
    image = _opened(Image.new("L", size, 255), fmt, **saved)
    return RasterDocument(image, max_image_pixels=10**9).page(1).dpi


@pytest.mark.parametrize(("size", "saved", "dpi"), [
    ((1240, 1754), {}, 150),                  # A4 at 150 dpi, no resolution stated
    ((2480, 3508), {}, 300),                  # A4 at 300 dpi
    ((3024, 4032), {}, 300),                  # a phone's photo: taken as at most 300
    ((1240, 1754), {"dpi": (72, 72)}, 150),   # JFIF's placeholder 72 is no resolution
    ((600, 6000), {}, 100),                   # a receipt's strip: never under 100
    ((1240, 1754), {"dpi": (200, 200)}, 200),  # a stated resolution is taken as stated
])
def test_an_image_not_stating_its_resolution_is_taken_as_a_page_no_wider_than_a4(
        size: tuple[int, int], saved: dict[str, object], dpi: int) -> None:
    assert _stated(size, **saved) == dpi
    assert _stated(size, "JPEG", **saved) == dpi


def _read(path: Path) -> str:
    pages = list(extract_document(path, limits=ExtractionLimits(), engine=PpOcrEngine()))
    return "\n".join(page.text for page in pages)


@pytest.mark.ocr
def test_small_print_scanned_at_150_dpi_and_saved_without_a_resolution_is_read(
        tmp_path: Path) -> None:
    path = tmp_path / "form.png"
    on_a4(render_page(SIMPLIFIED_LINES, dpi=150, point_size=9), 150).save(path, format="PNG")
    assert folded_error_rate("\n".join(SIMPLIFIED_LINES), _read(path)) <= MAX_CER


@pytest.mark.ocr
def test_a_page_stating_twice_the_resolution_its_print_has_is_read() -> None:
    """A 150-dpi page said to be 300 (resampled by a program that kept the old figure):
    the detector, shown it at a third of its size, finds its lines too thin, and looks
    again closer."""
    page = PageImage(pixels=render_page(SIMPLIFIED_LINES, dpi=150, point_size=9), dpi=300)
    reading = PpOcrEngine().read(page, timeout_s=60)
    assert folded_error_rate("\n".join(SIMPLIFIED_LINES), reading.text) <= MAX_CER


@pytest.mark.ocr
def test_a_long_strip_of_a_receipt_is_read_line_by_line(tmp_path: Path) -> None:
    """A new user's receipt, 600 × 6 000 pixels, stating no resolution: shrunk to fit a
    side of 1 280, its lines merged and lost their amounts; the detector's limit is an
    area."""
    strip, lines = render_receipt()
    path = tmp_path / "receipt.png"
    strip.save(path, format="PNG")
    read = _read(path).splitlines()
    assert [line.replace(" ", "") for line in lines] == [line.replace(" ", "") for line in read]


@pytest.mark.ocr
def test_tesseract_is_told_300_dpi_of_a_page_stating_no_resolution() -> None:
    """Told less than its print's resolution, Tesseract's layout analysis may break large
    print into pieces (two lines of a 300-dpi slip told 121 came back as six), so of a
    page stating none it is told 300, as before, and reads it as if the file said so;
    PP-OCR's detector takes the estimate from the width (181 for this slip)."""
    slip = render_page(SIMPLIFIED_LINES[:2], dpi=300).crop((0, 0, 1500, 480))
    unstated = RasterDocument(_opened(slip, "PNG"), max_image_pixels=10**9).page(1)
    stated = PageImage(pixels=unstated.pixels, dpi=300)
    assert (unstated.dpi, unstated.assumed, unstated.tesseract_dpi) == (181, True, 300)
    engine = TesseractEngine()
    assert engine.read(unstated, language="chi_sim", timeout_s=60).text == engine.read(
        stated, language="chi_sim", timeout_s=60).text
