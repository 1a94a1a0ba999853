"""Printed registers and catalogues: A4 PDF with the CJK font embedded, and their tables.

Every printout the archive makes (destruction registers, catalogues, labels, checklists)
starts from ``cjk_pdf``, begins each of its parts (a copy, a box, a household's file) with
``begin_part`` and writes its rows with ``table``; ``finished`` numbers each part's pages
(第 n 页 共 m 页) and heads every page after a part's first with the part's name, so a
loose page says what it belongs to. What users typed (titles,
names) is printed as plain text: fpdf2's markdown is off (``**``, ``--`` and ``__`` stay
as typed; fpdf2 escapes the PDF string syntax itself). Rendering parses and subsets the
font, which is blocking work: callers run it in a thread. fpdf2 is imported on first
print, not with the module: it is a quarter of the import time of every ``archive``
command and server start, and most of them print nothing.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable, Sequence
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple, cast

from services.common.errors import DependencyUnavailable

if TYPE_CHECKING:
    from fpdf import FPDF

NOTO_SANS_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SIMPLIFIED_FACE = 2
"""Index of Noto Sans CJK SC inside the ``.ttc`` (fc-query: 0 JP, 1 KR, 2 SC, 3 TC)."""
FONT = "cjk"
TOP_MARGIN_MM = 14.0
"""Room above a page's content for the running head of a part's later pages."""
BOTTOM_MARGIN_MM = 15.0

_PARTS: weakref.WeakKeyDictionary[FPDF, list[tuple[int, str]]] = weakref.WeakKeyDictionary()
"""Each printout's parts: the page each begins on, and its name (``begin_part``)."""


class Column(NamedTuple):
    """A table column: its heading, its width in millimetres, and whether its values are
    codes printed whole (``unbroken``): an archive number (档号) or unit code split over two
    lines is misread on paper, so a word too wide for such a column is printed smaller
    instead of being broken. A value may still wrap at its spaces."""

    heading: str
    width_mm: float
    unbroken: bool = False


def cjk_pdf(*, orientation: Literal["portrait", "landscape"] = "portrait",
            font_path: Path = NOTO_SANS_CJK, auto_page_break: bool = True) -> FPDF:
    """An empty A4 document with the CJK font loaded as ``FONT``; 503 ``font_missing``
    when the font is not installed."""
    if not font_path.is_file():
        raise DependencyUnavailable(
            f"the CJK font {font_path} is missing; install fonts-noto-cjk to print",
            code="font_missing")
    from fpdf import FPDF

    document = FPDF(orientation=orientation, format="A4")
    document.set_top_margin(TOP_MARGIN_MM)
    document.set_auto_page_break(auto=auto_page_break, margin=BOTTOM_MARGIN_MM)
    document.add_font(FONT, fname=str(font_path), collection_font_number=SIMPLIFIED_FACE)
    return document


def begin_part(document: FPDF, name: str) -> None:
    """A new page beginning a part of the printout named ``name`` (a copy of a list and
    its number, a box, a household's file): ``finished`` numbers its pages and heads its
    later pages with the name."""
    document.add_page()
    _PARTS.setdefault(document, []).append((document.page, name))


def finished(document: FPDF) -> bytes:
    """The PDF, each part's pages numbered at their foot with the part's name (第 n 页 共
    m 页 of the part: a copy or a box is put in a file on its own), and every page after a
    part's first headed with its name (续)."""
    parts = _PARTS.pop(document, [])
    last = document.page
    ends = [first for first, _ in parts[1:]] + [last + 1]
    # Written in the margins: a foot below the break line must not start a new page.
    document.set_auto_page_break(auto=False)
    for (first, name), end in zip(parts, ends, strict=True):
        for page in range(first, end):
            document.page = page
            number = page - first + 1
            document.set_font(FONT, size=8)
            if number > 1:
                document.set_xy(document.l_margin, 5)
                document.cell(0, 6, f"{name}（续）", align="L", markdown=False)
            document.set_xy(document.l_margin, document.h - BOTTOM_MARGIN_MM + 4)
            document.cell(0, 6, f"{name}    第 {number} 页 共 {end - first} 页",
                          align="C", markdown=False)
    document.page = last
    return bytes(document.output())


def heading(document: FPDF, title: str, under: Iterable[str] = ()) -> None:
    """A centred title and the lines under it."""
    document.set_font(FONT, size=16)
    document.cell(0, 10, title, align="C", new_x="LMARGIN", new_y="NEXT", markdown=False)
    lines(document, under, size=9, height=6)
    document.ln(2)


def lines(document: FPDF, texts: Iterable[str], *, size: float, height: float) -> None:
    """Each of ``texts`` on a line of its own, in the CJK font at ``size`` points, each
    line ``height`` millimetres high (text as written: no markdown)."""
    document.set_font(FONT, size=size)
    for text in texts:
        document.cell(0, height, text, new_x="LMARGIN", new_y="NEXT", markdown=False)


LINE_MM = 5.0
"""A table line's height."""
SHADE = 240
"""The grey of every other row."""


def table(document: FPDF, columns: Sequence[Column], rows: Iterable[Sequence[str]]) -> None:
    """A table with a heading row, rows shaded in turn, repeated headings on new pages.

    Drawn cell by cell rather than with fpdf2's ``table()``, which lays every cell out
    twice through ``multi_cell`` (8 ms a row): the general catalogue of 3 000 households
    took 7.6 s of CPU, holding the interpreter the whole server shares. Here a value
    that fits on one line (nearly all) is measured once and written with ``cell``; only
    one too wide is broken into lines (1.3 s for the same catalogue; bench/README.md)."""
    document.set_fill_color(SHADE)
    headings = [column.heading for column in columns]
    _row(document, columns, headings, shaded=False, headings=None)
    for number, values in enumerate(rows):
        _row(document, columns, values, shaded=number % 2 == 0, headings=headings)


def _row(document: FPDF, columns: Sequence[Column], values: Sequence[str], *, shaded: bool,
         headings: Sequence[str] | None) -> None:
    """One row: on a new page, under the headings again, when it does not fit on this one."""
    cells = [_cell_lines(document, column, value)
             for column, value in zip(columns, values, strict=True)]
    height = max(len(lines) for lines, _ in cells) * LINE_MM
    if headings is not None and document.get_y() + height > document.page_break_trigger:
        document.add_page()
        _row(document, columns, headings, shaded=False, headings=None)
    x, y = document.l_margin, document.get_y()
    size = document.font_size_pt
    for column, (lines, smaller) in zip(columns, cells, strict=True):
        document.rect(x, y, column.width_mm, height, style="DF" if shaded else "D")
        if smaller is not None:
            document.set_font_size(smaller)
        top = y + (height - len(lines) * LINE_MM) / 2  # centred, as fpdf2's tables are
        for number, line in enumerate(lines):
            # Where ``cell`` puts a line's baseline, at a fifth of its cost (no markdown,
            # no layout: the line is measured already).
            document.text(x + document.c_margin, top + (number + 0.5) * LINE_MM
                          + 0.3 * document.font_size, line)
        if smaller is not None:
            document.set_font_size(size)
        x += column.width_mm
    document.set_xy(document.l_margin, y + height)


def _cell_lines(document: FPDF, column: Column, value: str) -> tuple[list[str], float | None]:
    """The lines ``value`` takes in ``column``, and the smaller size it is printed at when
    a word of it would otherwise be broken in a column of codes (``_whole``)."""
    if "\n" not in value and \
            document.get_string_width(value) <= column.width_mm - 2 * document.c_margin:
        return [value], None
    size = document.font_size_pt
    smaller = _whole(document, column, value)
    if smaller is not None:
        document.set_font_size(smaller)
    lines = cast(list[str], document.multi_cell(column.width_mm, LINE_MM, value, dry_run=True,
                                                output="LINES", markdown=False))
    if smaller is not None:
        document.set_font_size(size)
    return lines or [""], smaller


def _whole(document: FPDF, column: Column, value: str) -> float | None:
    """The font size, smaller than the table's, at which every word of ``value`` fits
    within ``column`` on one line; None when it fits already or the column may break
    words."""
    room = column.width_mm - 2 * document.c_margin
    widest = max((document.get_string_width(word) for word in value.split()), default=0.0)
    if not column.unbroken or widest <= room:
        return None
    # Widths scale with the size; rounding down to a tenth of a point keeps the fit.
    return math.floor(document.font_size_pt * room / widest * 10) / 10


def day(value: date | None) -> str:
    """The ISO date ``value`` (a day, not an instant: see ``day_at``); empty for none."""
    return "" if value is None else value.isoformat()


def day_at(moment: datetime | None, zone: tzinfo) -> str:
    """The ISO date of ``moment`` on the clocks of ``zone`` (the company's); empty for
    none."""
    return "" if moment is None else moment.astimezone(zone).date().isoformat()


NOT_SCANNED = "未扫描"
"""The pages of a document catalogued before its scan (0 in its record): its paper has
pages the archive has not seen."""


def pages_of(pages: int) -> str:
    """A document's pages as printed: ``NOT_SCANNED`` for none in the archive, never 0."""
    return str(pages) if pages else NOT_SCANNED


def held(documents: int, pages: int, unscanned: int) -> str:
    """What a file or a list holds: ``共 5 件 2 页（3 件未扫描）``, the pages its scanned
    documents' only, and no 0 页 for paper that has pages."""
    return (f"共 {documents} 件" + (f" {pages} 页" if pages else "")
            + (f"（{unscanned} 件未扫描）" if unscanned else ""))
