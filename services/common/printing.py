"""Printed registers and catalogues: A4 PDF with the CJK font embedded, and their tables.

Every printout the archive makes (destruction registers, catalogues, labels, checklists)
starts from ``cjk_pdf`` and writes its rows with ``table``. What users typed (titles,
names) is printed as plain text: fpdf2's markdown is off (``**``, ``--`` and ``__`` stay
as typed; fpdf2 escapes the PDF string syntax itself). Rendering parses and subsets the
font, which is blocking work: callers run it in a thread. fpdf2 is imported on first
print, not with the module: it is a quarter of the import time of every ``archive``
command and server start, and most of them print nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from services.common.errors import DependencyUnavailable

if TYPE_CHECKING:
    from fpdf import FPDF

NOTO_SANS_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SIMPLIFIED_FACE = 2
"""Index of Noto Sans CJK SC inside the ``.ttc`` (fc-query: 0 JP, 1 KR, 2 SC, 3 TC)."""
FONT = "cjk"

Column = tuple[str, float]
"""A table column: its heading and its width in millimetres."""


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
    document.set_auto_page_break(auto=auto_page_break, margin=15)
    document.add_font(FONT, fname=str(font_path), collection_font_number=SIMPLIFIED_FACE)
    return document


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

    with document.table(col_widths=tuple(width for _, width in columns),
                        cell_fill_color=240, cell_fill_mode=TableCellFillMode.ROWS,
                        line_height=5, text_align="LEFT",
                        headings_style=FontFace(emphasis=None), markdown=False) as printed:
        top = printed.row()
        for name, _ in columns:
            top.cell(name)
        for values in rows:
            row = printed.row()
            for value in values:
                row.cell(value)


def day(moment: datetime | date | None) -> str:
    """The ISO date of ``moment``; empty for none."""
    if moment is None:
        return ""
    return (moment.date() if isinstance(moment, datetime) else moment).isoformat()
