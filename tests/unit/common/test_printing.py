"""The printouts' tables (``services.common.printing.table``), drawn cell by cell: every
row's values on the paper, headings again on each new page, a long value wrapped whole."""

from __future__ import annotations

import pypdfium2

from services.common.printing import FONT, Column, begin_part, cjk_pdf, finished, table

COLUMNS = (Column("序号", 12), Column("户号", 20, unbroken=True), Column("题名", 40))


def _pages(rows: list[list[str]]) -> list[str]:
    document = cjk_pdf()
    begin_part(document, "测试目录")
    document.set_font(FONT, size=10)
    table(document, COLUMNS, rows)
    return [page.get_textpage().get_text_range()
            for page in pypdfium2.PdfDocument(finished(document))]


def test_a_table_longer_than_a_page_heads_every_page_and_keeps_every_row() -> None:
    rows = [[str(number), f"A-{number:04d}", f"维修记录{number}"] for number in range(1, 201)]
    pages = _pages(rows)
    assert len(pages) > 1
    assert all("户号" in page and "题名" in page for page in pages)
    text = "".join(pages)
    assert all(f"A-{number:04d}" in text and f"维修记录{number}" in text
               for number in range(1, 201))


def test_a_value_too_wide_for_its_column_wraps_onto_lines_losing_nothing() -> None:
    title = "关于二〇二四年五月十八日一二〇一室卫生间漏水影响楼下住户的维修与赔偿协商记录"
    (page,) = _pages([["1", "A-1201", title]])
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    wrapped = [line for line in lines if line and line in title]
    assert len(wrapped) > 1
    assert "".join(wrapped) == title


def test_a_code_too_wide_for_its_column_is_printed_smaller_on_one_line() -> None:
    (page,) = _pages([["1", "WWWW-88888", "短"]])
    assert any("WWWW-88888" in line for line in page.splitlines())
