"""Uploading known bytes: an ordinary-clearance archivist uploads the bytes of a
confidential document (filed, or whose job failed) with ``security: ordinary``. The
deduplicating answer used to name the existing document, and a failed job was queued
again with the new, lower metadata. Now the upload is refused without naming anything,
and the job is left as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.security.conftest import Secured
from tests.security.support import BROKEN_PDF, People, digital_pdf, upload, uploaded

pytestmark = pytest.mark.shared_server
"""One server per backend: each test uploads bytes of its own."""


@pytest.mark.usefixtures("ingest_worker")
def test_known_bytes_of_a_confidential_document_name_nothing(
        secured: Secured, people: People, tmp_path: Path) -> None:
    content = digital_pdf(tmp_path, "业主身份证复印件 张三")
    job = uploaded(people["wang"], content, security="confidential")
    assert job["status"] == "done", job
    attempt = upload(people["low"], content, security="ordinary", title="普通来函")
    assert (attempt.status_code, attempt.json()["code"]) == (409, "already_uploaded")
    assert job["document_id"] not in attempt.text
    assert job["job_id"] not in attempt.text
    origin = people["low"].get(f"/ingest/originals/{job['sha256']}")
    assert (origin.status_code, origin.json()["code"]) == (404, "unknown_original")


@pytest.mark.usefixtures("ingest_worker")
def test_known_bytes_of_a_failed_confidential_job_do_not_requeue_it(
        secured: Secured, people: People) -> None:
    failed = uploaded(people["wang"], BROKEN_PDF, security="confidential")
    attempt = upload(people["low"], BROKEN_PDF, security="ordinary")
    assert (attempt.status_code, attempt.json()["code"]) == (409, "already_uploaded")
    assert failed["job_id"] not in attempt.text
    again = people["wang"].get(f"/ingest/jobs/{failed['job_id']}").json()
    assert (again["status"], again["error_code"], again["updated_at"]) == (
        "failed", failed["error_code"], failed["updated_at"])
    assert again["sha256"] == hashlib.sha256(BROKEN_PDF).hexdigest()
