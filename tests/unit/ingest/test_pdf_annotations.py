"""What a PDF's annotations show is read with its page: a filled form field's value, the
words of a stamp placed as an image."""

import re
import zlib
from pathlib import Path

import pikepdf
import pytest
from fpdf import FPDF

from services.ingest.extraction import ExtractionLimits, TesseractEngine, extract_document
from tests.support.cer import character_error_rate
from tests.support.rendering import NOTO_SANS_CJK, SIMPLIFIED_LINES, render_page, write_digital_pdf

LABELS = ("装修申请表", "业主姓名：", "申请事项：")
VALUE = "陈嘉欣女士申请更换厨房橱柜"
MARGIN_PT = 36


def _filled_form(path: Path) -> Path:
    """A one-page form whose field 申请事项 holds ``VALUE``, drawn by its appearance stream
    in the page's own font, as a form filler saves it."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_font("noto", fname=str(NOTO_SANS_CJK), collection_font_number=2)
    pdf.set_font("noto", size=16)
    pdf.add_page()
    for index, label in enumerate(LABELS):
        pdf.text(60, 90 + 40 * index, label)
    pdf.add_page()  # draws the value once, so the embedded font holds its characters
    pdf.text(60, 90, VALUE)
    pdf.output(str(path))
    with pikepdf.open(path, allow_overwriting_input=True) as form:
        del form.pages[1]
        page = form.pages[0]
        name, font = next(iter(page.Resources.Font.items()))
        codes = {bytes.fromhex(text).decode("utf-16-be"): code for code, text in re.findall(
            r"^<([0-9A-F]{4})> <([0-9A-F]+)>$", font.ToUnicode.read_bytes().decode("ascii"),
            re.MULTILINE)}
        shown = "".join(codes[character] for character in VALUE)
        appearance = pikepdf.Stream(
            form, f"/Tx BMC BT {name} 14 Tf 2 6 Td <{shown}> Tj ET EMC".encode(),
            Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form, BBox=[0, 0, 300, 24],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary({name: font})))
        field = form.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx,
            T=pikepdf.String("item"), V=pikepdf.String(VALUE), F=4,
            Rect=[150, 842 - 170 - 6, 450, 842 - 170 + 18], AP=pikepdf.Dictionary(N=appearance)))
        page.Annots = form.make_indirect(pikepdf.Array([field]))
        form.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([field]))
        form.save(path)
    return path


def test_a_filled_form_fields_value_is_read_with_its_page(tmp_path: Path) -> None:
    path = _filled_form(tmp_path / "form.pdf")
    [page] = extract_document(path, limits=ExtractionLimits(), engine=TesseractEngine())
    assert (page.method, page.text) == ("text_layer", "\n".join((*LABELS, VALUE)))
    assert "".join(word.text for word in page.words) == "".join(page.text.split())


@pytest.mark.ocr
def test_the_words_of_a_stamp_placed_as_an_image_are_read(tmp_path: Path) -> None:
    # Two lines of text, and room below them where the stamp is placed.
    path = write_digital_pdf(tmp_path / "stamped.pdf", [(*SIMPLIFIED_LINES[4:6], *[""] * 8)])
    stamp = render_page(SIMPLIFIED_LINES[:1])
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        width = float(page.MediaBox[2])
        picture = pikepdf.Stream(
            pdf, zlib.compress(stamp.tobytes()), Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Image, Width=stamp.width, Height=stamp.height,
            ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8,
            Filter=pikepdf.Name.FlateDecode)
        box = [0, 0, width - 2 * MARGIN_PT, (width - 2 * MARGIN_PT) * stamp.height / stamp.width]
        appearance = pikepdf.Stream(
            pdf, f"q {box[2]} 0 0 {box[3]} 0 0 cm /Im0 Do Q".encode(),
            Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form, BBox=box,
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=picture)))
        page.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Stamp, F=4,
            Rect=[MARGIN_PT, MARGIN_PT, MARGIN_PT + box[2], MARGIN_PT + box[3]],
            AP=pikepdf.Dictionary(N=appearance)))]))
        pdf.save(path)
    [page] = extract_document(path, limits=ExtractionLimits(), engine=TesseractEngine())
    layer = "\n".join(SIMPLIFIED_LINES[4:6])
    assert page.text.startswith(layer + "\n")
    assert character_error_rate(SIMPLIFIED_LINES[0], page.text.removeprefix(layer)) < 0.05
