"""An ``archive`` process a test launches: its environment (the test runner's own,
without any ``ARCHIVE_*`` setting of the developer's shell, which would change what the
process under test does, plus the settings the test gives), and waiting until it serves."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from tests.support import loopback
from tests.support.waiting import eventually


def clean_environment(settings: Mapping[str, str] | None = None, /, **more: str
                      ) -> dict[str, str]:
    """``os.environ`` without ``ARCHIVE_*``, then ``settings`` and ``more`` on top."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVE_")}
    environment.update(settings or {})
    environment.update(more)
    return environment


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
