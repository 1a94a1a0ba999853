"""What TesseractEngine reads: the page at its own size, in any pixel mode, smoothed when grey
or colour so a scanner's grain does not survive binarisation as ink; and each page on its own,
whatever the process read before."""

import pytest
from PIL import Image, ImageDraw

from services.ingest.extraction import OcrReading, PageImage, TesseractEngine, remove_cjk_spaces
from services.ingest.extraction.engine import denoised
from tests.support.cer import character_error_rate
from tests.support.rendering import SIMPLIFIED_LINES, TRADITIONAL_LINES, render_page

pytestmark = pytest.mark.ocr

# Tesseract's Otsu threshold on a white page with black text lands near the middle.
MID_GREY = 128
MAX_CER = 0.03


def _speck_and_stroke(mode: str) -> Image.Image:
    """White paper with a one-pixel speck at (10, 10) and a 3-pixel-wide stroke at x=30–32."""
    image = Image.new(mode, (60, 40), "white")
    draw = ImageDraw.Draw(image)
    draw.point((10, 10), fill="black")
    draw.rectangle((30, 5, 32, 35), fill="black")
    return image


def _read(pixels: Image.Image, dpi: int = 300) -> OcrReading:
    return TesseractEngine().read(PageImage(pixels=pixels, dpi=dpi), language="chi_sim",
                                  timeout_s=30)


def _cer(reading: OcrReading, lines: tuple[str, ...] | list[str]) -> float:
    return character_error_rate("\n".join(lines), remove_cjk_spaces(reading.text))


@pytest.mark.parametrize("mode", ["L", "RGB"])
def test_grey_or_colour_page_is_smoothed_specks_faded_and_strokes_kept(mode: str) -> None:
    grey = denoised(_speck_and_stroke(mode)).convert("L")
    assert grey.getpixel((10, 10)) > MID_GREY
    assert grey.getpixel((31, 20)) < MID_GREY


def test_bilevel_page_is_not_smoothed() -> None:
    page = _speck_and_stroke("1")
    assert denoised(page).tobytes() == page.tobytes()


@pytest.mark.parametrize("mode", ["1", "L", "RGB"])
def test_page_in_any_pixel_mode_is_read(mode: str) -> None:
    page = render_page(SIMPLIFIED_LINES[:3]).convert(mode)
    assert _cer(_read(page), SIMPLIFIED_LINES[:3]) < MAX_CER


def test_200_dpi_scan_is_read_at_its_own_size() -> None:
    # Upscaling to 300 dpi, or telling tesseract 300, was measured to read no better.
    page = render_page(SIMPLIFIED_LINES[:3], dpi=200)
    reading = _read(page, dpi=200)
    assert _cer(reading, SIMPLIFIED_LINES[:3]) < MAX_CER
    assert max(word.left + word.width for word in reading.words) <= page.width
    assert max(word.top + word.height for word in reading.words) <= page.height
    assert min(word.left for word in reading.words) < page.width // 10


def test_a_page_reads_the_same_whatever_the_process_read_before() -> None:
    first = render_page(SIMPLIFIED_LINES[:3])
    before = _read(first)
    _read(render_page(TRADITIONAL_LINES[3:], script="traditional"))
    _read(render_page(SIMPLIFIED_LINES[5:], dpi=200), dpi=200)
    assert _read(first) == before
