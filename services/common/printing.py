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
from typing import TYPE_CHECKING, Literal, NamedTuple

from services.common.errors import DependencyUnavailable

if TYPE_CHECKING:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

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


def table(document: FPDF, columns: Sequence[Column], rows: Iterable[Sequence[str]]) -> None:
    """A table with a heading row, rows shaded in turn, repeated headings on new pages."""
    from fpdf.enums import TableCellFillMode
    from fpdf.fonts import FontFace

    with document.table(col_widths=tuple(column.width_mm for column in columns),
                        cell_fill_color=240, cell_fill_mode=TableCellFillMode.ROWS,
                        line_height=5, text_align="LEFT",
                        headings_style=FontFace(emphasis=None), markdown=False) as printed:
        top = printed.row()
        for column in columns:
            top.cell(column.heading)
        for values in rows:
            row = printed.row()
            for column, value in zip(columns, values, strict=True):
                row.cell(value, style=_whole(document, column, value))


def _whole(document: FPDF, column: Column, value: str) -> FontFace | None:
    """The font, smaller than the table's, at which every word of ``value`` fits within
    ``column`` on one line; None when it fits already or the column may break words."""
    from fpdf.fonts import FontFace

    room = column.width_mm - 2 * document.c_margin
    widest = max((document.get_string_width(word) for word in value.split()), default=0.0)
    if not column.unbroken or widest <= room:
        return None
    # Widths scale with the size; rounding down to a tenth of a point keeps the fit.
    return FontFace(size_pt=math.floor(document.font_size_pt * room / widest * 10) / 10)


def day(value: date | None) -> str:
    """The ISO date ``value`` (a day, not an instant: see ``day_at``); empty for none."""
    return "" if value is None else value.isoformat()


def day_at(moment: datetime | None, zone: tzinfo) -> str:
    """The ISO date of ``moment`` on the clocks of ``zone`` (the company's); empty for
    none."""
    return "" if moment is None else moment.astimezone(zone).date().isoformat()
