"""The order both OCR engines read a page in, on real models (no mocks): a page set in two
columns is read column by column, a heading across them first; a table's row is read
across as one line however far apart its cells are (``extraction.columns``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from services.common.text import fold
from services.ingest.extraction import (
    ExtractionLimits,
    OcrEngine,
    PageText,
    TesseractEngine,
    extract_document,
)
from services.ingest.extraction.ppocr import PpOcrEngine
from tests.support.cer import folded_error_rate
from tests.support.rendering import render_side_by_side, render_table, write_png

pytestmark = pytest.mark.ocr

ENGINES: dict[str, Callable[[], OcrEngine]] = {"ppocr": PpOcrEngine, "tesseract": TesseractEngine}
# Highest folded CER per page (test_ocr_engines): PP-OCR's target, Tesseract's looser bound.
MAX_PRINTED = {"ppocr": 0.003, "tesseract": 0.05}
LIMITS = ExtractionLimits()


def running_text(text: str, width: int = 14) -> list[str]:
    """``text`` set in lines of ``width`` characters, as a column of running text."""
    return [text[start:start + width] for start in range(0, len(text), width)]


LEFT = running_text("业主维修申请：一二零一室卫生间漏水严重，请物业管理处尽快安排"
                    "工程部人员上门检查，并在五个工作日内书面答复业主。")
RIGHT = running_text("维修费用按照管理规约由责任方承担，若涉及公共部位则由专项维修"
                     "资金支付。处理结果存入本户档案，业主可以查阅。")
HEADING = "安居物业服务中心关于一二零一室卫生间漏水维修申请的处理意见"
CHARGES = [["2024-01-05", "物业管理费", "356.40", "已缴"],
           ["2024-01-18", "电梯维修分摊", "120.00", "已缴"],
           ["2024-02-21", "装修垃圾清运", "300.00", "欠缴"],
           ["2024-03-12", "车位管理费", "150.00", "已缴"],
           ["2024-04-28", "门禁卡补办", "20.00", "预缴"]]


@pytest.fixture(scope="module", params=list(ENGINES))
def engine(request: pytest.FixtureRequest) -> tuple[str, OcrEngine]:
    return request.param, ENGINES[request.param]()


def read(engine: OcrEngine, path: Path) -> PageText:
    [page] = extract_document(path, limits=LIMITS, engine=engine)
    return page


def searchable(text: str) -> str:
    return "".join(fold(text).split())


def test_two_columns_are_read_column_by_column(
    engine: tuple[str, OcrEngine], tmp_path: Path
) -> None:
    """Read in rows, a column's lines came between the other's: a phrase over two lines
    of one column (漏水严重 here, over its first two) could not be found."""
    name, ocr = engine
    image = render_side_by_side([LEFT, RIGHT])
    page = read(ocr, write_png(tmp_path / "columns.png", image))
    assert folded_error_rate("\n".join(LEFT + RIGHT), page.text) <= MAX_PRINTED[name], page.text
    assert searchable(LEFT[0][-3:] + LEFT[1][:3]) in searchable(page.text)
    # The words in the order of the text, each still on its column of the page.
    sides = [word.left >= image.width / 2 for word in page.words]
    assert all(word.left + word.width < image.width / 2 for word, right in
               zip(page.words, sides, strict=True) if not right)
    assert sides == sorted(sides)


def test_a_heading_across_both_columns_is_read_first(
    engine: tuple[str, OcrEngine], tmp_path: Path
) -> None:
    name, ocr = engine
    page = read(ocr, write_png(tmp_path / "notice.png",
                               render_side_by_side([LEFT, RIGHT], heading=HEADING)))
    assert folded_error_rate(HEADING, page.text.splitlines()[0]) <= MAX_PRINTED[name]
    assert folded_error_rate("\n".join([HEADING, *LEFT, *RIGHT]),
                             page.text) <= MAX_PRINTED[name], page.text


def test_a_wide_table_row_is_read_across_as_one_line(
    engine: tuple[str, OcrEngine], tmp_path: Path
) -> None:
    """Cells far apart are no columns: a row read cell by cell across is the table read
    right (Tesseract's own layout took each of its columns for a column of text)."""
    name, ocr = engine
    page = read(ocr, write_png(tmp_path / "charges.png", render_table(CHARGES)))
    lines = [line for line in page.text.splitlines() if line.strip()]
    assert len(lines) == len(CHARGES), page.text
    for line, row in zip(lines, CHARGES, strict=True):
        assert folded_error_rate(" ".join(row), line) <= MAX_PRINTED[name], page.text
