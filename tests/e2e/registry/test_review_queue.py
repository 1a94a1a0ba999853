"""The review queue holds only pages the person may read: a confidential document's pages
wait for someone with a loan (借阅), and opening the review page reads nothing on the
archivist's behalf, so the audit log shows no attempt to read them."""

from __future__ import annotations

import hashlib
from contextlib import closing

import httpx
import pytest

from tests.fixtures.app import ArchiveServer, Person, module_archive_server
from tests.support.pages import signed_in

TITLE = "和解协议（机密）"

server = module_archive_server()
"""One archive, one confidential document: each test asserts that what it did read
nothing on wang's behalf, whichever ran first."""


@pytest.fixture(scope="module")
def people(server: ArchiveServer) -> dict[str, httpx.Client]:
    return server.clients(
        Person("wang", "archivist", clearance="secret", department="archive"),
        Person("qin", "compliance", clearance="secret", department="archive"),
    )


@pytest.fixture(scope="module")
def confidential(people: dict[str, httpx.Client]) -> str:
    """A confidential document whose first page's reading needs a person."""
    response = people["wang"].post("/registry/documents", json={
        "sha256": hashlib.sha256(b"settlement scan").hexdigest(), "household": "A-1201",
        "category": "correspondence", "title": TITLE, "filed_at": "2024-05-18",
        "security": "confidential", "media_type": "image/png", "size_bytes": 100,
        "extraction": {"mean_confidence": 41.0, "pages_needing_review": [1],
                       "method": "ocr"}})
    assert response.status_code == 201, response.text
    return str(response.json()["document_id"])


def _wangs_entries(people: dict[str, httpx.Client], document_id: str) -> list[str]:
    trail = people["qin"].get("/registry/audit/", params={"document_id": document_id}).json()
    return [f"{entry['action']} {entry['outcome']}" for entry in trail
            if entry["username"] == "wang"]


def test_a_confidential_page_without_a_loan_is_neither_listed_nor_counted_nor_tried(
        server: ArchiveServer, people: dict[str, httpx.Client],
        confidential: str) -> None:
    queue = people["wang"].get("/registry/documents", params={"needs_review": "true"})
    with closing(signed_in(server.url, "wang")) as browser:
        review = browser.get("/ui/review")

    assert "read_text refused" not in _wangs_entries(people, confidential)
    assert queue.json() == []
    assert review.status_code == 200, review.text
    assert "没有需要校对的页面。" in review.text
    assert TITLE not in review.text
    assert "待校对页面" not in review.text


def test_the_page_asked_for_by_address_says_a_loan_is_needed_instead_of_another(
        server: ArchiveServer, people: dict[str, httpx.Client],
        confidential: str) -> None:
    with closing(signed_in(server.url, "wang")) as browser:
        review = browser.get("/ui/review", params={"document": confidential, "page": 1})

    assert review.status_code == 200, review.text
    assert f"不能校对《{TITLE}》" in review.text
    assert "阅读这份文件需要借阅批准" in review.text
    assert f"/ui/loans/new?document={confidential}" in review.text
    assert 'name="document_id"' not in review.text
    assert "read_text refused" not in _wangs_entries(people, confidential)


def test_a_document_asked_for_that_is_none_is_said_so_not_settled(
        server: ArchiveServer, people: dict[str, httpx.Client]) -> None:
    """A mistyped or old address was answered "this document has no pages waiting" with a
    link to a document page that does not exist."""
    with closing(signed_in(server.url, "wang")) as browser:
        review = browser.get("/ui/review", params={"document": "nonsense"})
    assert review.status_code == 200, review.text
    assert "没有这份文件，或您无权查看它" in review.text
    assert "没有等待校对的页面" not in review.text
    assert "/ui/documents/nonsense" not in review.text
