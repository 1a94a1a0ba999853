"""Registration bodies for the registry's end-to-end tests, filing them as ingest does, and
the archivist's signed-in browser of the modules that define ``server`` and ``archivist``."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fixtures.app import ArchiveServer
from tests.support.pages import signed_in

_counter = itertools.count()


def document_body(**fields: Any) -> dict[str, Any]:
    """A registration as ingest sends it; each call has new bytes unless ``sha256`` given."""
    body: dict[str, Any] = {
        "sha256": hashlib.sha256(f"scan {next(_counter)}".encode()).hexdigest(),
        "household": "A-1201", "category": "correspondence", "title": "关于停车位的申请函",
        "filed_at": "2024-03-01", "media_type": "application/pdf", "size_bytes": 2048,
        "pages": 3, "language": "zh",
        "location": {"building": "A", "room": "档案室", "cabinet": "12", "box": "3"},
        "extraction": {"mean_confidence": 91.5, "pages_needing_review": [2], "method": "ocr"},
        "original_filename": "letter.pdf", "filed_by": "wang",
    }
    body.update(fields)
    return body


def registered(server: ArchiveServer, **fields: Any) -> dict[str, Any]:
    """The record of a document ingest registers with ``fields`` (201: new bytes)."""
    with server.client(server.service_token()) as ingest:
        response = ingest.post("/registry/documents", json=document_body(**fields))
    assert response.status_code == 201, response.text
    record: dict[str, Any] = response.json()
    return record


def opened(client: httpx.Client, household: str, occupant: str, moved_in: str) -> None:
    """``household`` created through the registry's API with ``occupant`` moving in on
    ``moved_in``."""
    created = client.post("/registry/households", json={
        "household": household, "occupant": occupant, "moved_in": moved_in})
    assert created.status_code == 201, created.text


@pytest.fixture(scope="module")
def wang(server: ArchiveServer, archivist: httpx.Client) -> Iterator[httpx.Client]:
    """The archivist's browser, signed in (``archivist`` adds the account)."""
    browser = signed_in(server.url, "wang")
    yield browser
    browser.close()
