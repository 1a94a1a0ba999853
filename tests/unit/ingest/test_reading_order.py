"""The order of a page's lines from their boxes alone (``extraction.columns``): the layouts
the OCR contract renders and a few it does not, as boxes of 50-pixel lines."""

from __future__ import annotations

from services.ingest.extraction.columns import Box, reading_order

HEIGHT = 50


def line(left: float, width: float, row: int, *, pitch: float = 90, top: float = 0) -> Box:
    return (left, top + row * pitch, left + width, top + row * pitch + HEIGHT)


def lines_of(boxes: list[Box], order: tuple[tuple[int, ...], ...]) -> list[list[Box]]:
    return [[boxes[index] for index in row] for row in order]


def test_two_columns_under_a_heading_are_read_heading_then_column_by_column() -> None:
    heading = [line(100, 1800, 0)]
    left = [line(100, 850, row, top=120) for row in range(6)]
    right = [line(1050, 850, row, top=120) for row in range(4)] + [line(1050, 400, 4, top=120)]
    boxes = heading + right + left
    assert lines_of(boxes, reading_order(boxes)) == [[box] for box in heading + left + right]


def test_columns_whose_lines_do_not_line_up_are_read_one_after_the_other() -> None:
    left = [line(100, 850, row, pitch=90) for row in range(8)]
    right = [line(1050, 850, row, pitch=70, top=30) for row in range(10)]
    boxes = left + right
    assert lines_of(boxes, reading_order(boxes)) == [[box] for box in left + right]


def test_a_wide_tables_rows_are_read_across() -> None:
    rows = [[line(100 + 600 * cell, 250, row) for cell in range(5)] for row in range(8)]
    boxes = [box for row in rows for box in row]
    assert lines_of(boxes, reading_order(boxes)) == rows


def test_a_table_with_a_column_of_long_cells_beside_a_letter_is_read_table_first() -> None:
    """The dates, each as long as a short line of text, lie beside the rest of their rows:
    no column of their own; the letter beside the table is one."""
    table = [[line(100, 500, row, pitch=100), line(800, 400, row, pitch=100),
              line(1400, 200, row, pitch=100)] for row in range(10)]
    letter = [line(2000, 1400, row, pitch=75) for row in range(14)]
    boxes = letter + [box for row in table for box in row]
    assert lines_of(boxes, reading_order(boxes)) == table + [[box] for box in letter]


def test_a_forms_labels_stay_beside_what_was_written_after_them() -> None:
    rows = [[line(100, 200, row), line(800, 1200, row)] for row in range(8)]
    boxes = [box for row in rows for box in row]
    assert lines_of(boxes, reading_order(boxes)) == rows


def test_a_letters_closing_lines_stay_in_rows() -> None:
    body = [[line(100, 1800, row)] for row in range(6)]
    closing = [[line(100, 150, 6)], [line(100, 150, 7), line(1500, 400, 7)],
               [line(1500, 400, 8)]]
    boxes = [box for row in body + closing for box in row]
    assert lines_of(boxes, reading_order(boxes)) == body + closing
