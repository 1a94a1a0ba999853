"""``archive`` as a user runs it: a subprocess, one clear line and a non-zero exit on failure."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

from tests.fixtures.postgres import free_port
from tests.support import loopback
from tests.support.processes import ARCHIVE, clean_environment, wait_until_serving


def run(args: list[str], tmp_path: Path, *, env: dict[str, str] | None = None,
        stdin: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    environment = clean_environment()
    environment.update({"ARCHIVE_DATA_DIR": str(tmp_path / "data"),
                        "XDG_CONFIG_HOME": str(tmp_path / "config")})
    environment.update(env or {})
    return subprocess.run([*ARCHIVE, *args], cwd=tmp_path, env=environment, input=stdin,
                          capture_output=True, text=True, timeout=timeout)


def test_bad_configuration_stops_with_one_line_naming_the_variable(tmp_path: Path) -> None:
    result = run(["serve"], tmp_path, env={"ARCHIVE_LOAN_DAYS": "soon"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: ARCHIVE_LOAN_DAYS: Expected `int`, got `str`"]


def test_a_taken_port_is_one_clear_message(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(["serve", "--port", str(port)], tmp_path)
    assert result.returncode == 2
    assert "is taken" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_postgresql_is_one_clear_message(tmp_path: Path) -> None:
    url = f"postgresql+asyncpg://archive@127.0.0.1:{free_port()}/archive"
    result = run(["serve", "--port", str(free_port())], tmp_path,
                 env={"ARCHIVE_DATABASE_URL": url})
    assert result.returncode == 1
    assert "cannot reach the database" in result.stderr
    assert "Traceback" not in result.stderr


def test_user_add_login_and_an_authenticated_ready(tmp_path: Path) -> None:
    added = run(["user", "add", "chen", "--role", "admin", "--password-stdin"], tmp_path,
                stdin="a good password\n")
    assert added.returncode == 0, added.stderr
    port = free_port()
    environment = clean_environment()
    environment.update({"ARCHIVE_DATA_DIR": str(tmp_path / "data")})
    server = subprocess.Popen([*ARCHIVE, "serve", "--port", str(port)], cwd=tmp_path,
                              env=environment, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_serving(url, server, log=lambda: "" if server.poll() is None
                           else server.communicate()[1])
        logged_in = run(["login", "chen", "--server", url, "--password-stdin"], tmp_path,
                        stdin="a good password\n")
        assert logged_in.returncode == 0, logged_in.stderr
        token = (tmp_path / "config" / "archive" / "token").read_text()
        ready = loopback.get(f"{url}/ready", headers={"Authorization": f"Bearer {token}"})
        assert ready.status_code == 200
        assert ready.json()["status"] == "ready"
        assert loopback.get(f"{url}/registry/users",
                         headers={"Authorization": f"Bearer {token}"}).status_code == 200
    finally:
        server.terminate()
        _, log = server.communicate(timeout=30)
    # A healthy start says nothing alarming: the followers wait for the server to listen.
    assert "stalled" not in log
    assert '"level": "warning"' not in log
