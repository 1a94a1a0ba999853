"""What TesseractEngine hands tesseract: the page at its own size and resolution, smoothed
when grey or colour so a scanner's grain does not survive binarisation as ink."""

from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from services.ingest.extraction import (
    ExtractionLimits,
    PageImage,
    TesseractEngine,
    extract_document,
)
from tests.support.rendering import SIMPLIFIED_LINES, render_page, write_jpeg
from tests.unit.ingest.engines import write_recording_tesseract

# Tesseract's Otsu threshold on a white page with black text lands near the middle.
MID_GREY = 128


def _handed_over(tmp_path: Path, page: PageImage) -> Image.Image:
    engine = TesseractEngine(executable=str(write_recording_tesseract(tmp_path)))
    engine.read(page, language="chi_sim", timeout_s=10)
    return _recorded(tmp_path)[0]


def _recorded(directory: Path) -> tuple[Image.Image, list[str]]:
    """The image and the arguments the recording tesseract in ``directory`` was given."""
    image = Image.open(directory / "page")
    image.load()
    return image, (directory / "args").read_text(encoding="utf-8").split()


def _speck_and_stroke(mode: str) -> Image.Image:
    """White paper with a one-pixel speck at (10, 10) and a 3-pixel-wide stroke at x=30–32."""
    image = Image.new(mode, (60, 40), "white")
    draw = ImageDraw.Draw(image)
    draw.point((10, 10), fill="black")
    draw.rectangle((30, 5, 32, 35), fill="black")
    return image


@pytest.mark.parametrize("mode", ["L", "RGB"])
def test_grey_or_colour_page_reaches_tesseract_with_specks_faded_and_strokes_kept(
    tmp_path: Path, mode: str
) -> None:
    image = _handed_over(tmp_path, PageImage(pixels=_speck_and_stroke(mode), dpi=300))
    grey = image.convert("L")
    assert grey.getpixel((10, 10)) > MID_GREY
    assert grey.getpixel((31, 20)) < MID_GREY


def test_bilevel_page_reaches_tesseract_unchanged(tmp_path: Path) -> None:
    page = _speck_and_stroke("1")
    image = _handed_over(tmp_path, PageImage(pixels=page, dpi=300))
    assert image.convert("1").tobytes() == page.tobytes()


def test_200_dpi_scan_reaches_tesseract_at_its_own_size_told_200_dpi(tmp_path: Path) -> None:
    # Upscaling to 300 dpi, or telling tesseract 300, was measured to read no better.
    page = render_page(SIMPLIFIED_LINES[:2], dpi=200)
    scan = write_jpeg(tmp_path / "scan.jpeg", page)
    engine = TesseractEngine(executable=str(write_recording_tesseract(tmp_path)))
    list(extract_document(scan, limits=ExtractionLimits(), engine=engine, language="chi_sim"))
    image, args = _recorded(tmp_path)
    assert image.size == page.size
    assert args[args.index("--dpi") + 1] == "200"


def test_page_file_handed_over_is_removed_after_the_read(tmp_path: Path) -> None:
    _handed_over(tmp_path, PageImage(pixels=_speck_and_stroke("L"), dpi=300))
    _, args = _recorded(tmp_path)
    assert not Path(args[0]).exists()
