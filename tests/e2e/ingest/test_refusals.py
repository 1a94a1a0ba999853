"""Every bad input gets its 4xx before anything is stored, or a cleanly failed job."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.ingest.support import ingest, metadata, scanned_png, upload
from tests.fixtures.app import ArchiveServer, module_archive_server
from tests.support.pages import signed_in
from tests.support.rendering import (
    SIMPLIFIED_LINES,
    render_page,
    write_heic,
    write_pixel_bomb_heic,
    write_pixel_bomb_png,
    write_tiff,
)

MAX_PAGES = 2


server = module_archive_server(max_upload_mb=1, max_pages=MAX_PAGES)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bad-files")


def _problem(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


def _is_stored(client: httpx.Client, data: bytes) -> bool:
    sha256 = hashlib.sha256(data).hexdigest()
    return client.get(f"/ingest/originals/{sha256}").status_code == 200


def test_plain_text_named_pdf_is_refused_as_unsupported(archivist: httpx.Client,
                                                         files: Path) -> None:
    path = files / "letter.pdf"
    path.write_text("这不是PDF文件", encoding="utf-8")
    response = upload(archivist, path)
    assert _problem(response) == (415, "unsupported_media_type")
    assert "plain text" in response.json()["detail"]


def test_refused_type_leaves_nothing_stored(archivist: httpx.Client, files: Path) -> None:
    path = files / "archive.zip"
    path.write_bytes(b"PK\x03\x04" + os.urandom(64))
    upload(archivist, path)
    assert not _is_stored(archivist, path.read_bytes())


def test_file_over_the_size_limit_is_refused(archivist: httpx.Client, files: Path) -> None:
    path = files / "big.pdf"
    path.write_bytes(b"%PDF-1.7\n" + os.urandom(1024 * 1024 + 10))
    response = upload(archivist, path)
    assert _problem(response) == (413, "too_large")
    assert not _is_stored(archivist, path.read_bytes())


def test_request_announcing_more_than_the_limit_is_refused_early(
        archivist: httpx.Client, files: Path) -> None:
    path = files / "huge.pdf"
    path.write_bytes(b"%PDF-1.7\n" + os.urandom(3 * 1024 * 1024))
    assert _problem(upload(archivist, path)) == (413, "too_large")


@pytest.mark.parametrize(("raw", "expected"), [
    ("not json", (400, "invalid_metadata")),
    (json.dumps(metadata(category="letters")), (422, "unknown_category")),
    (json.dumps(metadata(household="12楼01")), (422, "invalid_household")),
    (json.dumps({k: v for k, v in metadata().items() if k != "household"}),
     (422, "household_required")),
    (json.dumps(metadata(filed_at="18/05/2024")), (400, "invalid_metadata")),
    (json.dumps(metadata(security="top")), (400, "invalid_metadata")),
    (json.dumps(metadata(colour="red")), (400, "invalid_metadata")),
    (json.dumps(metadata(title="")), (400, "invalid_metadata")),
], ids=["not-json", "category", "household", "no-household", "date", "security",
        "unknown-field", "empty-title"])
def test_bad_metadata_is_refused_with_its_code(
        archivist: httpx.Client, files: Path, raw: str, expected: tuple[int, str]) -> None:
    path = scanned_png(files, "simplified", lines=1)
    response = archivist.post("/ingest/documents", data={"metadata": raw},
                              files={"file": ("scan.png", path.read_bytes())})
    assert _problem(response) == expected


def test_bad_metadata_leaves_nothing_stored(archivist: httpx.Client, files: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n" + os.urandom(256)
    archivist.post("/ingest/documents", data={"metadata": "{}"},
                   files={"file": ("scan.png", data)})
    assert not _is_stored(archivist, data)


def test_a_filing_date_after_today_is_refused_before_anything_is_stored(
        archivist: httpx.Client, files: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n" + os.urandom(256)
    response = archivist.post("/ingest/documents",
                              data={"metadata": json.dumps(metadata(filed_at="2091-01-01"))},
                              files={"file": ("scan.png", data)})
    assert _problem(response) == (422, "date_in_future")
    assert not _is_stored(archivist, data)


def test_the_registrys_own_filing_route_refuses_a_filing_date_after_today(
        archivist: httpx.Client) -> None:
    data = os.urandom(64)
    response = archivist.post("/registry/documents", json={
        **metadata(filed_at="2091-01-01"), "sha256": hashlib.sha256(data).hexdigest(),
        "media_type": "image/png", "size_bytes": len(data)})
    assert _problem(response) == (422, "date_in_future")


def test_a_manifest_row_filed_after_today_is_refused_on_the_page_by_its_line(
        server: ArchiveServer, archivist: httpx.Client, files: Path) -> None:
    """The digitising page reads the manifest first: the row's file is not sent, and the
    batch says which line, what it says and why, in Chinese."""
    scan = scanned_png(files, "simplified", lines=1)
    manifest = ("文件,户号,类别,标题,归档日期,密级\n"
                f"{scan.name},A-1201,维修,将来的报修,2091-01-01,普通\n").encode()
    browser = signed_in(server.url, "li.archivist")
    sent = browser.post("/ui/ingest/", data={"_csrf_token": browser.cookies["archive_csrf"]},
                        files=[("files", (scan.name, scan.read_bytes(), "image/png")),
                               ("manifest", ("清单.csv", manifest, "text/csv"))])
    shown = browser.get(sent.headers["location"])
    browser.close()
    assert sent.status_code == 303, sent.text
    assert "清单第 2 行（写的是“2091-01-01”）：归档日期在今天之后" in shown.text
    assert not _is_stored(archivist, scan.read_bytes())


def test_upload_without_a_file_is_a_bad_request(archivist: httpx.Client) -> None:
    response = archivist.post("/ingest/documents", data={"metadata": json.dumps(metadata())})
    assert response.status_code == 400


def test_document_above_the_uploaders_clearance_is_refused(
        archivist: httpx.Client, files: Path) -> None:
    response = upload(archivist, scanned_png(files, "simplified", lines=1),
                      metadata(security="secret"))
    assert _problem(response) == (403, "above_clearance")


def test_company_policy_needs_no_household(archivist: httpx.Client, files: Path) -> None:
    policy = {k: v for k, v in metadata(category="policy", title="档案管理制度").items()
              if k != "household"}
    path = files / "policy.pdf"
    path.write_bytes(b"%PDF-1.4\n" + os.urandom(32))
    assert upload(archivist, path, policy).status_code == 202


def _failed(client: httpx.Client, path: Path) -> dict[str, Any]:
    job = ingest(client, path)
    assert job["status"] == "failed", job
    return job


def test_corrupt_pdf_fails_its_job_with_the_reason(archivist: httpx.Client,
                                                   files: Path) -> None:
    path = files / "truncated.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog" + os.urandom(100))
    job = _failed(archivist, path)
    assert job["error_code"] == "corrupt_pdf"
    assert "upload the original file again" in job["error"]


def test_truncated_image_fails_its_job_as_corrupt(archivist: httpx.Client,
                                                  files: Path) -> None:
    whole = scanned_png(files, "simplified", lines=2).read_bytes()
    path = files / "cut.png"
    path.write_bytes(whole[: len(whole) // 2])
    assert _failed(archivist, path)["error_code"] == "corrupt_image"


def test_truncated_heic_photo_fails_its_job_as_corrupt_saying_what_to_do(
        archivist: httpx.Client, files: Path) -> None:
    path = write_heic(files / "IMG_0002.HEIC", render_page(SIMPLIFIED_LINES[:2]))
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    job = _failed(archivist, path)
    assert job["error_code"] == "corrupt_image"
    assert "corrupt or truncated" in job["error"]
    assert "upload the original scan again" in job["error"]


def test_pixel_bomb_fails_its_job(archivist: httpx.Client, files: Path) -> None:
    job = _failed(archivist, write_pixel_bomb_png(files / "bomb.png"))
    assert job["error_code"] == "pixel_bomb"


def test_heic_pixel_bomb_fails_its_job(archivist: httpx.Client, files: Path) -> None:
    job = _failed(archivist, write_pixel_bomb_heic(files / "IMG_0003.HEIC"))
    assert job["error_code"] == "pixel_bomb"


def test_document_over_the_page_limit_fails_its_job(archivist: httpx.Client,
                                                    files: Path) -> None:
    pages = [render_page(SIMPLIFIED_LINES[n:n + 1]) for n in range(MAX_PAGES + 1)]
    job = _failed(archivist, write_tiff(files / "long.tif", pages))
    assert job["error_code"] == "too_many_pages"


def test_failed_job_is_listed_with_its_reason(archivist: httpx.Client, files: Path) -> None:
    path = files / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n" + os.urandom(50))
    job = _failed(archivist, path)
    failed = archivist.get("/ingest/jobs", params={"status": "failed"}).json()
    assert job["job_id"] in {j["job_id"] for j in failed if j["error"]}
