"""A person's correction of a page's text (``POST /ingest/documents/{id}/pages/{n}/text``),
as the review page sends it: a new text version with who and why, the OCR's reading kept,
the page out of the review queue, and search finding the corrected word.

The server flags every page for review (``low_confidence`` 99.9 is configuration; the
confidences are Tesseract's own), so one small scan makes a queue."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from services.common.objectstore import open_object_store
from services.ingest.models import older_pages_key, text_versions_key
from tests.e2e.ingest.support import ingest, metadata, scanned_png
from tests.fixtures.app import ArchiveServer, module_archive_server
from tests.support.waiting import eventually

pytestmark = pytest.mark.ocr

CORRECTED = "业主来函：琥珀色窗帘褪色，请物业处理。"
WORD = "琥珀色窗帘"


server = module_archive_server(ocr_engine="tesseract", low_confidence=99.9)


@pytest.fixture(scope="module")
def token(server: ArchiveServer) -> str:
    return server.add_user("li.archivist", "archivist", clearance="secret")


@pytest.fixture(scope="module")
def filed(server: ArchiveServer, token: str, tmp_path_factory: pytest.TempPathFactory
          ) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("scans")
    job = ingest(server.client(token), scanned_png(folder, "simplified", lines=2))
    assert job["status"] == "done", job
    return job


def queue(server: ArchiveServer, token: str) -> list[str]:
    answer = server.client(token).get("/registry/documents", params={"needs_review": "true"})
    assert answer.status_code == 200, answer.text
    return [record["document_id"] for record in answer.json()]


def correct(server: ArchiveServer, token: str, document_id: str, number: int,
            body: dict[str, Any]) -> Any:
    return server.client(token).post(
        f"/ingest/documents/{document_id}/pages/{number}/text", json=body)


def test_a_low_confidence_page_is_in_the_review_queue(
    server: ArchiveServer, token: str, filed: dict[str, Any]
) -> None:
    text = server.client(token).get(f"/ingest/documents/{filed['document_id']}/text").json()
    assert text["pages"][0]["needs_review"] is True
    assert queue(server, token) == [filed["document_id"]]


def test_refusals_are_clean_4xx(server: ArchiveServer, token: str, filed: dict[str, Any],
                                tmp_path: Path) -> None:
    document_id = filed["document_id"]
    unknown = correct(server, token, document_id, 9, {"text": "x", "reason": "校对"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_page")
    empty = correct(server, token, document_id, 1, {"text": "x", "reason": ""})
    assert empty.status_code == 400
    blank = correct(server, token, document_id, 1, {"text": "x", "reason": "   "})
    assert (blank.status_code, blank.json()["code"]) == (422, "reason_required")
    staff = server.add_user("wang.staff", "staff")
    assert correct(server, staff, document_id, 1,
                   {"text": "x", "reason": "校对"}).status_code == 403
    secret = ingest(server.client(token), scanned_png(tmp_path, "traditional", lines=1),
                    metadata(security="secret", title="机密函件"))
    ordinary = server.add_user("zhou.archivist", "archivist")
    hidden = correct(server, ordinary, secret["document_id"], 1, {"text": "x", "reason": "校对"})
    missing = correct(server, ordinary, "00000000-0000-0000-0000-000000000000", 1,
                      {"text": "x", "reason": "校对"})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["code"] == missing.json()["code"]
    assert secret["document_id"] not in queue(server, ordinary)
    assert filed["document_id"] in queue(server, ordinary)


def test_a_correction_is_a_new_version_found_by_search_and_leaves_the_queue(
    server: ArchiveServer, token: str, filed: dict[str, Any]
) -> None:
    document_id = filed["document_id"]
    answer = correct(server, token, document_id, 1, {"text": CORRECTED, "reason": "人工校对"})

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"document_id": document_id, "number": 1, "text_version": 2,
                             "pages_needing_review": []}
    page = server.client(token).get(f"/ingest/documents/{document_id}/text").json()["pages"][0]
    assert (page["text"], page["needs_review"], page["confidence"]) == (CORRECTED, False, 100)
    assert document_id not in queue(server, token)
    store = open_object_store(server.settings)
    history = asyncio.run(store.read(text_versions_key(filed["sha256"]))).decode().splitlines()
    assert '"recorded_by":"li.archivist"' in history[1]
    assert '"reason":"人工校对"' in history[1]
    kept = asyncio.run(store.read(older_pages_key(filed["sha256"], 1))).decode()
    assert WORD not in kept
    assert '"needs_review":true' in kept
    found = eventually(lambda: server.client(token).get(
        "/search/documents", params={"q": f'"{WORD}"'}).json()["hits"], timeout_s=30,
        interval_s=0.3, what="search did not find the corrected word")
    assert [hit["document_id"] for hit in found] == [document_id]
