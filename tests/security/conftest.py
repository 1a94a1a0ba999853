"""A real ``archive serve`` for the attack tests, on each backend: SQLite with the directory
store, and PostgreSQL with SeaweedFS S3 (Object Lock on), migrated as the tables' owner
and served as a role of its own, as deployed. Each attack test takes ``secured`` and runs
once per backend; the clock is a ``FixedClock`` the test may move."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.common.clock import FixedClock
from services.common.context import SERVICE_NAMES
from services.common.migrations import migrate_all
from tests.fixtures.app import ArchiveServer, StartServer
from tests.fixtures.postgres import PostgresCluster
from tests.fixtures.s3 import S3Server, unique_bucket
from tests.support.processes import ARCHIVE, clean_environment

BACKENDS = ["sqlite-directory", "postgresql-seaweedfs"]
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@dataclass
class Secured:
    """The server under attack, its backend's name and the clock it runs on."""

    server: ArchiveServer
    backend: str
    clock: FixedClock
    owner_url: str | None = None
    """PostgreSQL as the tables' owner (what a database administrator holds)."""


def start_secured(request: pytest.FixtureRequest, start: StartServer, backend: str,
                  **overrides: Any) -> Secured:
    clock = FixedClock(START)
    if backend == "sqlite-directory":
        return Secured(start(clock=clock, **overrides), backend, clock)
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    s3: S3Server = request.getfixturevalue("seaweedfs_s3")
    database = cluster.create_owned_database()
    migrate_all(dict.fromkeys(SERVICE_NAMES, database.owner_url), app_role=database.app_role)
    server = start(clock=clock, database_url=database.app_url, s3_endpoint=s3.endpoint,
                   s3_access_key=s3.access_key, s3_secret_key=s3.secret_key,
                   s3_bucket=unique_bucket("security"), **overrides)
    return Secured(server, backend, clock, owner_url=database.owner_url)


@pytest.fixture(params=BACKENDS)
def secured(request: pytest.FixtureRequest, start_archive_server: StartServer) -> Secured:
    return start_secured(request, start_archive_server, request.param)


@pytest.fixture
def people(secured: Secured) -> Iterator[Any]:
    """The cast of ``tests.security.support`` on the server under attack."""
    from tests.security.support import People

    cast = People(secured)
    yield cast
    cast.close()


@pytest.fixture
def ingest_worker(secured: Secured, tmp_path: Path) -> Iterator[None]:
    """Uploads get extracted on either backend: with a database URL, ingest runs no
    workers of its own (scale-out), so an ``archive worker`` runs beside the server."""
    settings = secured.server.settings
    if settings.database_url is None:
        yield
        return
    environment = clean_environment()
    environment.update({
        "ARCHIVE_DATABASE_URL": settings.database_url,
        "ARCHIVE_S3_ENDPOINT": settings.s3_endpoint or "",
        "ARCHIVE_S3_ACCESS_KEY": settings.s3_access_key or "",
        "ARCHIVE_S3_SECRET_KEY": settings.s3_secret_key or "",
        "ARCHIVE_S3_BUCKET": settings.s3_bucket,
        "ARCHIVE_REGISTRY_URL": secured.server.url,
        "ARCHIVE_SECRET_KEY": settings.signing_key(),
        "ARCHIVE_DATA_DIR": str(tmp_path / "worker")})
    process = subprocess.Popen([*ARCHIVE, "worker",
                                "--concurrency", "1"], env=environment,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    yield
    process.terminate()
    process.wait(timeout=30)
