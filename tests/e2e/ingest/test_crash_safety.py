"""Killing ``archive serve`` with SIGKILL while it reads 10 scans loses no upload, files no
document twice, and costs seconds (reliability.md, promises 3 and 9): restarted, the
server takes back the jobs its dead process held at once, not after their lease.

Only the server's own process is killed, as ``kill -9 <pid>`` does: its extraction
processes, orphaned, end within seconds (they watch their parent), and until then must
not disturb the restarted server (each worker has its own scratch directory). Stopped
gracefully (SIGTERM), the server ends them itself. The whole session is killed at the end
so nothing outlives the test.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.ingest.support import metadata, upload, wait_for_job
from tests.fixtures.postgres import free_port
from tests.support import loopback
from tests.support.processes import ARCHIVE, clean_environment, wait_until_serving
from tests.support.rendering import SIMPLIFIED_LINES, TRADITIONAL_LINES, render_page, write_png
from tests.support.waiting import eventually

pytestmark = pytest.mark.ocr

PASSWORD = "a good password"
BATCH = 10
RESUMED_WITHIN_S = 30.0


def _environment(data: Path) -> dict[str, str]:
    """One OCR process, and the 5-minute job lease of old: only the restarted server's
    taking back of its dead process's jobs can resume them within the 30 s (the default
    lease, 30 s, would nearly do it alone and hide a recovery that does nothing)."""
    environment = clean_environment()
    environment.update({"ARCHIVE_DATA_DIR": str(data), "ARCHIVE_OCR_WORKERS": "1",
                        "ARCHIVE_SECRET_KEY": "k" * 48, "ARCHIVE_JOB_LEASE_S": "300"})
    return environment


class ServerProcess:
    """``archive serve`` in a session of its own, so everything it started can be killed."""

    def __init__(self, data: Path, port: int) -> None:
        self.data = data
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.sessions: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        log = self.data.parent / "server.log"
        with log.open("ab") as output:
            self.sessions.append(subprocess.Popen(
                [*ARCHIVE, "serve", "--port", str(self.port)], env=_environment(self.data),
                stdout=output, stderr=output, start_new_session=True))
        wait_until_serving(self.url, self.sessions[-1],
                           log=lambda: log.read_text(errors="replace")[-3000:])

    def kill_server_only(self, signum: int = signal.SIGKILL) -> None:
        """``kill -9`` (or another signal) of the server's process only."""
        process = self.sessions[-1]
        process.send_signal(signum)
        process.wait(timeout=60)

    def left_running(self, session: int = -1) -> list[int]:
        """The processes of the last server's session (or ``session``) still running (not
        zombies), whoever their parent is now: the server and what it started."""
        leader = self.sessions[session].pid
        running = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                state, _parent, _group, session = stat.read_text().rsplit(")", 1)[1].split()[:4]
            except OSError:  # ended meanwhile
                continue
            if int(session) == leader and state != "Z":
                running.append(int(stat.parent.name))
        return running

    def extraction_processes(self) -> list[int]:
        """Those of ``left_running`` that are extraction processes (not the server, nor
        the resource tracker multiprocessing starts, which ends once its pipe closes)."""
        return [pid for pid in self.left_running()
                if b"spawn_main" in _command_line(pid)]

    def kill_everything(self) -> None:
        for process in self.sessions:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:  # ended meanwhile
        return b""


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
    process.kill_everything()


def _client(server: ServerProcess) -> httpx.Client:
    token = loopback.post(f"{server.url}/registry/auth/token",
                       json={"username": "li", "password": PASSWORD},
                       timeout=60).json()["access_token"]
    return loopback.client(server.url, headers={"Authorization": f"Bearer {token}"},
                        timeout=60)


def _batch(directory: Path) -> list[Path]:
    lines = [*SIMPLIFIED_LINES, *TRADITIONAL_LINES]
    return [write_png(directory / f"letter-{n}.png", render_page(lines[n:n + 1]))
            for n in range(BATCH)]


def _kill_while_jobs_run(server: ServerProcess, client: httpx.Client) -> list[str]:
    """Kill the server once a job is running; the ids of the jobs it was running."""
    running: list[dict[str, Any]] = eventually(
        lambda: client.get("/ingest/jobs", params={"status": "running"}).json(),
        timeout_s=60, interval_s=0.05, what="no job started running")
    eventually(server.extraction_processes, timeout_s=60, interval_s=0.05,
               what="no extraction process started")  # left orphaned by the kill
    server.kill_server_only()
    return [job["job_id"] for job in running]


def _first_done(client: httpx.Client, job_ids: list[str]) -> dict[str, Any]:
    def one_done() -> dict[str, Any] | None:
        jobs = [client.get(f"/ingest/jobs/{job_id}").json() for job_id in job_ids]
        return next((job for job in jobs if job["status"] == "done"), None)

    return eventually(one_done, timeout_s=RESUMED_WITHIN_S, interval_s=0.2,
                      what=f"none of the jobs the killed server held ({', '.join(job_ids)}) "
                           "was done after the restart")


def test_a_server_killed_mid_ocr_finishes_every_job_once_and_resumes_within_seconds(
        server: ServerProcess, tmp_path: Path) -> None:
    client = _client(server)
    receipts = [upload(client, path, metadata(language="chi_sim")).json()
                for path in _batch(tmp_path)]
    interrupted = _kill_while_jobs_run(server, client)
    server.start()
    client = _client(server)
    resumed = _first_done(client, interrupted)
    _ends_with_the_server(server, session=0)  # the killed server's, left orphaned
    jobs = [wait_for_job(client, receipt["job_id"], timeout_s=180) for receipt in receipts]
    filed = client.get("/registry/documents", params={"household": "A-1201"}).json()
    assert resumed["attempts"] == 2
    assert [job["status"] for job in jobs] == ["done"] * BATCH
    assert sorted(record["sha256"] for record in filed) == sorted(
        receipt["sha256"] for receipt in receipts)
    assert {record["document_id"] for record in filed} == {job["document_id"] for job in jobs}


def _ends_with_the_server(server: ServerProcess, session: int = -1) -> None:
    eventually(lambda: not server.left_running(session), timeout_s=15, interval_s=0.2,
               what="the extraction processes did not end with the server")


def test_a_server_stopped_after_ocr_ends_its_extraction_processes(
        server: ServerProcess, tmp_path: Path) -> None:
    client = _client(server)
    receipt = upload(client, _batch(tmp_path)[0], metadata(language="chi_sim")).json()
    assert wait_for_job(client, receipt["job_id"])["status"] == "done"
    assert len(server.left_running()) > 1
    server.kill_server_only(signal.SIGTERM)
    _ends_with_the_server(server)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_server_stopped_mid_ocr_has_ended_its_extraction_processes_when_it_exits(
        server: ServerProcess, tmp_path: Path, signum: signal.Signals) -> None:
    """Stopped as systemd or ``docker stop`` (SIGTERM) or Ctrl-C (SIGINT) stop it, the
    server shuts its services down before it exits, with status 0. uvicorn raised the
    signal again once it stopped serving, which ended the process there and then
    (SIGTERM) or cancelled the shut-down (SIGINT): the extraction processes were left
    reading until they noticed, the jobs in hand not handed back."""
    client = _client(server)
    for path in _batch(tmp_path)[:2]:
        upload(client, path, metadata(language="chi_sim"))
    eventually(lambda: client.get("/ingest/jobs", params={"status": "running"}).json(),
               timeout_s=60, interval_s=0.05, what="no job started running")
    # A job is running once it is handed to the pool, whose processes may still be
    # starting on a loaded machine (they stay once started, the job done or not).
    eventually(server.extraction_processes, timeout_s=60, interval_s=0.05,
               what="no extraction process started")
    server.kill_server_only(signum)
    assert server.sessions[-1].returncode == 0
    assert server.extraction_processes() == []
