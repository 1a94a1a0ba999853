"""What the ingest end-to-end modules share: ``archivist``, a client signed in as an
archivist on the module's own ``server`` (each module makes the server it needs), and
``queue``, a worker's own job queue (real SQLite) allowing one attempt, as
the tests of a worker whose peer goes away use it: before they waited, the first failed
try of that peer failed the job for good."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from services.common.clock import FixedClock
from services.common.db import create_engine, migrate
from services.ingest.jobs import JobQueue
from tests.fixtures.app import ArchiveServer


@pytest.fixture(scope="module")
def archivist(server: ArchiveServer) -> httpx.Client:
    return server.client(server.add_user("li.archivist", "archivist"))


@pytest.fixture
async def queue(tmp_path: Path) -> AsyncIterator[JobQueue]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'ingest.db'}"
    await migrate(url, "ingest")
    engine = create_engine(url)
    yield JobQueue(engine, FixedClock(datetime(2025, 3, 3, 9, 0, tzinfo=UTC)),
                   max_attempts=1)
    await engine.dispose()
