"""A PDF text layer that does not read as language (a broken font map's garbage, a scanner's
Latin OCR of Chinese print) is not indexed: the page is read by OCR instead."""

import re
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from fpdf import FPDF

from services.ingest.extraction import ExtractionLimits, TesseractEngine, extract_document
from services.ingest.extraction.text_layer import reads_as_language
from tests.support.cer import character_error_rate
from tests.support.rendering import (
    NOTO_SANS_CJK,
    SIMPLIFIED_LINES,
    page_height_in,
    render_page,
    write_digital_pdf,
)

LINES = SIMPLIFIED_LINES[:4]
# What Tesseract's English model makes of Chinese print, as scanners draw it invisible.
LATIN_OCR_JUNK = ("Ef'E%'z Efi'ii% R‘Ju'£'%%% fE5E f‘I='$ jE{-i'fiE 2‘{ X 'fi' 3 Ef'E",
                  "fig 1‘% Rfifii @M %E Efifi %%A'E\" fin 'I'i *7‘f‘ E *7‘i‘ a‘§ Ei")

Remap = Callable[[str], str | None]
"""What a broken ToUnicode map gives for a character (None: no map at all)."""


def _gbk_read_as_latin1(character: str) -> str:
    return character.encode("gbk").decode("latin-1") if ord(character) > 0x7F else character


def _rewritten_tounicode(path: Path, remap: Remap) -> Path:
    """The PDF at ``path`` with each font's ToUnicode map rewritten by ``remap`` (or removed),
    as old Chinese exporters write them: the page looks the same, its text layer does not."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        fonts = {font.objgen: font for page in pdf.pages
                 for _, font in page.Resources.Font.items()}
        for font in fonts.values():
            entries = re.findall(r"^<([0-9A-F]{4})> <([0-9A-F]+)>$",
                                 font.ToUnicode.read_bytes().decode("ascii"), re.MULTILINE)
            mapped = [(int(code, 16), bytes.fromhex(text).decode("utf-16-be"))
                      for code, text in entries if int(code, 16)]
            if remap(mapped[0][1]) is None:
                del font["/ToUnicode"]
                continue
            pairs = "".join(f"<{code:04X}> <{_utf16_hex(remap(text) or '')}>\n"
                            for code, text in mapped)
            font.ToUnicode = pikepdf.Stream(pdf, (
                "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
                "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
                f"{len(mapped)} beginbfchar\n{pairs}endbfchar\n"
                "endcmap CMapName currentdict /CMap defineresource pop end end").encode())
        pdf.save(path)
    return path


def _utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


@pytest.mark.ocr
@pytest.mark.parametrize("remap", [
    pytest.param(_gbk_read_as_latin1, id="gbk-bytes-as-latin1"),
    pytest.param(lambda character: chr(0x4E00 + ord(character) % 0x200),
                 id="glyph-numbers-as-cjk"),
    pytest.param(lambda character: None, id="no-tounicode"),
])
def test_a_text_layer_a_broken_font_map_garbled_is_read_by_ocr(
        tmp_path: Path, remap: Remap) -> None:
    # The second page: its glyph codes come after the first page's, past the control
    # characters, so without a map they read as ASCII letters and signs.
    path = _rewritten_tounicode(
        write_digital_pdf(tmp_path / "old.pdf", [SIMPLIFIED_LINES[4:], LINES]), remap)
    _, page = extract_document(path, limits=ExtractionLimits(), engine=TesseractEngine())
    assert page.method == "ocr"
    assert character_error_rate("".join(LINES), page.text) < 0.05


@pytest.mark.ocr
def test_a_scanners_latin_ocr_of_chinese_print_is_read_by_ocr_again(tmp_path: Path) -> None:
    pdf = FPDF(unit="pt", format=(7.0 * 72, page_height_in(len(LINES)) * 72))
    pdf.add_page()
    pdf.image(render_page(LINES), x=0, y=0, w=pdf.w, h=pdf.h)
    pdf.add_font("noto", fname=str(NOTO_SANS_CJK), collection_font_number=2)
    pdf.set_font("noto", size=10)
    pdf.text_mode = "INVISIBLE"
    for index, junk in enumerate(LATIN_OCR_JUNK):
        pdf.text(36, 40 + 30 * index, junk)
    pdf.output(str(tmp_path / "searchable.pdf"))
    [page] = extract_document(tmp_path / "searchable.pdf", limits=ExtractionLimits(),
                              engine=TesseractEngine())
    assert page.method == "ocr"
    assert character_error_rate("".join(LINES), page.text) < 0.05


def test_a_text_layer_of_printed_chinese_and_english_reads_as_language(tmp_path: Path) -> None:
    path = write_digital_pdf(tmp_path / "letter.pdf", [LINES])
    [page] = extract_document(path, limits=ExtractionLimits(), engine=TesseractEngine())
    assert (page.method, page.text) == ("text_layer", "\n".join(LINES))


@pytest.mark.parametrize("text", [
    "收费明细 2024-01-05 ¥1,200.00 (2024/1) 合计：¥3,600.00 元；备注——无。",
    "Mr. O'Brien's \"deposit\" (refundable) - see p. 3; e.g. items #4 & #5.",
    "業主陳嘉欣女士裝修申請書，申請於單位內更換廚房櫥櫃，工程期間遵守大廈守則。",
    "Madame Hélène Lefèvre a réglé les charges de l'été.",
    "Table of Contents 1 Introduction . . . . . . . . . . . . . . . . . . . . . . . . 1",
    "装修申请表 业主姓名：________ 联系电话：__________ 施工单位：______________",
])
def test_prose_tables_accents_and_leaders_read_as_language_even_over_a_scan(text: str) -> None:
    assert reads_as_language(text, over_scan=True)
