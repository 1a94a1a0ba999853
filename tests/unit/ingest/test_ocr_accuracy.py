"""Real Tesseract on rendered Chinese pages: accuracy and the choice of model per document.

Each document is extracted once per module and shared by the tests that ask about it.
"""

from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from services.ingest.extraction import ExtractionLimits, PageText, TesseractEngine, extract_document
from tests.support.cer import character_error_rate
from tests.support.rendering import (
    LINES,
    Script,
    render_page,
    write_jpeg,
    write_png,
    write_scanned_pdf,
    write_tiff,
)

pytestmark = pytest.mark.ocr

MAX_CER = 0.03


def _one_page(writer: Callable[[Path, Image.Image], Path]) -> Callable[[Path, Script], Path]:
    def write(path: Path, script: Script) -> Path:
        return writer(path, render_page(LINES[script], script=script))

    return write


def _two_page_tiff(path: Path, script: Script) -> Path:
    lines = LINES[script]
    halves = [lines[: len(lines) // 2], lines[len(lines) // 2 :]]
    return write_tiff(path, [render_page(half, script=script) for half in halves])


def _scanned_pdf(path: Path, script: Script) -> Path:
    return write_scanned_pdf(path, [render_page(LINES[script], script=script)])


WRITERS: dict[str, Callable[[Path, Script], Path]] = {
    "png": _one_page(write_png),
    "jpeg": _one_page(write_jpeg),
    "tiff": _two_page_tiff,
    "pdf": _scanned_pdf,
}
DOCUMENTS = [(script, kind) for script in ("simplified", "traditional") for kind in WRITERS]
EXPECTED_MODEL = {"simplified": "chi_sim", "traditional": "chi_tra"}


@pytest.fixture(scope="module")
def extracted(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[Script, str], list[PageText]]:
    directory = tmp_path_factory.mktemp("rendered")
    results: dict[tuple[Script, str], list[PageText]] = {}

    def extract(script: Script, kind: str) -> list[PageText]:
        if (script, kind) not in results:
            path = WRITERS[kind](directory / f"{script}.{kind}", script)
            pages = extract_document(path, limits=ExtractionLimits(), engine=TesseractEngine())
            results[script, kind] = list(pages)
        return results[script, kind]

    return extract


@pytest.mark.parametrize(("script", "kind"), DOCUMENTS)
def test_character_error_rate_is_under_3_percent(
    extracted: Callable[[Script, str], list[PageText]], script: Script, kind: str
) -> None:
    text = "\n".join(page.text for page in extracted(script, kind))
    assert character_error_rate("\n".join(LINES[script]), text) < MAX_CER


@pytest.mark.parametrize(("script", "kind"), DOCUMENTS)
def test_model_is_chosen_by_the_script_on_the_page(
    extracted: Callable[[Script, str], list[PageText]], script: Script, kind: str
) -> None:
    languages = {page.language for page in extracted(script, kind)}
    assert languages == {EXPECTED_MODEL[script]}


@pytest.mark.parametrize(("script", "kind"), DOCUMENTS)
def test_every_page_is_numbered_and_marked_as_ocr(
    extracted: Callable[[Script, str], list[PageText]], script: Script, kind: str
) -> None:
    pages = extracted(script, kind)
    assert [(page.number, page.method) for page in pages] == [
        (number, "ocr") for number in range(1, len(pages) + 1)
    ]


def test_clear_scan_is_confident_and_not_flagged_for_review(
    extracted: Callable[[Script, str], list[PageText]],
) -> None:
    page = extracted("simplified", "png")[0]
    assert page.confidence > 80
    assert not page.needs_review


def test_no_spaces_are_left_between_chinese_characters(
    extracted: Callable[[Script, str], list[PageText]],
) -> None:
    text = extracted("simplified", "png")[0].text
    assert "维修申请单" in text
    assert "Room 1201" in text


def test_word_boxes_lie_inside_the_page(
    extracted: Callable[[Script, str], list[PageText]],
) -> None:
    page_image = render_page(LINES["simplified"])
    words = extracted("simplified", "png")[0].words
    assert words
    assert all(
        word.left + word.width <= page_image.width and word.top + word.height <= page_image.height
        for word in words
    )
