"""Every answer carries the headers a browser needs not to misread it (OWASP ASVS 3.4.3-6,
14.3.2): an original is never sniffed into HTML, nothing is framed or referred to another
site, nothing is cached but the API reference's public files, no API answer may run a
script, and the API reference runs only the archive's own."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from tests.e2e.ingest.support import digital_pdf, ingest
from tests.fixtures.app import ArchiveServer, module_archive_server

server = module_archive_server()


def test_api_answers_errors_and_originals_carry_the_security_headers(
        server: ArchiveServer, tmp_path: Path) -> None:
    token = server.add_user("wang", "archivist", department="archive")
    with server.client(token) as client:
        job = ingest(client, digital_pdf(tmp_path, pages=1))
        answers = [client.get("/registry/auth/whoami"),
                   client.get("/registry/documents/no-such-document"),
                   client.get(f"/ingest/documents/{job['document_id']}/original")]
    with server.client() as anonymous:
        answers += [anonymous.get("/health"), anonymous.get("/registry/users")]
    for response in answers:
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["content-security-policy"] == \
            "default-src 'none'; frame-ancestors 'none'"
    assert [response.status_code for response in answers] == [200, 404, 200, 200, 401]


def test_the_api_reference_loads_only_the_archives_own_files_and_is_never_framed(
        server: ArchiveServer) -> None:
    with server.client() as client:
        pages = [client.get("/schema"), client.get("/schema/swagger"),
                 client.get("/schema/tags/accounts")]
        addresses = [address for page in pages
                     for address in re.findall(r'(?:src|href)="([^"]*)"', page.text)]
        files = {address: client.get(address) for address in addresses
                 if address.startswith("/schema/assets/")}
    assert [page.status_code for page in pages] == [200, 200, 200]
    # No address of another server; every file the page names is the archive's own,
    # served without a token (the icon is an empty data: URL), and its links lead to the
    # reference's other pages.
    assert [re.findall(r"https?://", page.text) for page in pages] == [[], [], []]
    assert all(address == "/schema" or address.startswith("/schema/") or address == "data:,"
               for address in addresses)
    # The landing's style sheet and script, Swagger UI's, and reference.js.
    assert len(files) == 5
    assert {address: file.status_code for address, file in files.items()} == \
        dict.fromkeys(files, 200)
    for page in pages:
        assert page.headers["content-security-policy"] == (
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["cache-control"] == "no-store"


def test_the_api_references_files_are_kept_a_year_under_an_address_naming_their_content(
        server: ArchiveServer) -> None:
    with server.client() as client:
        page = client.get("/schema/swagger")
        script = re.search(r'src="(/schema/assets/reference\.js)\?v=([0-9a-f]{16})"', page.text)
        assert script is not None
        answer = client.get(f"{script[1]}?v={script[2]}")
    assert answer.status_code == 200
    assert hashlib.sha256(answer.content).hexdigest()[:16] == script[2]
    assert answer.headers["cache-control"] == "max-age=31536000, public, immutable"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "SwaggerUIBundle" in answer.text


def test_the_staff_pages_files_are_kept_a_year_under_an_address_naming_their_content(
        server: ArchiveServer) -> None:
    """Kept ``no-store``, a phone reading a contract of 120 pages fetched the same 100 kB
    of style sheet and scripts again at every page."""
    with server.client() as browser:
        page = browser.get("/ui/login")
        files = re.findall(r'(?:src|href)="(/ui/static/[\w/.-]+)\?v=([0-9a-f]{16})"', page.text)
        answers = {name: browser.get(f"{name}?v={digest}") for name, digest in files}
    assert {name.rsplit("/", 1)[-1] for name, _ in files} == {
        "favicon.svg", "app.css", "htmx-2.0.11.min.js", "pages.js"}
    for name, digest in files:
        answer = answers[name]
        assert answer.status_code == 200
        assert hashlib.sha256(answer.content).hexdigest()[:16] == digest
        assert answer.headers["cache-control"] == "max-age=31536000, public, immutable"
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cache-control"] == "no-store"


def test_the_api_references_folders_are_not_listed_nor_left(
        server: ArchiveServer) -> None:
    with server.client() as client:
        served = client.get("/schema/assets/vendor/swagger-ui-LICENSE.txt")
        answers = [client.get(address) for address in (
            "/schema/assets/", "/schema/assets/vendor/", "/schema/assets/%2e%2e/__init__.py",
            "/schema/assets/vendor/..%2f..%2f__init__.py")]
    assert served.status_code == 200  # the folder holds it: a listing would name it
    assert [answer.status_code for answer in answers] == [404, 404, 404, 404]
    assert not any("swagger-ui-LICENSE" in answer.text or "SwaggerViewer" in answer.text
                   for answer in answers)


def test_the_pages_refer_only_to_themselves_and_are_never_framed(
        server: ArchiveServer) -> None:
    with server.client() as browser:
        answers = [browser.get("/ui/login"), browser.get("/ui/no-such-page")]
    for page in answers:
        assert page.headers["referrer-policy"] == "same-origin"
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
