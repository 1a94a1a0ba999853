"""``deploy/nginx.conf`` as nginx reads and serves it, in front of a real archive server:
``nginx -t`` on the file; then nginx running it on free loopback ports, so plain http is
seen redirected to https and the pages over https get HSTS and ``__Host-`` Secure cookies
(the services trust nginx's ``X-Forwarded-Proto: https``, ``ARCHIVE_TRUSTED_PROXIES``).

The file's placeholder certificate paths are pointed at a throwaway self-signed
certificate (openssl), its upstream host names (compose service names, unknown here) and
ports at the test's server, its listening ports at free ones; nothing else changes.

nginx and openssl come from ``make setup`` (``nginx-light``); without them the tests fail
saying how to get them, as a missing Chromium fails the browser tests."""

from __future__ import annotations

import re
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.fixtures.app import ArchiveServer, module_archive_server
from tests.fixtures.postgres import free_port
from tests.support.processes import run_client
from tests.support.waiting import eventually

DEPLOYED = Path(__file__).parents[2] / "deploy" / "nginx.conf"
PLACEHOLDERS = ("/etc/nginx/tls/archive.crt", "/etc/nginx/tls/archive.key")

server = module_archive_server()


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found is None:
        pytest.fail(f"{name} is not installed: run 'make setup' as root, or "
                    "apt-get install nginx-light openssl")
    return found


@dataclass
class Proxy:
    """The deployed config made runnable here: its main file and what it answers on."""

    main: Path
    http_url: str
    https_url: str
    tls: ssl.SSLContext
    """Trusts the throwaway certificate only."""
    certificate: Path


@pytest.fixture
def proxy(server: ArchiveServer, tmp_path: Path) -> Proxy:
    _tool("nginx")  # fails before anything is made when nginx is absent
    certificate, key = tmp_path / "archive.crt", tmp_path / "archive.key"
    subprocess.run([_tool("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out",
                    str(certificate)], check=True, capture_output=True)
    config = DEPLOYED.read_text()
    assert all(path in config for path in PLACEHOLDERS)
    config = config.replace(PLACEHOLDERS[0], str(certificate)).replace(PLACEHOLDERS[1], str(key))
    upstream = server.url.removeprefix("http://")
    config = re.sub(r"http://(registry|ingest|search|web):8000", f"http://{upstream}", config)
    http_port, https_port = free_port(), free_port()
    config = config.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    config = config.replace("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
    (tmp_path / "archive.conf").write_text(config)
    (tmp_path / "logs").mkdir()
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\nevents {{}}\n"
        f"http {{ access_log off; include {tmp_path / 'archive.conf'}; }}\n")
    return Proxy(main, f"http://127.0.0.1:{http_port}", f"https://127.0.0.1:{https_port}",
                 ssl.create_default_context(cafile=str(certificate)), certificate)


@pytest.fixture
def running(proxy: Proxy, tmp_path: Path) -> Iterator[Proxy]:
    """nginx serving ``proxy`` in the foreground (one process); stopped afterwards."""
    with _nginx(proxy, tmp_path):
        yield proxy


@contextmanager
def _nginx(proxy: Proxy, tmp_path: Path) -> Iterator[None]:
    nginx = subprocess.Popen(
        [_tool("nginx"), "-c", str(proxy.main), "-p", str(tmp_path),
         "-g", "daemon off; master_process off;"])
    try:
        eventually(lambda: _answers(proxy), timeout_s=10,
                   what=f"nginx did not start; see {tmp_path / 'error.log'}")
        yield
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)


def _answers(proxy: Proxy) -> bool:
    try:
        httpx.get(f"{proxy.https_url}/health", verify=proxy.tls)
    except httpx.TransportError:
        return False
    return True


def test_the_deployed_config_with_a_certificate_in_place_is_valid(
        proxy: Proxy, tmp_path: Path) -> None:
    checked = subprocess.run([_tool("nginx"), "-t", "-c", str(proxy.main), "-p", str(tmp_path)],
                             capture_output=True, text=True, check=False)
    assert (checked.returncode, "test is successful" in checked.stderr) == (0, True), (
        checked.stderr)


def test_plain_http_is_sent_to_https(running: Proxy) -> None:
    answer = httpx.get(f"{running.http_url}/ui/login?next=/ui/search")
    assert (answer.status_code, answer.headers["location"]) == (
        301, "https://127.0.0.1/ui/login?next=/ui/search")


def test_over_https_the_pages_get_hsts_and_host_prefixed_secure_cookies(
        running: Proxy) -> None:
    answer = httpx.get(f"{running.https_url}/ui/login", verify=running.tls)
    assert answer.status_code == 200
    assert answer.headers["strict-transport-security"] == "max-age=31536000"
    [cookie] = answer.headers.get_list("set-cookie")
    assert cookie.startswith("__Host-archive_csrf=")
    assert "secure" in cookie.lower()


def test_a_client_command_says_the_certificate_is_untrusted_and_trusts_it_by_ssl_cert_file(
        running: Proxy, server: ArchiveServer, tmp_path: Path) -> None:
    token = server.add_user("li.archivist", "archivist")
    untrusted = run_client(running.https_url, token, "search", "维修", cwd=tmp_path)
    trusted = run_client(running.https_url, token, "search", "维修", cwd=tmp_path,
                         variables={"SSL_CERT_FILE": str(running.certificate)})
    # Before: "cannot reach https://…; is 'archive serve' running?"
    assert untrusted.returncode == 1
    assert (f"{running.https_url} answered, but its TLS certificate is not trusted "
            "(self-signed certificate)") in untrusted.stderr
    assert "set SSL_CERT_FILE to its CA certificate" in untrusted.stderr
    assert "is 'archive serve' running?" not in untrusted.stderr
    assert trusted.returncode == 0, trusted.stderr


def test_a_service_down_behind_the_proxy_is_said_so_not_as_the_services_own_failure(
        proxy: Proxy, server: ArchiveServer, tmp_path: Path) -> None:
    """nginx answers 502 Bad Gateway for a search service that is not running: the command
    says the proxy answered and the service is down, not "search failed (502)"."""
    routes = tmp_path / "archive.conf"
    upstream = server.url.removeprefix("http://")
    routes.write_text(routes.read_text().replace(
        f"location /search/   {{ proxy_pass http://{upstream};",
        f"location /search/   {{ proxy_pass http://127.0.0.1:{free_port()};"))
    token = server.add_user("li.searcher", "archivist")
    with _nginx(proxy, tmp_path):
        answered = run_client(proxy.https_url, token, "search", "维修", cwd=tmp_path,
                              variables={"SSL_CERT_FILE": str(proxy.certificate)})
    assert answered.returncode == 1
    said = answered.stderr.strip().splitlines()[-1]
    assert said.startswith("error: 127.0.0.1:"), said
    assert "answered 502 Bad Gateway without an answer of the search service's: the proxy " \
        "in front of it answered, so the search service is down" in said
