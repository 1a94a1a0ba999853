"""A phone's HEIC photo of a page is read as a JPEG photo is: decoded by libheif, stood
upright by the turn stored beside its pixels, and read with real Tesseract."""


import pytest

from services.ingest.extraction import ExtractionLimits, PageText, TesseractEngine, extract_document
from tests.support.cer import character_error_rate
from tests.support.rendering import SIMPLIFIED_LINES, render_page, write_heic

pytestmark = pytest.mark.ocr

LINES = SIMPLIFIED_LINES[:3]


@pytest.fixture(scope="module")
def sideways_photo(tmp_path_factory: pytest.TempPathFactory) -> list[PageText]:
    path = write_heic(tmp_path_factory.mktemp("photos") / "IMG_0001.HEIC", render_page(LINES),
                      stored_sideways=True)
    return list(extract_document(path, limits=ExtractionLimits(), engine=TesseractEngine()))


def test_a_heic_photo_is_read_by_ocr_under_3_percent_cer(
        sideways_photo: list[PageText]) -> None:
    [page] = sideways_photo
    assert page.method == "ocr"
    assert character_error_rate("\n".join(LINES), page.text, fold_width=True) < 0.03


def test_a_heic_photo_stored_sideways_reaches_the_engine_upright(
        sideways_photo: list[PageText]) -> None:
    # Tesseract reads only what it is given: a page given sideways would be read turned
    # (rotation 90 or 270), after a doubtful first reading.
    [page] = sideways_photo
    assert page.rotation == 0
