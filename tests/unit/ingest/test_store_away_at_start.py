"""An object store that does not answer when ``archive serve`` or ``archive worker``
starts is waited for, with a warning that says what its reader can do: the server's
points at its ``/ready``; a worker has none, so its warning says what happens to its jobs
and what to start or set."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest

from services.common.objectstore.s3 import S3ObjectStore
from services.ingest.bootstrap import (
    SERVER_WAITS_FOR_STORE,
    WORKER_WAITS_FOR_STORE,
    check_store_keys,
)


def _store_nobody_answers(spool: Path) -> tuple[S3ObjectStore, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{sock.getsockname()[1]}"
    return S3ObjectStore(endpoint=endpoint, access_key="k", secret_key="s",
                         bucket="archive", spool_dir=spool), endpoint


async def _warned(store: S3ObjectStore, meanwhile: str,
                  caplog: pytest.LogCaptureFixture) -> str:
    with caplog.at_level(logging.WARNING, logger="archive.ingest"):
        await check_store_keys(store, meanwhile=meanwhile)
    [warning] = [record.getMessage() for record in caplog.records
                  if record.name == "archive.ingest"]
    return warning


async def test_a_worker_whose_store_does_not_answer_is_told_what_to_do_not_sent_to_ready(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store, endpoint = _store_nobody_answers(tmp_path)
    warning = await _warned(store, WORKER_WAITS_FOR_STORE, caplog)
    assert "/ready" not in warning  # a worker serves none
    assert f"S3 at {endpoint}" in warning
    assert "cannot be reached" in warning
    assert "each job it takes waits for the store" in warning
    assert "start the object store, or stop this worker (Ctrl-C)" in warning
    assert "ARCHIVE_S3_ENDPOINT" in warning


async def test_a_server_whose_store_does_not_answer_points_at_its_ready(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store, _ = _store_nobody_answers(tmp_path)
    warning = await _warned(store, SERVER_WAITS_FOR_STORE, caplog)
    assert warning.endswith("uploads and jobs wait for it ('/ready' says when it answers)")
