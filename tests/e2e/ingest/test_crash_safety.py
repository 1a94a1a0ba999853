"""Killing the server with SIGKILL in the middle of a batch loses no upload and files no
document twice: after a restart every job completes (reliability.md, promise 3)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.ingest.support import metadata, upload, wait_for_job
from tests.fixtures.postgres import free_port
from tests.support.rendering import SIMPLIFIED_LINES, TRADITIONAL_LINES, render_page, write_png

pytestmark = pytest.mark.ocr

ARCHIVE = [sys.executable, "-m", "services.cli"]
PASSWORD = "a good password"
BATCH = 6


def _environment(data: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVE_")}
    environment.update({"ARCHIVE_DATA_DIR": str(data), "ARCHIVE_JOB_LEASE_S": "3",
                        "ARCHIVE_OCR_WORKERS": "1", "ARCHIVE_SECRET_KEY": "k" * 48})
    return environment


class ServerProcess:
    """``archive serve`` in a session of its own, so its workers die with it."""

    def __init__(self, data: Path, port: int) -> None:
        self.data = data
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = (self.data.parent / "server.log").open("ab")
        self.process = subprocess.Popen([*ARCHIVE, "serve", "--port", str(self.port)],
                                        env=_environment(self.data), stdout=log, stderr=log,
                                        start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health").status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError("the server did not start")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    data = tmp_path / "data"
    added = subprocess.run([*ARCHIVE, "user", "add", "li", "--role", "archivist",
                            "--password-stdin"], env=_environment(data), input=PASSWORD + "\n",
                           capture_output=True, text=True, check=False)
    assert added.returncode == 0, added.stderr
    process = ServerProcess(data, free_port())
    process.start()
    yield process
    if process.process is not None and process.process.poll() is None:
        process.kill()


def _client(server: ServerProcess) -> httpx.Client:
    token = httpx.post(f"{server.url}/registry/auth/token",
                       json={"username": "li", "password": PASSWORD}).json()["access_token"]
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"},
                        timeout=60)


def _batch(directory: Path) -> list[Path]:
    lines = [*SIMPLIFIED_LINES, *TRADITIONAL_LINES]
    return [write_png(directory / f"letter-{n}.png", render_page(lines[n:n + 1]))
            for n in range(BATCH)]


def _kill_while_jobs_run(server: ServerProcess, client: httpx.Client) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if client.get("/ingest/jobs", params={"status": "running"}).json():
            server.kill()
            return
        time.sleep(0.05)
    raise AssertionError("no job started running")


def test_killed_server_completes_every_acknowledged_job_once_after_restart(
        server: ServerProcess, tmp_path: Path) -> None:
    client = _client(server)
    receipts = [upload(client, path, metadata(language="chi_sim")).json()
                for path in _batch(tmp_path)]
    _kill_while_jobs_run(server, client)
    server.start()
    client = _client(server)
    jobs = [wait_for_job(client, receipt["job_id"], timeout_s=120) for receipt in receipts]
    assert [job["status"] for job in jobs] == ["done"] * BATCH
    filed = client.get("/registry/documents", params={"household": "A-1201"}).json()
    assert sorted(record["sha256"] for record in filed) == sorted(
        receipt["sha256"] for receipt in receipts)
    assert {record["document_id"] for record in filed} == {job["document_id"] for job in jobs}
