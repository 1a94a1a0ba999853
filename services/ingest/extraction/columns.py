"""In which order a page's lines are read: rows, and columns side by side (分栏).

A page is read in rows, top to bottom, each row's boxes left to right (a table's row is
read cell by cell across, however far apart its cells are). Where the page is set in
columns (two columns of running text, a table of charges beside a letter, two pages of
A4 scanned side by side on A3), each column is read to its end before the next: read in
rows, their lines came out interleaved (84 % of the characters wrong against the text in
reading order) and a phrase running over two lines of a column could not be found.

Columns are found as in an XY-cut, recursively: a vertical gutter is an x that no box
crosses over a run of rows; the rows that do cross it (a heading over both columns, a
footer) are read in their place, before or after the columns. Only a gutter between two
*columns* cuts, so that a table's rows stay whole: over at least ``MIN_ROWS`` rows, both
sides at least ``MIN_COLUMN_WIDTH`` line-heights wide (a form's column of labels is not a
column), and at least one side running text: mostly rows of one long box as wide as that
side (a table's cells are short and ragged, and a row has several). When only one side
is text, its lines must not each lie beside a box of the other, as a table's column of
long cells (dates) lies beside the rest of each row. Of the gutters that cut, the one
that places the most rows in columns is taken, then the widest.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

import numpy as np

Box = tuple[float, float, float, float]
"""A line's box on the page read upright and level: left, top, right, bottom."""

MIN_ROWS = 3
"""Rows a column runs for, at least, on both sides of a gutter."""
MIN_COLUMN_WIDTH = 6.0
"""The narrowest column, in line heights (about eight characters of its print)."""
MIN_GUTTER = 0.5
"""The narrowest gutter, in line heights."""
MIN_LINE_WIDTH = 8.0
"""The shortest line of running text, in line heights (ten characters or so)."""
FULL_LINE = 0.8
"""A line of running text spans this much of its column's width, at least."""
TEXT_SHARE = 0.5
"""The share of a column's rows that are lines of running text, for it to be text."""
PAIRED_TABLE = 0.8
"""The share of one column's lines of text that, each beside a box of the other column
(which is no text), make the two a table's columns: cells of the same rows."""


def bands(centres: Sequence[tuple[float, float]], sizes: Sequence[tuple[float, float]], *,
          axis: int, descending: bool) -> tuple[tuple[int, ...], ...]:
    """The lines grouped into bands across ``axis`` (1: rows, top down; 0: columns, right
    to left when ``descending``), each band's lines in order along the other axis."""
    along = 1 - axis
    sign = -1 if descending else 1
    grouped: list[list[int]] = []
    for index in sorted(range(len(centres)), key=lambda i: sign * centres[i][axis]):
        if grouped and _same_band(centres[grouped[-1][0]][axis], sizes[grouped[-1][0]][axis],
                                  centres[index][axis], sizes[index][axis]):
            grouped[-1].append(index)
        else:
            grouped.append([index])
    return tuple(tuple(sorted(band, key=lambda i: centres[i][along])) for band in grouped)


def _same_band(middle: float, extent: float, other_middle: float, other_extent: float) -> bool:
    """Whether two lines' middles are within half the smaller one's extent of each other."""
    return abs(middle - other_middle) < min(extent, other_extent) / 2


def reading_order(boxes: Sequence[Box]) -> tuple[tuple[int, ...], ...]:
    """The lines in ``boxes`` as rows (indexes, left to right) in the order they are read:
    column by column where the page is set in columns, in rows elsewhere."""
    return tuple(_ordered(boxes, list(range(len(boxes)))))


def _rows(boxes: Sequence[Box], indexes: Sequence[int]) -> list[list[int]]:
    centres = [((boxes[i][0] + boxes[i][2]) / 2, (boxes[i][1] + boxes[i][3]) / 2)
               for i in indexes]
    sizes = [(boxes[i][2] - boxes[i][0], boxes[i][3] - boxes[i][1]) for i in indexes]
    return [[indexes[i] for i in band]
            for band in bands(centres, sizes, axis=1, descending=False)]


def _ordered(boxes: Sequence[Box], indexes: list[int]) -> list[tuple[int, ...]]:
    rows = _rows(boxes, indexes)
    gutter = _gutter(boxes, rows) if len(rows) >= MIN_ROWS else None
    if gutter is None:
        return [tuple(row) for row in rows]
    x, columns = gutter
    ordered: list[tuple[int, ...]] = []
    start = 0
    for first, last in columns:
        if first > start:  # rows across the gutter: a heading, a footer, another layout
            ordered.extend(_ordered(boxes, [i for row in rows[start:first] for i in row]))
        inside = [i for row in rows[first:last] for i in row]
        ordered.extend(_ordered(boxes, [i for i in inside if boxes[i][2] <= x]))
        ordered.extend(_ordered(boxes, [i for i in inside if boxes[i][0] >= x]))
        start = last
    if start < len(rows):
        ordered.extend(_ordered(boxes, [i for row in rows[start:] for i in row]))
    return ordered


def _gutter(boxes: Sequence[Box], rows: list[list[int]]
            ) -> tuple[float, list[tuple[int, int]]] | None:
    """The gutter that cuts these rows into columns: its x and the runs of rows
    ``[first, last)`` it divides into two columns; ``None`` when there is none."""
    indexes = [i for row in rows for i in row]
    height = statistics.median(boxes[i][3] - boxes[i][1] for i in indexes)
    lefts = np.array([boxes[i][0] for i in indexes])
    rights = np.array([boxes[i][2] for i in indexes])
    row_of = np.repeat(np.arange(len(rows)), [len(row) for row in rows])
    xs = np.arange(lefts.min() + height, rights.max() - height, max(1.0, height / 4))
    if not len(xs):
        return None
    crossing = (lefts[None, :] < xs[:, None]) & (xs[:, None] < rights[None, :])
    in_row = np.zeros((len(indexes), len(rows)), dtype=np.int32)
    in_row[np.arange(len(indexes)), row_of] = 1
    crossed = (crossing.astype(np.int32) @ in_row) > 0
    best: tuple[int, float, float, list[tuple[int, int]]] | None = None
    start = 0
    # Neighbouring xs that no box crosses in the same rows are one gutter: judged at its middle.
    for end in range(1, len(xs) + 1):
        if end < len(xs) and (crossed[end] == crossed[start]).all():
            continue
        x = float(xs[(start + end - 1) // 2])
        columns, width = _columns(boxes, rows, crossed[start], x, height)
        placed = sum(last - first for first, last in columns)
        if columns and (best is None or (placed, width) > (best[0], best[1])):
            best = (placed, width, x, columns)
        start = end
    return None if best is None else (best[2], best[3])


def _columns(boxes: Sequence[Box], rows: list[list[int]], crossed: np.ndarray, x: float,
             height: float) -> tuple[list[tuple[int, int]], float]:
    """The runs of rows that the gutter at ``x`` (crossed by the rows marked) divides into
    two columns, and the gutter's width (the narrowest across those runs)."""
    runs: list[tuple[int, int]] = []
    narrowest = float("inf")
    first = 0
    while first < len(rows):
        if crossed[first]:
            first += 1
            continue
        last = first
        while last < len(rows) and not crossed[last]:
            last += 1
        inside = [i for row in rows[first:last] for i in row]
        left = [i for i in inside if boxes[i][2] <= x]
        right = [i for i in inside if boxes[i][0] >= x]
        gap = (min((boxes[i][0] for i in right), default=x)
               - max((boxes[i][2] for i in left), default=x))
        if gap >= MIN_GUTTER * height and _are_columns(boxes, left, right, height):
            runs.append((first, last))
            narrowest = min(narrowest, gap)
        first = last
    return runs, narrowest


def _are_columns(boxes: Sequence[Box], left: list[int], right: list[int],
                 height: float) -> bool:
    sides = [_rows(boxes, side) for side in (left, right) if side]
    if len(sides) < 2 or not all(_is_column(boxes, side, height) for side in sides):
        return False
    text = [_is_running_text(boxes, side, height) for side in sides]
    if all(text):
        return True
    if not any(text):
        return False
    # Text beside something else: a letter beside a table, unless its "lines" are a
    # table's column of long cells (dates), each beside the rest of its row.
    prose, other = (left, right) if text[0] else (right, left)
    return _paired_share(boxes, prose, other) < PAIRED_TABLE


def _paired_share(boxes: Sequence[Box], lines: list[int], others: list[int]) -> float:
    """The share of ``lines`` beside a box of ``others``, middle to middle."""
    middles = np.array([(boxes[i][1] + boxes[i][3]) / 2 for i in others])
    heights = np.array([boxes[i][3] - boxes[i][1] for i in others])
    beside = sum(bool((np.abs(middles - (boxes[i][1] + boxes[i][3]) / 2)
                       < np.minimum(heights, boxes[i][3] - boxes[i][1]) / 2).any())
                 for i in lines)
    return beside / len(lines)


def _is_column(boxes: Sequence[Box], rows: list[list[int]], height: float) -> bool:
    return len(rows) >= MIN_ROWS and _width(boxes, rows) >= MIN_COLUMN_WIDTH * height


def _is_running_text(boxes: Sequence[Box], rows: list[list[int]], height: float) -> bool:
    """Mostly rows of one line as wide as the column (a paragraph's last line is shorter);
    a table's rows have several cells, short and ragged."""
    width = _width(boxes, rows)
    lines = sum(len(row) == 1 and boxes[row[0]][2] - boxes[row[0]][0] >= max(
        FULL_LINE * width, MIN_LINE_WIDTH * height) for row in rows)
    return lines >= MIN_ROWS and lines >= TEXT_SHARE * len(rows)


def _width(boxes: Sequence[Box], rows: list[list[int]]) -> float:
    return (max(boxes[i][2] for row in rows for i in row)
            - min(boxes[i][0] for row in rows for i in row))
