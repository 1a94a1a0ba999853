"""Filing a known hash (issue 14, confirmed on a running server): an ordinary-clearance
archivist who knows the SHA-256 of a confidential document files it directly in the
registry as ``ordinary``. Before, the registry answered 200 with the confidential record;
for a document whose OCR job had not filed it yet, it filed it as ordinary for everyone.
Now: no id, title or location comes back, the record is never lowered, and bytes that
were uploaded are filed only by their own job."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.security.conftest import Secured
from tests.security.support import (
    BROKEN_PDF,
    People,
    digital_pdf,
    document_body,
    file_document,
    leaked,
    uploaded,
)

pytestmark = pytest.mark.shared_server
"""One server per backend: each test files hashes and bytes of its own."""


def test_the_hash_of_a_confidential_record_gets_nothing_back(secured: Secured,
                                                              people: People) -> None:
    secret = file_document(people["wang"], security="confidential", title="和解协议（机密）",
                           location={"building": "A", "room": "档案室", "cabinet": "3",
                                     "box": "12"})
    attempt = people["low"].post("/registry/documents", json=document_body(
        sha256=secret["sha256"], title="随便", security="ordinary"))
    assert (attempt.status_code, attempt.json()["code"]) == (409, "already_filed")
    assert leaked(attempt.text, secret) == []
    assert "档案室" not in attempt.text
    assert people["wang"].get(f"/registry/documents/{secret['document_id']}").json()[
        "security"] == "confidential"


@pytest.mark.usefixtures("ingest_worker")
def test_the_hash_of_a_filed_upload_cannot_be_filed_again_lower(
        secured: Secured, people: People, tmp_path: Path) -> None:
    job = uploaded(people["wang"], digital_pdf(tmp_path, "和解协议 甲方乙方"),
                   security="confidential")
    assert job["status"] == "done", job
    attempt = people["low"].post("/registry/documents", json=document_body(
        sha256=job["sha256"], security="ordinary"))
    assert (attempt.status_code, attempt.json()["code"]) == (409, "already_uploaded")
    assert job["document_id"] not in attempt.text
    record = people["wang"].get(f"/registry/documents/{job['document_id']}").json()
    assert record["security"] == "confidential"


@pytest.mark.usefixtures("ingest_worker")
def test_the_hash_of_an_upload_not_yet_filed_cannot_be_filed_first(
        secured: Secured, people: People) -> None:
    job = uploaded(people["wang"], BROKEN_PDF, security="confidential")
    assert (job["status"], job["document_id"]) == ("failed", None)
    attempt = people["low"].post("/registry/documents", json=document_body(
        sha256=hashlib.sha256(BROKEN_PDF).hexdigest(), security="ordinary"))
    assert (attempt.status_code, attempt.json()["code"]) == (409, "already_uploaded")
    listed = people["ma"].get("/registry/documents")
    assert listed.status_code == 200, listed.text
    assert [d for d in listed.json() if d["sha256"] == hashlib.sha256(BROKEN_PDF).hexdigest()
            ] == []


@pytest.mark.usefixtures("ingest_worker")
def test_an_upload_whose_bytes_were_filed_otherwise_fails_its_job(
        secured: Secured, people: People, tmp_path: Path) -> None:
    content = digital_pdf(tmp_path, "装修押金退还确认书")
    sha256 = hashlib.sha256(content).hexdigest()
    earlier = file_document(people["wang"], sha256=sha256, security="secret",
                            personal_info=True, title="业主身份证复印件")
    job = uploaded(people["wang"], content, security="ordinary", title="装修押金退还")
    assert (job["status"], job["error_code"], job["document_id"]) == (
        "failed", "filed_differently", None)
    assert "业主身份证复印件" not in job["error"]
    record = people["wang"].get(f"/registry/documents/{earlier['document_id']}").json()
    assert (record["security"], record["personal_info"]) == ("secret", True)
