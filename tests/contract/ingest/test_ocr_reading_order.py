"""The order both OCR engines read a page in, on real models (no mocks): a page set in two
columns is read column by column, a heading across them first; a table's row is read
across as one line however far apart its cells are (``extraction.columns``)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter

from services.common.text import fold
from services.ingest.extraction import (
    ExtractionLimits,
    OcrEngine,
    PageText,
    extract_document,
)
from tests.support.cer import folded_error_rate
from tests.support.ocr import ENGINES, MAX_PRINTED
from tests.support.rendering import (
    render_side_by_side,
    render_table,
    sensor_noise,
    write_jpeg,
    write_png,
)

pytestmark = pytest.mark.ocr

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


HOUSEHOLDS = [["1栋0102", "张伟", "101.00", "282.80", "77.39", "150.00", "已缴"],
              ["1栋0202", "王芳", "69.00", "193.20", "71.06", "0.00", "已缴"],
              ["1栋0302", "李娜", "134.00", "375.20", "32.90", "300.00", "欠缴"],
              ["1栋0402", "刘洋", "64.00", "179.20", "34.30", "150.00", "已缴"],
              ["2栋0102", "陈静", "90.00", "252.00", "34.54", "150.00", "预缴"],
              ["2栋0202", "杨帆", "132.00", "369.60", "36.19", "0.00", "已缴"]]


@pytest.mark.parametrize("tilt", [3, -3])
def test_a_wide_table_photographed_askew_is_read_row_by_row(
    engine: tuple[str, OcrEngine], tilt: int, tmp_path: Path
) -> None:
    """A table's cells are too short to tell their tilt (PP-OCR measured 0° or 4.8° on
    cells 3° askew): levelled by them, a row's far end lay a row away and each row was read
    as two, in the wrong order. They are levelled by the rows they line up in."""
    name, ocr = engine
    image = render_table(HOUSEHOLDS, cell_in=1.9).rotate(
        tilt, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    image = ImageChops.add(image.filter(ImageFilter.GaussianBlur(0.8)),
                           sensor_noise(image.size, random.Random(tilt), sigma=14),
                           scale=1.0, offset=-128)
    image.info["dpi"] = (300, 300)
    page = read(ocr, write_jpeg(tmp_path / "households.jpeg", image, quality=85))
    lines = [line for line in page.text.splitlines() if line.strip()]
    assert len(lines) == len(HOUSEHOLDS), page.text
    # Each line is its row (half a row would be half wrong), whatever Tesseract misreads.
    assert all(folded_error_rate(" ".join(row), line) <= 0.2
               for line, row in zip(lines, HOUSEHOLDS, strict=True)), page.text
    assert folded_error_rate("\n".join(" ".join(row) for row in HOUSEHOLDS),
                             page.text) <= 2 * MAX_PRINTED[name], page.text
