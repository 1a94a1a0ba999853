"""An OCR engine that crashes, hangs or emits garbage fails the page readably, in time."""

import time
from pathlib import Path

import pytest

from services.common.errors import DependencyUnavailable, PermanentJobError
from services.ingest.extraction import (
    ExtractionLimits,
    OcrEngine,
    PageText,
    TesseractEngine,
    extract_document,
)
from tests.support.rendering import SIMPLIFIED_LINES, render_page, write_png
from tests.unit.ingest.engines import (
    BadUtf8Engine,
    NegativeBoxEngine,
    OverconfidentEngine,
    write_faulty_tesseract,
)

LIMITS = ExtractionLimits(page_timeout_s=1.0)


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = render_page(SIMPLIFIED_LINES[:2])
    return write_png(tmp_path_factory.mktemp("faults") / "request.png", page)


def _extract(path: Path, engine: OcrEngine) -> list[PageText]:
    return list(extract_document(path, limits=LIMITS, engine=engine))


def _fail(path: Path, engine: OcrEngine) -> PermanentJobError:
    with pytest.raises(PermanentJobError) as failure:
        _extract(path, engine)
    return failure.value


def test_crashing_tesseract_fails_the_page_naming_the_signal(scan: Path, tmp_path: Path) -> None:
    engine = TesseractEngine(executable=str(write_faulty_tesseract(tmp_path, "crashing")))
    failure = _fail(scan, engine)
    assert failure.code == "ocr_crashed"
    assert "SIGSEGV" in failure.detail


def test_hanging_tesseract_is_stopped_at_the_page_timeout(scan: Path, tmp_path: Path) -> None:
    engine = TesseractEngine(executable=str(write_faulty_tesseract(tmp_path, "hanging")))
    started = time.monotonic()
    failure = _fail(scan, engine)
    assert failure.code == "ocr_timeout"
    assert time.monotonic() - started < LIMITS.page_timeout_s + 3


def test_timeout_message_says_what_to_do(scan: Path, tmp_path: Path) -> None:
    engine = TesseractEngine(executable=str(write_faulty_tesseract(tmp_path, "hanging")))
    assert "ARCHIVE_PAGE_TIMEOUT_S" in _fail(scan, engine).detail


def test_failing_tesseract_keeps_its_own_message(scan: Path, tmp_path: Path) -> None:
    engine = TesseractEngine(executable=str(write_faulty_tesseract(tmp_path, "failing")))
    failure = _fail(scan, engine)
    assert failure.code == "ocr_failed"
    assert "Failed loading language 'chi_sim'" in failure.detail


@pytest.mark.parametrize("fault", ["garbling", "babbling"])
def test_tesseract_output_that_is_not_utf8_tsv_is_bad_output(
    scan: Path, tmp_path: Path, fault: str
) -> None:
    engine = TesseractEngine(executable=str(write_faulty_tesseract(tmp_path, fault)))
    assert _fail(scan, engine).code == "ocr_bad_output"


def test_engine_failure_names_the_page(scan: Path, tmp_path: Path) -> None:
    engine = TesseractEngine(executable=str(write_faulty_tesseract(tmp_path, "crashing")))
    failure = _fail(scan, engine)
    assert failure.detail.startswith("page 1: ")
    assert failure.extra["page"] == 1


@pytest.mark.parametrize("engine", [OverconfidentEngine(), NegativeBoxEngine(), BadUtf8Engine()])
def test_reading_that_breaks_the_contract_is_bad_output(scan: Path, engine: OcrEngine) -> None:
    assert _fail(scan, engine).code == "ocr_bad_output"


def test_missing_tesseract_is_a_dependency_to_install(scan: Path, tmp_path: Path) -> None:
    engine = TesseractEngine(executable=str(tmp_path / "no-such-tesseract"))
    with pytest.raises(DependencyUnavailable) as missing:
        _extract(scan, engine)
    assert "install Tesseract" in missing.value.detail
