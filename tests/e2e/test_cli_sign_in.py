"""A refused token, told to a shell user: the line says to sign in with ``archive login``,
not the API's advice about the Authorization header."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.app import ArchiveServer, module_archive_server
from tests.support.processes import run_client

server = module_archive_server()  # a refused token changes nothing on it


@pytest.mark.parametrize(("token", "code"), [("garbage", "invalid_token"),
                                             ("", "missing_token")])
def test_a_refused_token_tells_the_shell_user_to_sign_in(
        server: ArchiveServer, tmp_path: Path, token: str, code: str) -> None:
    run = run_client(server.url, token, "loans", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stderr.strip().endswith(
        f"({code}); sign in with 'archive login NAME', or pass --token (ARCHIVE_TOKEN)")
    assert "Authorization" not in run.stderr
