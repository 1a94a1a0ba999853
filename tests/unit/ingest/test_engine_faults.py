"""An OCR engine that runs out of time, lacks its models or answers nonsense fails the page
readably, in time. (One that crashes takes its process with it: ``test_worker_faults``.)"""

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
from services.ingest.extraction.engine import (
    TESSDATA_DIRS,
    find_tessdata,
    parse_tsv,
    require_models,
)
from tests.support.rendering import SIMPLIFIED_LINES, render_page, write_png
from tests.unit.ingest.engines import BadUtf8Engine, NegativeBoxEngine, OverconfidentEngine

pytestmark = pytest.mark.ocr

# Far less than a full page of Chinese needs (~0.3 s), and more than Tesseract's checks of it.
TOO_SHORT = ExtractionLimits(page_timeout_s=0.02)
TSV_WORD = "5\t1\t1\t1\t1\t1\t10\t20\t30\t40\t96.5\t维修"  # page 1, block 1, paragraph 1, line 1


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = render_page(SIMPLIFIED_LINES)
    return write_png(tmp_path_factory.mktemp("faults") / "request.png", page)


def _extract(path: Path, engine: OcrEngine, limits: ExtractionLimits) -> list[PageText]:
    return list(extract_document(path, limits=limits, engine=engine, language="chi_sim"))


def _fail(path: Path, engine: OcrEngine, limits: ExtractionLimits = TOO_SHORT
          ) -> PermanentJobError:
    with pytest.raises(PermanentJobError) as failure:
        _extract(path, engine, limits)
    return failure.value


def test_page_over_its_time_limit_is_stopped_in_time(scan: Path) -> None:
    engine = TesseractEngine()
    started = time.monotonic()
    _extract(scan, engine, ExtractionLimits())
    whole_read = time.monotonic() - started
    started = time.monotonic()
    failure = _fail(scan, engine)
    stopped_after = time.monotonic() - started
    assert failure.code == "ocr_timeout"
    # Measured against a whole read of the same page just before, so that a loaded
    # machine slows both alike: a stopped page must not have waited for the reading.
    assert stopped_after < whole_read


def test_timeout_names_the_page_and_says_what_to_do(scan: Path) -> None:
    failure = _fail(scan, TesseractEngine())
    assert failure.detail.startswith("page 1: ")
    assert failure.extra["page"] == 1
    assert "ARCHIVE_PAGE_TIMEOUT_S" in failure.detail


def test_engine_reads_the_page_again_after_a_timeout(scan: Path) -> None:
    engine = TesseractEngine()
    _fail(scan, engine)
    [page] = _extract(scan, engine, ExtractionLimits())
    assert "物业管理处" in page.text


@pytest.mark.parametrize("tsv", [
    "Estimating resolution as 300",
    TSV_WORD.replace("\t96.5", ""),
    TSV_WORD.replace("10\t20", "ten\t20"),
    TSV_WORD.replace("96.5", "high"),
])
def test_tesseract_output_that_is_not_its_tsv_is_bad_output(tsv: str) -> None:
    with pytest.raises(PermanentJobError) as failure:
        parse_tsv(tsv)
    assert failure.value.code == "ocr_bad_output"


def test_tsv_words_become_lines_and_boxes() -> None:
    same_line = "5\t1\t1\t1\t1\t2\t45\t20\t30\t40\t90\t申请"
    next_line = "5\t1\t1\t1\t2\t1\t10\t70\t30\t40\t90\t单"
    next_paragraph = "5\t1\t1\t2\t1\t1\t10\t140\t30\t40\t-1\t备查"
    page = "1\t1\t0\t0\t0\t0\t0\t0\t100\t200\t-1\t"
    reading = parse_tsv("\n".join([page, TSV_WORD, same_line, next_line, next_paragraph]))
    assert reading.text == "维修 申请\n单\n\n备查"
    assert reading.words[-1].confidence == 0
    assert (reading.words[0].left, reading.words[0].height, reading.words[0].confidence) == (
        10, 40, 96.5)


def test_tsv_lines_run_across_a_gutter_are_parted_and_read_column_by_column() -> None:
    """On a short page Tesseract ran each line of the left column into the line beside it
    in the right one; parted at the gutter, each column is read to its end first."""
    left = ["业主维修申请一二零一室卫生间", "漏水严重请物业管理处尽快安排",
            "工程部人员上门检查维修处理"]
    right = ["维修费用按照管理规约由责任方", "承担若涉及公共部位则由专项维",
             "修资金支付处理结果存档备查"]
    rows = [f"5\t1\t1\t1\t{number}\t{word}\t{left_px}\t{100 * number}\t600\t40\t90\t{text}"
            for number, (one, other) in enumerate(zip(left, right, strict=True), start=1)
            for word, left_px, text in ((1, 100, one), (2, 900, other))]
    reading = parse_tsv("\n".join(rows))
    assert reading.text.splitlines() == left + right
    assert [word.text for word in reading.words] == left + right
    assert [line.text for line in reading.lines] == left + right


@pytest.mark.parametrize("engine", [OverconfidentEngine(), NegativeBoxEngine(), BadUtf8Engine()])
def test_reading_that_breaks_the_contract_is_bad_output(scan: Path, engine: OcrEngine) -> None:
    assert _fail(scan, engine, ExtractionLimits()).code == "ocr_bad_output"


def test_missing_model_is_a_dependency_to_install(scan: Path, tmp_path: Path) -> None:
    with pytest.raises(DependencyUnavailable) as missing:
        _extract(scan, TesseractEngine(tessdata=tmp_path), ExtractionLimits())
    assert missing.value.code == "ocr_engine_missing"
    assert "'chi_sim'" in missing.value.detail
    assert "tesseract-ocr-chi-sim" in missing.value.detail


def test_each_model_missing_from_the_models_directory_is_named(tmp_path: Path) -> None:
    installed = next(directory for directory in TESSDATA_DIRS if directory.is_dir())
    (tmp_path / "chi_sim.traineddata").symlink_to(installed / "chi_sim.traineddata")
    assert require_models(["chi_sim"], tessdata=tmp_path) == tmp_path
    with pytest.raises(DependencyUnavailable) as missing:
        require_models(["chi_sim", "chi_tra", "osd"], tessdata=tmp_path)
    assert missing.value.code == "ocr_engine_missing"
    assert missing.value.detail.startswith(f"no Tesseract model 'chi_tra', 'osd' in {tmp_path}; ")
    assert "tesseract-ocr-chi-tra" in missing.value.detail


def test_models_are_found_where_tessdata_prefix_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    assert find_tessdata() == tmp_path
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path / "missing"))
    with pytest.raises(DependencyUnavailable) as missing:
        find_tessdata()
    assert "TESSDATA_PREFIX" in missing.value.detail
