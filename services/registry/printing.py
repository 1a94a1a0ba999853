"""What the registry's printed lists share (销毁清册, 移交清单): A4 PDFs with the CJK
font embedded, and dates as they are printed.

What users typed (titles, names) is printed as plain text: with fpdf2's markdown off
(``**``, ``--`` and ``__`` stay as typed; fpdf2 escapes the PDF string syntax itself).
Rendering is blocking work (the font is parsed and subset): callers run it in a thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from fpdf import FPDF
from fpdf.enums import TableCellFillMode
from fpdf.fonts import FontFace

from services.common.errors import DependencyUnavailable

NOTO_SANS_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SIMPLIFIED_FACE = 2
"""Index of Noto Sans CJK SC inside the ``.ttc`` (fc-query: 0 JP, 1 KR, 2 SC, 3 TC)."""
FONT = "cjk"


def cjk_document(orientation: Literal["portrait", "landscape"], *,
                 font_path: Path = NOTO_SANS_CJK) -> FPDF:
    """An empty A4 document whose font ``FONT`` is embedded (subset) when it is output."""
    if not font_path.is_file():
        raise DependencyUnavailable(
            f"the CJK font {font_path} is missing; install fonts-noto-cjk to print registers",
            code="font_missing")
    document = FPDF(orientation=orientation, format="A4")
    document.set_auto_page_break(auto=True, margin=15)
    document.add_font(FONT, fname=str(font_path), collection_font_number=SIMPLIFIED_FACE)
    return document


def day(moment: datetime | date | None) -> str:
    """The date as printed (ISO); empty for none."""
    if moment is None:
        return ""
    return (moment.date() if isinstance(moment, datetime) else moment).isoformat()


def items_table(document: FPDF, columns: Sequence[tuple[str, int]],
                rows: Iterable[Sequence[str]]) -> None:
    """A table of ``columns`` (heading, width in mm) with shaded alternate rows; the
    heading repeats on each page."""
    with document.table(col_widths=tuple(width for _, width in columns),
                        cell_fill_color=240, cell_fill_mode=TableCellFillMode.ROWS,
                        line_height=5, text_align="LEFT",
                        headings_style=FontFace(emphasis=None), markdown=False) as table:
        heading = table.row()
        for name, _ in columns:
            heading.cell(name)
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)
