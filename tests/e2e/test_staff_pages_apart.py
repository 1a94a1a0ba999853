"""The staff pages served on their own (``archive serve --service web``), in front of the
services served elsewhere: they hold no data and call the services over HTTP with the
signed-in person's token, so the split deployment shows the same pages."""

from __future__ import annotations

import re
import subprocess
from contextlib import closing
from pathlib import Path

from services.common.auth import Principal, TokenCodec
from tests.e2e.ingest.support import ingest, metadata
from tests.e2e.search.support import launch_services
from tests.fixtures.app import PASSWORD, ArchiveServer, Person, module_archive_server
from tests.fixtures.postgres import free_port
from tests.support import loopback
from tests.support.pages import signed_in
from tests.support.processes import ARCHIVE, clean_environment
from tests.support.rendering import write_digital_pdf

server = module_archive_server()


def test_the_pages_alone_sign_in_and_search_through_the_services_elsewhere(
        server: ArchiveServer, tmp_path: Path) -> None:
    server.add_user("wang", "archivist", department="archive")
    services = server.url
    web = launch_services(tmp_path / "web", ("web",), registry_url=services,
                          ingest_url=services, search_url=services)
    try:
        with loopback.client(web.url, timeout=30) as browser:
            login = browser.get("/ui/login")
            csrf = re.search(r'name="csrf-token" content="([^"]+)"', login.text)
            assert csrf is not None
            signed = browser.post("/ui/login", data={
                "username": "wang", "password": PASSWORD, "next": "/ui/search?q=漏水",
                "_csrf_token": csrf.group(1)})
            assert signed.status_code == 303
            assert signed.headers["location"] == "/ui/search?q=%E6%BC%8F%E6%B0%B4"
            found = browser.get("/ui/search", params={"q": "漏水"})
            api = browser.get("/search/documents", params={"q": "漏水"})
        assert found.status_code == 200
        assert "没有找到文件。" in found.text
        assert api.status_code == 404
    finally:
        web.server.stop()


def test_the_pages_alone_are_ready_when_the_services_they_call_are(
        server: ArchiveServer, tmp_path: Path) -> None:
    services = server.url
    web = launch_services(tmp_path / "web", ("web",), registry_url=services,
                          ingest_url=services, search_url=services)
    try:
        ready = loopback.get(f"{web.url}/ready", timeout=30)
    finally:
        web.server.stop()
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"web.registry": "ok", "web.ingest": "ok",
                                      "web.search": "ok"}


def test_the_pages_alone_are_not_ready_while_the_registry_is_away(
        server: ArchiveServer, tmp_path: Path) -> None:
    services = server.url
    web = launch_services(tmp_path / "web", ("web",), ingest_url=services,
                          search_url=services,
                          registry_url=f"http://127.0.0.1:{free_port()}")
    try:
        ready = loopback.get(f"{web.url}/ready", timeout=30)
    finally:
        web.server.stop()
    assert ready.status_code == 503, ready.text
    checks = ready.json()["checks"]
    assert checks["web.registry"].startswith("down")  # the reason only for an admin's token
    assert checks["web.search"] == "ok"


def test_an_admins_token_shows_why_while_the_accounts_cannot_be_reached(
        server: ArchiveServer, tmp_path: Path) -> None:
    """The token cannot be checked against the accounts then: its signature and expiry
    are, and the answer says what was not."""
    services = server.url
    away = f"http://127.0.0.1:{free_port()}"
    web = launch_services(tmp_path / "web", ("web",), ingest_url=services,
                          search_url=services, registry_url=away)
    root = Principal(username="root", roles=("admin",))
    token = web.ctx.codec.issue(root)
    forged = TokenCodec("f" * 32, ttl_s=60).issue(root)
    try:
        ready = loopback.get(f"{web.url}/ready", headers={"Authorization": f"Bearer {token}"},
                             timeout=30)
        refused = loopback.get(f"{web.url}/ready",
                               headers={"Authorization": f"Bearer {forged}"}, timeout=30)
    finally:
        web.server.stop()
    assert ready.status_code == 503, ready.text
    said = ready.json()
    assert said["checks"]["web.registry"].startswith(f"down: the registry service at {away}")
    assert said["token_check"].startswith("signature and expiry checked; whether it was "
                                          "signed out or its user disabled could not be: ")
    assert refused.status_code == 401


def test_a_command_pointed_at_the_pages_alone_is_told_the_address_is_not_the_archives(
        server: ArchiveServer, tmp_path: Path) -> None:
    """Served apart, the archive's address is the router in front of its parts: a command
    sent to one part is told that, not 'Not Found' (as if it lacked a document)."""
    server.add_user("chen", "staff", department="customer_service")
    services = server.url
    web = launch_services(tmp_path / "web", ("web",), registry_url=services,
                          ingest_url=services, search_url=services)
    try:
        environment = clean_environment(XDG_CONFIG_HOME=str(tmp_path / "config"),
                                        ARCHIVE_DATA_DIR=str(tmp_path / "data"))
        signed = subprocess.run([*ARCHIVE, "login", "chen", "--server", web.url,
                                 "--password-stdin"], input=PASSWORD, env=environment,
                                capture_output=True, text=True, timeout=60, check=False)
    finally:
        web.server.stop()
    assert signed.returncode == 1
    said = signed.stderr.strip().splitlines()[-1]
    assert said.startswith(f"error: {web.url} serves nothing at POST /registry/auth/"), said
    assert "it is not the archive's address, or it serves only some of its parts" in said
    assert said.endswith("(not_found)"), said


def test_the_document_page_while_ingest_is_away_says_ingest_not_the_store_is_away(
        server: ArchiveServer, tmp_path: Path) -> None:
    """With the pages apart, ingest down (its store well): the page said the storage
    holding the originals could not be reached, sending the administrator to the wrong
    service."""
    people = server.clients(Person("zhao", "archivist", department="archive"))
    pdf = tmp_path / "letter.pdf"
    write_digital_pdf(pdf, [["业主来函：电梯异响"]])
    job = ingest(people["zhao"], pdf, metadata(title="业主来函（电梯异响）"))
    assert job["status"] == "done", job
    web = launch_services(tmp_path / "web", ("web",), registry_url=server.url,
                          search_url=server.url,
                          ingest_url=f"http://127.0.0.1:{free_port()}")
    document = f"/ui/documents/{job['document_id']}"
    try:
        with closing(signed_in(web.url, "zhao")) as zhao:
            page = zhao.get(document)
            history = zhao.get(f"{document}/history")
    finally:
        web.server.stop()
    assert page.status_code == 200, page.text[:500]
    assert "业主来函（电梯异响）" in page.text  # the record, from the registry
    assert "文字和页面图像暂时无法显示：文件处理服务" in page.text
    assert "原件暂时无法下载：文件处理服务" in page.text
    assert "存储服务" not in page.text
    assert "文字版本暂时无法显示：文件处理服务" in history.text
