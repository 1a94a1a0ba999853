"""Upload batches (``/ingest/batches``): the digitising page's record of which file
became which job, so a batch can be shown again after the tab was closed. Each file's
state comes from its job; a refused upload is kept with its code; a batch is its
creator's alone."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.ingest.support import metadata, scanned_png
from tests.fixtures.app import ArchiveServer, module_archive_server
from tests.support.rendering import render_page, write_scanned_pdf
from tests.support.waiting import eventually

pytestmark = pytest.mark.ocr


server = module_archive_server(ocr_engine="tesseract", low_confidence=99.9)


def send(client: httpx.Client, batch_id: str, name: str, data: bytes,
         meta: dict[str, Any]) -> httpx.Response:
    return client.post("/ingest/documents", data={"metadata": json.dumps(meta),
                                                  "batch": batch_id},
                       files={"file": (name, data, "application/octet-stream")})


def finished(client: httpx.Client, batch_id: str) -> dict[str, Any]:
    return eventually(lambda: (batch := client.get(f"/ingest/batches/{batch_id}").json())
                      ["summary"]["finished"] and batch, timeout_s=90, interval_s=0.3,
                      what="the batch did not finish")


def test_a_batch_shows_each_files_outcome_and_the_sums(
        server: ArchiveServer, archivist: httpx.Client, tmp_path: Path) -> None:
    created = archivist.post("/ingest/batches")
    assert created.status_code == 201, created.text
    batch_id = created.json()["batch_id"]
    scan = scanned_png(tmp_path, "simplified", lines=2).read_bytes()
    corrupt = b"%PDF-1.7\n1 0 obj << /Type /Catalog" + os.urandom(100)

    assert send(archivist, batch_id, "scan.png", scan, metadata()).status_code == 202
    assert send(archivist, batch_id, "broken.pdf", corrupt, metadata()).status_code == 202
    refused = send(archivist, batch_id, "wrong.png", scan, metadata(household="12楼01"))
    assert refused.status_code == 422
    batch = finished(archivist, batch_id)
    assert send(archivist, batch_id, "again.png", scan, metadata()).status_code == 200
    otherwise = send(archivist, batch_id, "otherwise.png", scan,
                     metadata(title="另一份报修", personal_info=True))
    assert otherwise.status_code == 409
    word = send(archivist, batch_id, "装修申请.docx", b"PK\x03\x04" + bytes(60), metadata())
    assert (word.status_code, word.json()["code"], word.json()["seems"]) == (
        415, "unsupported_media_type", "zip")
    batch = archivist.get(f"/ingest/batches/{batch_id}").json()

    files = {file["filename"]: file for file in batch["files"]}
    assert [file["filename"] for file in batch["files"]] == [
        "scan.png", "broken.pdf", "wrong.png", "again.png", "otherwise.png", "装修申请.docx"]
    assert files["scan.png"]["status"] == "done"
    assert files["scan.png"]["pages"] == files["scan.png"]["review_pages"] == 1
    assert (files["broken.pdf"]["status"], files["broken.pdf"]["error_code"]) == (
        "failed", "corrupt_pdf")
    assert (files["wrong.png"]["status"], files["wrong.png"]["error_code"]) == (
        "refused", "invalid_household")
    assert files["again.png"]["status"] == "duplicate"
    assert files["again.png"]["document_id"] == files["scan.png"]["document_id"]
    # Filed otherwise: refused, naming what differs and the document to correct.
    assert (files["otherwise.png"]["status"], files["otherwise.png"]["error_code"],
            files["otherwise.png"]["fields"], files["otherwise.png"]["document_id"]) == (
        "refused", "filed_differently", ["title", "personal_info"],
        files["scan.png"]["document_id"])
    # Of a type not taken: what it seems to be, so the page says to save it as PDF.
    assert (files["装修申请.docx"]["error_code"], files["装修申请.docx"]["seems"]) == (
        "unsupported_media_type", "zip")
    assert "seems" not in files["wrong.png"]
    assert batch["summary"] == {"files": 6, "waiting": 0, "done": 1, "duplicates": 1,
                                "failed": 4, "pages": 1, "review_pages": 1,
                                "finished": True}
    assert [recent["batch_id"] for recent in archivist.get("/ingest/batches").json()] == [
        batch_id]


def test_a_batch_is_its_creators_alone(server: ArchiveServer, archivist: httpx.Client,
                                       tmp_path: Path) -> None:
    batch_id = archivist.post("/ingest/batches").json()["batch_id"]
    other = server.client(server.add_user("zhou.archivist", "archivist"))
    assert other.get(f"/ingest/batches/{batch_id}").status_code == 404
    assert other.get("/ingest/batches").json() == []
    scan = scanned_png(tmp_path, "traditional", lines=1).read_bytes()
    sent = send(other, batch_id, "scan.png", scan, metadata())
    assert (sent.status_code, sent.json()["code"]) == (404, "unknown_batch")
    staff = server.client(server.add_user("wang.staff", "staff"))
    assert staff.post("/ingest/batches").status_code == 403


def test_a_running_job_says_which_page_it_reads_of_how_many(
        server: ArchiveServer, archivist: httpx.Client, tmp_path: Path) -> None:
    pages = [render_page([f"第{number}页：业主报修记录"]) for number in range(1, 5)]
    path = write_scanned_pdf(tmp_path / "four-pages.pdf", pages)
    sent = archivist.post("/ingest/documents", data={"metadata": json.dumps(metadata())},
                          files={"file": (path.name, path.read_bytes())})
    job_id = sent.json()["job_id"]
    seen: set[tuple[int | None, int | None]] = set()

    def finished_job() -> dict[str, Any] | None:
        job = archivist.get(f"/ingest/jobs/{job_id}").json()
        if job["status"] == "running":
            seen.add((job.get("pages_read"), job.get("pages_total")))
        return job if job["status"] in ("done", "failed") else None

    job = eventually(finished_job, timeout_s=120, interval_s=0.05, what="the job did not end")
    assert job["status"] == "done", job
    assert {total for _, total in seen} & {4}, seen  # the count was known while reading
    assert any(read for read, _ in seen if read), seen  # pages were counted as read
