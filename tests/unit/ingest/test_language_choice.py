"""The OCR model is chosen once per document, overridable by a hint, and eng only for English."""

from pathlib import Path

import pytest

from services.common.config import load_settings
from services.ingest.extraction import ExtractionLimits, TesseractEngine, extract_document
from tests.support.rendering import (
    ENGLISH_LINES,
    TRADITIONAL_LINES,
    render_page,
    write_png,
    write_tiff,
)
from tests.unit.ingest.engines import RecordingEngine

pytestmark = pytest.mark.ocr

LIMITS = ExtractionLimits()


@pytest.fixture(scope="module")
def traditional_tiff(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pages = [
        render_page(TRADITIONAL_LINES[:3], script="traditional"),
        render_page(TRADITIONAL_LINES[3:6], script="traditional"),
    ]
    return write_tiff(tmp_path_factory.mktemp("language") / "request.tif", pages)


def test_first_chinese_page_is_read_with_both_models_and_later_pages_with_the_chosen_one(
    traditional_tiff: Path,
) -> None:
    engine = RecordingEngine(TesseractEngine())
    pages = list(extract_document(traditional_tiff, limits=LIMITS, engine=engine))
    assert engine.languages == ["chi_sim", "chi_tra", "chi_tra"]
    assert [page.language for page in pages] == ["chi_tra", "chi_tra"]


def test_language_hint_overrides_the_choice(traditional_tiff: Path) -> None:
    engine = RecordingEngine(TesseractEngine())
    pages = list(
        extract_document(traditional_tiff, limits=LIMITS, engine=engine, language="chi_sim")
    )
    assert engine.languages == ["chi_sim", "chi_sim"]
    assert [page.language for page in pages] == ["chi_sim", "chi_sim"]


def test_mostly_english_page_is_read_with_eng(tmp_path: Path) -> None:
    path = write_png(tmp_path / "notice.png", render_page(ENGLISH_LINES))
    [page] = extract_document(path, limits=LIMITS, engine=TesseractEngine())
    assert page.language == "eng"
    assert "water supply will be interrupted" in page.text


def test_ocr_languages_setting_limits_the_models_chosen_from() -> None:
    settings = load_settings({"ARCHIVE_OCR_LANGUAGES": "chi_tra+eng+chi_tra"}, env_file=None)
    assert ExtractionLimits.from_settings(settings).languages == ("chi_tra", "eng")


def test_only_chinese_model_allowed_reads_every_page_without_choosing(
    traditional_tiff: Path,
) -> None:
    engine = RecordingEngine(TesseractEngine())
    limits = ExtractionLimits(languages=("chi_tra", "eng"))
    pages = list(extract_document(traditional_tiff, limits=limits, engine=engine))
    assert engine.languages == ["chi_tra", "chi_tra"]
    assert [page.language for page in pages] == ["chi_tra", "chi_tra"]


def test_english_page_stays_with_chinese_models_when_eng_is_not_allowed(
    tmp_path: Path,
) -> None:
    path = write_png(tmp_path / "notice.png", render_page(ENGLISH_LINES))
    engine = RecordingEngine(TesseractEngine())
    limits = ExtractionLimits(languages=("chi_sim", "chi_tra"))
    [page] = extract_document(path, limits=limits, engine=engine)
    assert "eng" not in engine.languages
    assert page.language in ("chi_sim", "chi_tra")


def test_blank_page_has_no_confidence_and_is_flagged_for_review(tmp_path: Path) -> None:
    path = write_png(tmp_path / "blank.png", render_page([]))
    [page] = extract_document(path, limits=LIMITS, engine=TesseractEngine())
    assert (page.text, page.confidence, page.needs_review) == ("", 0.0, True)


def test_page_under_the_confidence_threshold_needs_review(traditional_tiff: Path) -> None:
    strict = ExtractionLimits(low_confidence=99.9)
    pages = extract_document(
        traditional_tiff, limits=strict, engine=TesseractEngine(), language="chi_tra"
    )
    assert next(pages).needs_review
