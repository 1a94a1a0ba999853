"""``archive ingest`` as an archivist runs it: a manifest batch end to end, resumed without
uploading twice, and a non-zero exit naming the reason when a file fails."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

from tests.e2e.ingest.support import digital_pdf, scanned_png
from tests.fixtures.app import ArchiveServer, module_archive_server
from tests.support import loopback
from tests.support.processes import run_client

pytestmark = pytest.mark.ocr

HEADER = "path,household,category,title,filed_at,security,personal_info,location,language\n"


server = module_archive_server()


@pytest.fixture(scope="module")
def token(server: ArchiveServer) -> str:
    return server.add_user("li.archivist", "archivist")


def archive(args: list[str], server: ArchiveServer, token: str, cwd: Path
            ) -> subprocess.CompletedProcess[str]:
    return run_client(server.url, token, *args, cwd=cwd)


def _ingest_rows(rows: str, server: ArchiveServer, token: str, folder: Path
                 ) -> subprocess.CompletedProcess[str]:
    """``archive ingest`` of a manifest in ``folder`` of the header and ``rows``."""
    manifest = folder / "m.csv"
    manifest.write_text(HEADER + rows, encoding="utf-8")
    return archive(["ingest", "--manifest", str(manifest)], server, token, folder)


def _filed_in(household: str, server: ArchiveServer, token: str) -> list[tuple[str, str]]:
    """The title and filing day of each document of ``household``."""
    records = loopback.get(f"{server.url}/registry/documents", params={"household": household},
                           headers={"Authorization": f"Bearer {token}"}).json()
    return [(r["title"], r["filed_at"]) for r in records]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A manifest of a scan and a digital PDF, listed twice."""
    folder = tmp_path_factory.mktemp("cabinet")
    (folder / "scans").mkdir()
    scanned_png(folder / "scans", "simplified", lines=2)
    digital_pdf(folder)
    manifest = folder / "batch.csv"
    manifest.write_text(
        HEADER
        + "scans/scan-simplified-2.png,A-1201,repair,维修申请,2024-05-18,ordinary,否,"
          "A栋/档案室/3/12,chi_sim\n"
        + "digital-2.pdf,B-0302,contract,租赁合同,2023-01-09,ordinary,yes,,\n"
        # The same file again, its empty cells not said: a duplicate, not a refusal.
        + "digital-2.pdf,B-0302,contract,租赁合同,2023/1/9,,,,\n",
        encoding="utf-8")
    return manifest


@pytest.fixture(scope="module")
def first_run(server: ArchiveServer, token: str, batch: Path
              ) -> subprocess.CompletedProcess[str]:
    return archive(["ingest", "--manifest", str(batch), "--wait"], server, token,
                   batch.parent)


def test_manifest_batch_is_filed_and_exits_zero(
        first_run: subprocess.CompletedProcess[str]) -> None:
    assert first_run.returncode == 0, first_run.stdout + first_run.stderr
    assert "2 done, 1 duplicate" in first_run.stdout


def test_manifest_metadata_reaches_the_catalogue(
        server: ArchiveServer, token: str, first_run: subprocess.CompletedProcess[str]) -> None:
    records = server.client(token).get("/registry/documents",
                                       params={"household": "A-1201"}).json()
    assert [(r["title"], r["language"], r["location"]["cabinet"]) for r in records] == [
        ("维修申请", "chi_sim", "3")]


def test_summary_shows_progress_counts_and_pages(
        first_run: subprocess.CompletedProcess[str]) -> None:
    assert "extracting" in first_run.stderr
    assert "pages" in first_run.stderr


def test_rerun_of_a_batch_uploads_nothing_again(
        server: ArchiveServer, token: str, batch: Path,
        first_run: subprocess.CompletedProcess[str]) -> None:
    jobs_before = server.client(token).get("/ingest/jobs").json()
    again = archive(["ingest", "--manifest", str(batch), "--wait"], server, token,
                    batch.parent)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "3 duplicate" in again.stdout
    assert server.client(token).get("/ingest/jobs").json() == jobs_before


def test_a_rerun_saying_otherwise_is_refused_naming_the_fields_and_changes_nothing(
        server: ArchiveServer, token: str, batch: Path,
        first_run: subprocess.CompletedProcess[str]) -> None:
    corrected = batch.parent / "corrected.csv"
    corrected.write_text(
        HEADER + "scans/scan-simplified-2.png,a-1202,维修,维修申请（已更正）,2024/5/19,机密,,,\n"
        + "digital-2.pdf,B-0302,合同,租赁合同,2023-01-09,,,,\n", encoding="utf-8")
    again = archive(["ingest", "--manifest", str(corrected)], server, token, batch.parent)
    assert again.returncode == 1, again.stdout + again.stderr
    assert "1 duplicate, 1 failed" in again.stdout
    flat = " ".join(again.stdout.split())
    assert "household, title, filed_at, security" in flat
    assert "filed_differently" in flat
    assert "/corrections" in flat
    assert "correct its filed record (its household too" in flat
    [record] = server.client(token).get("/registry/documents",
                                        params={"household": "A-1201"}).json()
    assert (record["title"], record["filed_at"], record["security"]) == (
        "维修申请", "2024-05-18", "ordinary")


def test_a_duplicate_shows_its_pages(server: ArchiveServer, token: str, batch: Path,
                                     first_run: subprocess.CompletedProcess[str]) -> None:
    again = archive(["ingest", "--manifest", str(batch)], server, token, batch.parent)
    [row] = [line for line in again.stdout.splitlines() if "scan-simplified-2.png" in line]
    assert row.split("│")[3].strip() == "1"


def test_failed_file_exits_non_zero_with_its_reason(
        server: ArchiveServer, token: str, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("不是扫描件", encoding="utf-8")
    result = archive(["ingest", str(tmp_path / "notes.txt"), "--household", "A-1201",
                      "--category", "repair"], server, token, tmp_path)
    assert result.returncode == 1
    assert "unsupported_media_type" in result.stdout
    assert "1 failed" in result.stdout


def test_missing_file_in_a_manifest_is_reported_not_uploaded(
        server: ArchiveServer, token: str, tmp_path: Path) -> None:
    result = _ingest_rows("gone.pdf,A-1201,repair,丢失,2024-01-01,ordinary,,,\n",
                          server, token, tmp_path)
    assert result.returncode == 1
    assert "no such file" in result.stdout


def test_a_manifest_row_filed_in_the_future_fails_by_its_line_and_is_not_uploaded(
        server: ArchiveServer, token: str, tmp_path: Path) -> None:
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + os.urandom(32))
    result = _ingest_rows("scan.pdf,A-1201,repair,将来,2091-01-01,ordinary,,,\n",
                          server, token, tmp_path)
    assert result.returncode == 1
    assert "m.csv line 2: filed_at 2091-01-01 is after today" in result.stdout
    sha256 = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert loopback.get(f"{server.url}/ingest/originals/{sha256}",
                        headers={"Authorization": f"Bearer {token}"}).status_code != 200


def test_a_manifest_excel_saved_in_gbk_is_filed_as_written(
        server: ArchiveServer, token: str, tmp_path: Path) -> None:
    digital_pdf(tmp_path, pages=1)
    manifest = tmp_path / "清单.csv"
    manifest.write_bytes((HEADER + "digital-1.pdf,C-0802,decoration,裝修申請表,2024/5/8,"
                          "ordinary,,,\r\n").encode("gbk"))
    result = archive(["ingest", "--manifest", str(manifest), "--wait"], server, token, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _filed_in("C-0802", server, token) == [("裝修申請表", "2024-05-08")]


def test_a_manifest_that_is_no_text_is_one_clear_message(
        server: ArchiveServer, token: str, tmp_path: Path) -> None:
    manifest = tmp_path / "m.csv"
    manifest.write_bytes(HEADER.encode() + b"\x80\xff\xfe,\x00\n")
    result = archive(["ingest", "--manifest", str(manifest)], server, token, tmp_path)
    assert result.returncode == 2
    assert "neither UTF-8 nor GBK" in result.stderr
    assert "Traceback" not in result.stderr


def test_folder_is_walked_and_uploaded_with_the_options(
        server: ArchiveServer, token: str, tmp_path: Path) -> None:
    folder = tmp_path / "A-0801"
    folder.mkdir()
    scanned_png(folder, "traditional", lines=1)
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    result = archive(["ingest", str(folder), "--household", "A-0801", "--category",
                      "correspondence", "--filed-at", "2022-11-30", "--wait"], server, token,
                     tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert _filed_in("A-0801", server, token) == [("scan-traditional-1", "2022-11-30")]
