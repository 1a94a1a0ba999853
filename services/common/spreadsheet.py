"""CSV exports (导出): the one writer every CSV the archive produces goes through.

A cell a spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) is neutralised by a leading single quote, as OWASP's "CSV
Injection" advice says: titles and names are typed by users, and a register opened in a
spreadsheet must never run what someone typed (``=HYPERLINK(…)``, ``=cmd|…``).
The output is UTF-8 with a byte-order mark, so spreadsheets read the Chinese.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: str) -> str:
    """``cell`` as a spreadsheet shows it as text: quoted if it could start a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """A header line and one line per row, every cell neutralised, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralised(cell) for cell in header])
    writer.writerows([neutralised(cell) for cell in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")
