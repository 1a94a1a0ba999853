"""``POST /ingest/texts``: many documents' texts in one call, for the search index's
rebuild (issue 18). Only a service may ask; persons, even admins, are refused."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.common.contracts.ingest import TEXTS_AT_ONCE
from tests.e2e.ingest.support import digital_pdf, ingest
from tests.fixtures.app import ArchiveServer, module_archive_server

server = module_archive_server()


@pytest.fixture(scope="module")
def filed(server: ArchiveServer, tmp_path_factory: pytest.TempPathFactory
          ) -> list[dict[str, str]]:
    """Two digital PDFs (text layers, no OCR), as the change feed names them."""
    archivist = server.client(server.add_user("li.archivist", "archivist", clearance="secret"))
    files = tmp_path_factory.mktemp("files")
    documents = []
    for pages in (1, 2):
        path = digital_pdf(files, pages=pages)
        job = ingest(archivist, path)
        assert job["status"] == "done", job
        documents.append({"document_id": job["document_id"], "sha256": _sha256(path)})
    return documents


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _texts(client: httpx.Client, documents: list[dict[str, str]]) -> httpx.Response:
    return client.post("/ingest/texts", json={"documents": documents})


def _one_by_one(client: httpx.Client, document_id: str) -> str:
    body: dict[str, Any] = client.get(f"/ingest/documents/{document_id}/text").json()
    return "\n".join(page["text"] for page in body["pages"])


def test_a_service_gets_each_documents_text_as_the_single_read_joins_it(
        server: ArchiveServer, filed: list[dict[str, str]]) -> None:
    service = server.client(server.service_token())
    unknown = {"document_id": "DOC-NOT-FILED", "sha256": "0" * 64}

    response = _texts(service, [*filed, unknown])

    assert response.status_code == 200, response.text
    body = response.json()
    assert [text["document_id"] for text in body["texts"]] == \
        [document["document_id"] for document in filed]
    for text in body["texts"]:
        assert text["text"].strip()
        assert text["text"] == _one_by_one(service, text["document_id"])
    assert body["missing"] == ["DOC-NOT-FILED"]


@pytest.mark.parametrize("roles", [("admin",), ("archivist",), ("staff",)])
def test_a_person_is_refused_whatever_their_roles(
        server: ArchiveServer, filed: list[dict[str, str]], roles: tuple[str, ...]) -> None:
    person = server.client(server.add_user(f"user.{roles[0]}", *roles, clearance="secret"))

    response = _texts(person, filed)

    assert response.status_code == 403, response.text
    assert response.json()["code"] == "role_required"


def test_no_token_is_refused(server: ArchiveServer, filed: list[dict[str, str]]) -> None:
    assert _texts(server.client(), filed).status_code == 401


@pytest.mark.parametrize("count", [0, TEXTS_AT_ONCE + 1])
def test_an_empty_or_oversized_request_is_refused(
        server: ArchiveServer, filed: list[dict[str, str]], count: int) -> None:
    service = server.client(server.service_token())

    response = _texts(service, [filed[0]] * count)

    assert response.status_code in (400, 422), response.text


def test_a_malformed_sha256_is_refused(server: ArchiveServer,
                                       filed: list[dict[str, str]]) -> None:
    service = server.client(server.service_token())

    response = _texts(service, [{"document_id": filed[0]["document_id"], "sha256": "x"}])

    assert response.status_code in (400, 422), response.text
