"""``archive ingest --manifest`` reads the manifest before sending anything: a bad row
fails that row's file, naming the manifest's line and the value written there, and the
other rows are still sent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from services.cli.ingest import read_manifest


def test_a_row_with_a_bad_unit_code_fails_naming_its_line_and_the_code(tmp_path: Path) -> None:
    for name in ("a.png", "b.png"):
        (tmp_path / name).write_bytes(b"scan")
    manifest = tmp_path / "清单.csv"
    manifest.write_text("path,household,category,title,filed_at,security\n"
                        "a.png,A-1201,repair,报修,2024-05-18,\n"
                        "b.png,12楼01,repair,报修,2024-05-18,\n", encoding="utf-8")
    good, bad = read_manifest(manifest, today=date(2024, 9, 2))
    assert (good.status, bad.status) == ("pending", "failed")
    assert bad.reason.startswith("清单.csv line 3: '12楼01' is not a unit code like A-1201")


def test_a_row_filed_after_today_fails_naming_its_line_and_sends_nothing(
        tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(b"scan")
    manifest = tmp_path / "清单.csv"
    manifest.write_text("path,household,category,title,filed_at,security\n"
                        "a.png,A-1201,repair,报修,2091-01-01,\n", encoding="utf-8")
    [item] = read_manifest(manifest, today=date(2024, 9, 2))
    assert item.status == "failed"
    assert item.reason.startswith("清单.csv line 2: filed_at 2091-01-01 is after today")
