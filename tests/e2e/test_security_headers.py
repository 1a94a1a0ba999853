"""Every answer carries the headers a browser needs not to misread it (OWASP ASVS 3.4.3-6,
14.3.2): an original is never sniffed into HTML, nothing is cached, framed or referred to
another site, and no API answer may run a script."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.ingest.support import digital_pdf, ingest
from tests.fixtures.app import ArchiveServer


def test_api_answers_errors_and_originals_carry_the_security_headers(
        archive_server: ArchiveServer, tmp_path: Path) -> None:
    token = archive_server.add_user("wang", "archivist", department="archive")
    with archive_server.client(token) as client:
        job = ingest(client, digital_pdf(tmp_path, pages=1))
        answers = [client.get("/registry/auth/whoami"),
                   client.get("/registry/documents/no-such-document"),
                   client.get(f"/ingest/documents/{job['document_id']}/original")]
    with archive_server.client() as anonymous:
        answers += [anonymous.get("/health"), anonymous.get("/registry/users")]
    for response in answers:
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["content-security-policy"] == \
            "default-src 'none'; frame-ancestors 'none'"
    assert [response.status_code for response in answers] == [200, 404, 200, 200, 401]


def test_the_api_reference_may_load_its_viewer(archive_server: ArchiveServer) -> None:
    with archive_server.client() as client:
        page = client.get("/schema/swagger")
    assert page.status_code == 200
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in page.headers


def test_the_pages_refer_only_to_themselves_and_are_never_framed(
        archive_server: ArchiveServer) -> None:
    with archive_server.client() as browser:
        answers = [browser.get("/ui/login"), browser.get("/ui/no-such-page")]
    for page in answers:
        assert page.headers["referrer-policy"] == "same-origin"
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
