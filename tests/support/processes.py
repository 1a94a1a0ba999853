"""An ``archive`` process a test launches: the command (``ARCHIVE``), its environment (the
test runner's own, without any ``ARCHIVE_*`` setting of the developer's shell, which would
change what the process under test does, plus the settings the test gives), a client
command run as a person runs it (``run_client``), and waiting until a server serves."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx

from services.common.config import PREFIX
from tests.support import loopback
from tests.support.waiting import eventually


def clean_environment(settings: Mapping[str, str] | None = None, /, **more: str
                      ) -> dict[str, str]:
    """``os.environ`` without ``ARCHIVE_*``, then ``settings`` and ``more`` on top."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(PREFIX)}
    environment.update(settings or {})
    environment.update(more)
    return environment


def setting_variables(settings: Mapping[str, object]) -> dict[str, str]:
    """Settings by their names (``data_dir``) as the variables that give them
    (``ARCHIVE_DATA_DIR``)."""
    return {PREFIX + name.upper(): str(value) for name, value in settings.items()}


ARCHIVE = [sys.executable, "-m", "services.cli"]
"""The ``archive`` command, run by this interpreter."""


def run_client(server_url: str, token: str, *args: str, cwd: Path, timeout_s: float = 180,
               stdin: str | None = None, variables: Mapping[str, str] | None = None
               ) -> subprocess.CompletedProcess[str]:
    """``archive ARGS`` as a person runs it against the server at ``server_url`` with
    ``token``: a process of its own, a clean environment (plus ``variables``), a
    configuration directory of its own under ``cwd``, a terminal 200 columns wide."""
    environment = clean_environment(variables, XDG_CONFIG_HOME=str(cwd / "config"),
                                    COLUMNS="200")
    return subprocess.run([*ARCHIVE, *args, "--server", server_url, "--token", token],
                          cwd=cwd, env=environment, capture_output=True, text=True,
                          input=stdin, timeout=timeout_s, check=False)


def wait_until_serving(url: str, process: subprocess.Popen[Any], *,
                       log: Callable[[], str] = str, timeout_s: float = 60.0) -> None:
    """Wait until the server ``process`` launched answers ``/health`` at ``url``; else fail
    with the end of its ``log()`` (called once it exits, or when the wait is over)."""

    def healthy() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"the server at {url} exited with {process.returncode}")
        try:
            return loopback.get(f"{url}/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        eventually(healthy, timeout_s=timeout_s, what=f"the server at {url} did not start")
    except AssertionError as failure:
        raise AssertionError(f"{failure}\n{log()}") from None
