"""A digital PDF with a scan pasted in (a receipt, an ID card copy in a letter made with
Word): its text layer is read as it is, and the pasted image's writing by OCR beside it."""

from pathlib import Path

import pytest
from fpdf import FPDF
from PIL import Image

from services.ingest.extraction import (
    ExtractionLimits,
    OcrReading,
    PageText,
    TesseractEngine,
    extract_document,
)
from services.ingest.extraction.models import TextLine, WordBox
from services.ingest.extraction.pdf import RENDER_DPI
from tests.support.cer import character_error_rate
from tests.support.rendering import NOTO_SANS_CJK, SIMPLIFIED_LINES, render_page
from tests.unit.ingest.engines import RecordingEngine, ScriptedEngine

LETTER = ("客户服务中心收据附件说明", "以下为业主提供的缴费收据扫描件")
RECEIPT = SIMPLIFIED_LINES[:3]
# Where the pasted image lies on the A4 page, in points.
X_PT, Y_PT, WIDTH_PT = 60.0, 200.0, 470.0


def _letter_with(image: Image.Image, path: Path, *, width_pt: float = WIDTH_PT) -> Path:
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_page()
    pdf.add_font("noto", fname=str(NOTO_SANS_CJK), collection_font_number=2)
    pdf.set_font("noto", size=14)
    for index, line in enumerate(LETTER):
        pdf.text(60, 80 + 28 * index, line)
    pdf.image(image, x=X_PT, y=Y_PT, w=width_pt)
    pdf.output(str(path))
    return path


def _read(path: Path, engine: RecordingEngine | ScriptedEngine) -> PageText:
    [page] = extract_document(path, limits=ExtractionLimits(), engine=engine)
    return page


@pytest.mark.ocr
def test_a_scan_pasted_in_a_digital_letter_is_read_beside_its_text(tmp_path: Path) -> None:
    page = _read(_letter_with(render_page(RECEIPT), tmp_path / "letter.pdf"),
                 RecordingEngine(TesseractEngine()))
    layer, _, pasted = page.text.partition("\n".join(LETTER) + "\n")
    assert (layer, page.method) == ("", "text_layer")
    assert character_error_rate("".join(RECEIPT), pasted) < 0.05
    scale = RENDER_DPI / 72
    receipt_words = page.words[len("".join(LETTER)):]
    assert receipt_words
    assert all(word.left >= X_PT * scale - 1 and word.top >= Y_PT * scale - 1
               for word in receipt_words)


def test_a_logo_is_not_read(tmp_path: Path) -> None:
    engine = RecordingEngine(TesseractEngine())
    page = _read(_letter_with(render_page(RECEIPT[:1]), tmp_path / "logo.pdf", width_pt=80),
                 engine)
    assert (page.text, engine.languages) == ("\n".join(LETTER), [])


def test_a_photo_read_as_a_stray_character_adds_nothing_and_asks_no_review(
        tmp_path: Path) -> None:
    """A photo pasted in a repair report (a leaking pipe) reads as nothing, or as a stray
    character at a confidence of 6 (Tesseract): no writing to add to the page."""
    stray = OcrReading(text="二", words=(WordBox(text="二", confidence=6.0, left=10, top=10,
                                                 width=20, height=20),),
                       lines=(TextLine(text="二", confidence=6.0, left=10, top=10, width=20,
                                       height=20),))
    engine = ScriptedEngine(dict.fromkeys(("chi_sim", "chi_tra", "eng"), stray))
    page = _read(_letter_with(render_page(RECEIPT), tmp_path / "report.pdf"), engine)
    assert (page.text, page.needs_review, page.confidence) == ("\n".join(LETTER), False, 100.0)
