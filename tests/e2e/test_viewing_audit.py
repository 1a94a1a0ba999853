"""One viewing of a document in the staff pages is one entry in the audit log (O4), not
one per request its page makes: the page, its text and boxes, each page turned and each
page image (the large one too) join the read journaled for the same person and document
within the viewing window, and so does the same document opened on the review page. A
viewing later is another entry; reading the text through the API and downloading the
original are each an entry of their own, always."""

from __future__ import annotations

from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from services.common.clock import FixedClock
from services.registry.catalogue.rules import VIEWING_WINDOW
from tests.e2e.ingest.support import digital_pdf, ingest, metadata
from tests.fixtures.app import StartServer
from tests.support.pages import signed_in


def _view(browser: httpx.Client, document_id: str, pages: int) -> None:
    """A person reads the document page by page, as the page shows it."""
    for number in range(1, pages + 1):
        page = browser.get(f"/ui/documents/{document_id}", params={"page": number})
        assert page.status_code == 200, page.text
        assert f"/pages/{number}/preview" in page.text
        assert f'data-large="/ui/documents/{document_id}/pages/{number}/large"' in page.text
        for size in ("preview", "thumbnail", "large"):  # large: the page enlarged
            image = browser.get(f"/ui/documents/{document_id}/pages/{number}/{size}")
            assert (size, image.status_code, image.headers["content-type"]) == (
                size, 200, "image/webp")


def test_a_viewing_is_one_read_entry_and_api_reads_and_downloads_their_own(
        start_archive_server: StartServer, tmp_path: Path) -> None:
    clock = FixedClock(datetime.now(UTC))
    archive = start_archive_server(clock=clock)
    wang = archive.client(archive.add_user("wang", "archivist", department="archive"))
    li_api = archive.client(archive.add_user("li", "staff", department="customer_service"))
    qin = archive.client(archive.add_user("qin", "compliance", clearance="secret",
                                          department="archive"))
    job = ingest(wang, digital_pdf(tmp_path, pages=3), metadata())
    assert job["status"] == "done", job
    document_id = job["document_id"]

    def entries(action: str) -> list[str]:
        trail = qin.get("/registry/audit/", params={"document_id": document_id}).json()
        return [entry["at"] for entry in trail
                if entry["action"] == action and entry["username"] == "li"]

    with closing(signed_in(archive.url, "li")) as browser:
        _view(browser, document_id, pages=3)
        assert len(entries("read_text")) == 1

        clock.advance(VIEWING_WINDOW - timedelta(seconds=1))
        _view(browser, document_id, pages=1)
        assert len(entries("read_text")) == 1

        clock.advance(timedelta(hours=1))
        _view(browser, document_id, pages=3)
        assert len(entries("read_text")) == 2

        original = browser.get(f"/ui/documents/{document_id}/original")
        assert original.status_code == 200
        assert original.content.startswith(b"%PDF")
        assert len(entries("download")) == 1
        assert browser.get(f"/ui/documents/{document_id}/original").status_code == 200
        assert len(entries("download")) == 2

    for _ in range(2):
        assert li_api.get(f"/ingest/documents/{document_id}/text").status_code == 200
    assert len(entries("read_text")) == 4


def test_the_review_page_loaded_again_joins_the_viewing_of_its_document(
        start_archive_server: StartServer, tmp_path: Path) -> None:
    archive = start_archive_server()
    wang = archive.client(archive.add_user("wang", "archivist", department="archive"))
    qin = archive.client(archive.add_user("qin", "compliance", department="archive"))
    job = ingest(wang, digital_pdf(tmp_path, pages=2), metadata())
    assert job["status"] == "done", job
    document_id = job["document_id"]

    with closing(signed_in(archive.url, "wang")) as browser:
        for number in (1, 1, 2, 1):  # loaded again, the next page, back
            review = browser.get("/ui/review", params={"document": document_id,
                                                       "page": number})
            assert review.status_code == 200, review.text
            assert f'name="number" value="{number}"' in review.text
            assert browser.get(f"/ui/documents/{document_id}/pages/{number}/preview"
                               ).status_code == 200
        _view(browser, document_id, pages=1)

    trail = qin.get("/registry/audit/", params={"document_id": document_id}).json()
    assert [entry["action"] for entry in trail
            if entry["action"] == "read_text" and entry["username"] == "wang"] == ["read_text"]
