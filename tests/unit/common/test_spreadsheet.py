"""The one CSV writer: formula starts neutralised (OWASP), everything else as given."""

from __future__ import annotations

import csv
import io

import pytest

from services.common.spreadsheet import csv_bytes, neutralised


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_that_could_start_a_formula_is_quoted(cell: str) -> None:
    assert neutralised(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["", "业主来函", "A-1201", "2024-05-18", "'=1", " =1"])
def test_other_cells_are_left_as_they_are(cell: str) -> None:
    assert neutralised(cell) == cell


def test_csv_bytes_has_a_bom_crlf_and_neutralised_cells() -> None:
    content = csv_bytes(["题名", "=x"], [["=HYPERLINK(\"a\")", "维修,记录"]])
    assert content.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows == [["题名", "'=x"], ["'=HYPERLINK(\"a\")", "维修,记录"]]
