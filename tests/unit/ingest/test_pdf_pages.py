"""PDF pages: the text layer when usable, otherwise the page image as it is drawn."""

from pathlib import Path

import msgspec
import pypdfium2 as pdfium
import pytest
from fpdf import FPDF

from services.common.errors import PermanentJobError
from services.ingest.extraction import (
    ExtractionLimits,
    PageText,
    TesseractEngine,
    extract_document,
)
from services.ingest.extraction.document import break_long_lines
from tests.support.cer import character_error_rate
from tests.support.rendering import (
    SIMPLIFIED_LINES,
    TRADITIONAL_LINES,
    Script,
    render_page,
    write_digital_pdf,
    write_framed_scan_pdf,
    write_redacted_scan_pdf,
    write_scanned_pdf,
    write_stamped_scan_pdf,
    write_turned_digital_pdf,
)
from tests.unit.ingest.engines import RecordingEngine

LIMITS = ExtractionLimits()


def _extract(path: Path, engine: RecordingEngine | None = None) -> list[PageText]:
    return list(extract_document(path, limits=LIMITS, engine=engine or TesseractEngine()))


@pytest.mark.parametrize(
    ("lines", "script"), [(SIMPLIFIED_LINES, "simplified"), (TRADITIONAL_LINES, "traditional")]
)
def test_digital_pdf_text_is_read_exactly_without_ocr(
    tmp_path: Path, lines: tuple[str, ...], script: Script
) -> None:
    path = write_digital_pdf(tmp_path / "digital.pdf", [lines], script=script)
    engine = RecordingEngine(TesseractEngine())
    [page] = _extract(path, engine)
    assert (page.text, page.method, page.confidence) == ("\n".join(lines), "text_layer", 100.0)
    assert engine.languages == []


def test_every_page_of_a_digital_pdf_is_yielded_in_order(tmp_path: Path) -> None:
    pages = [SIMPLIFIED_LINES[:4], SIMPLIFIED_LINES[4:]]
    path = write_digital_pdf(tmp_path / "digital.pdf", pages)
    assert [page.text for page in _extract(path)] == ["\n".join(lines) for lines in pages]


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_a_page_stored_turned_and_shown_upright_reads_in_its_lines_order(
        tmp_path: Path, turn: int) -> None:
    lines = SIMPLIFIED_LINES[:6]
    [upright] = _extract(write_digital_pdf(tmp_path / "upright.pdf", [lines]))
    [page] = _extract(write_turned_digital_pdf(tmp_path / "turned.pdf", lines, turn=turn))
    assert (page.text, page.method) == ("\n".join(lines), "text_layer")
    # Each character's box where the upright page shows it (search marks it there).
    assert [(word.text, word.left, word.top) for word in page.words] == [
        (word.text, word.left, word.top) for word in upright.words]


def test_page_text_serialises_to_json_and_back(tmp_path: Path) -> None:
    path = write_digital_pdf(tmp_path / "digital.pdf", [SIMPLIFIED_LINES])
    [page] = _extract(path)
    assert msgspec.json.decode(msgspec.json.encode(page), type=PageText) == page


@pytest.mark.ocr
def test_pdf_mixing_digital_and_scanned_pages_reads_each_its_own_way(tmp_path: Path) -> None:
    digital = pdfium.PdfDocument(write_digital_pdf(tmp_path / "d.pdf", [SIMPLIFIED_LINES[:2]]))
    scanned = pdfium.PdfDocument(
        write_scanned_pdf(tmp_path / "s.pdf", [render_page(SIMPLIFIED_LINES[2:4])])
    )
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(digital)
    mixed.import_pages(scanned)
    mixed.save(tmp_path / "mixed.pdf")
    pages = _extract(tmp_path / "mixed.pdf")
    assert [page.method for page in pages] == ["text_layer", "ocr"]


@pytest.mark.ocr
def test_scan_carrying_a_short_text_stamp_is_still_ocred(tmp_path: Path) -> None:
    scan = render_page(SIMPLIFIED_LINES[:4])
    [page] = _extract(write_stamped_scan_pdf(tmp_path / "stamped.pdf", scan, stamp="第1页"))
    assert page.method == "ocr"
    assert character_error_rate("".join(SIMPLIFIED_LINES[:4]), page.text) < 0.03


@pytest.mark.ocr
def test_scan_not_filling_its_page_is_rendered_and_read(tmp_path: Path) -> None:
    scan = render_page(SIMPLIFIED_LINES[:4])
    [page] = _extract(write_framed_scan_pdf(tmp_path / "framed.pdf", scan))
    assert character_error_rate("".join(SIMPLIFIED_LINES[:4]), page.text) < 0.03


@pytest.mark.ocr
def test_text_under_a_redaction_box_is_not_read(tmp_path: Path) -> None:
    scan = render_page(SIMPLIFIED_LINES[:4])
    [page] = _extract(write_redacted_scan_pdf(tmp_path / "redacted.pdf", scan, line=2))
    assert "13800138000" not in page.text
    assert "维修申请" in page.text


def _one_line_pdf(path: Path, pages: list[int]) -> Path:
    """A PDF whose pages each hold one unbroken line of ``pages[i]`` Latin letters, in a
    print too small to read (what a text-layer bomb looks like)."""
    pdf = FPDF(unit="pt", format=(600, 800))
    pdf.set_font("helvetica", size=1)
    for letters in pages:
        pdf.add_page()
        pdf.text(10, 10, "ab" * (letters // 2))
    pdf.output(str(path))
    return path


def test_a_page_whose_text_layer_is_past_the_page_cap_fails_the_document(
        tmp_path: Path) -> None:
    limits = ExtractionLimits(max_page_text_chars=5_000)
    path = _one_line_pdf(tmp_path / "bomb.pdf", [1_000, 6_000])
    pages = extract_document(path, limits=limits, engine=TesseractEngine())
    assert next(pages).number == 1
    with pytest.raises(PermanentJobError) as refused:
        next(pages)
    assert (refused.value.code, refused.value.extra["page"]) == ("text_layer_too_large", 2)


def test_text_layers_past_the_document_cap_fail_the_document(tmp_path: Path) -> None:
    limits = ExtractionLimits(max_page_text_chars=5_000, max_document_text_chars=9_000)
    path = _one_line_pdf(tmp_path / "many.pdf", [4_000, 4_000, 4_000])
    with pytest.raises(PermanentJobError) as refused:
        list(extract_document(path, limits=limits, engine=TesseractEngine()))
    assert (refused.value.code, refused.value.extra["page"]) == ("text_layer_too_large", 3)


def test_a_text_layer_line_past_the_line_cap_is_broken_into_lines(tmp_path: Path) -> None:
    limits = ExtractionLimits(max_line_chars=1_000)
    [page] = extract_document(_one_line_pdf(tmp_path / "line.pdf", [2_500]), limits=limits,
                              engine=TesseractEngine())
    assert [len(line) for line in page.text.split("\n")] == [1_000, 1_000, 500]
    assert page.text.replace("\n", "") == "ab" * 1_250


def test_breaking_long_lines_keeps_short_lines_and_blank_lines() -> None:
    assert break_long_lines("甲乙\n\n" + "丙" * 5, 2) == "甲乙\n\n丙丙\n丙丙\n丙"
