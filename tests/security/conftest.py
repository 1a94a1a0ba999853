"""A real ``archive serve`` for the attack tests, on each backend: SQLite with the directory
store, and PostgreSQL with SeaweedFS S3 (Object Lock on), migrated as the tables' owner
and served as a role of its own, as deployed. Each attack test takes ``secured`` and runs
once per backend; the clock is a ``FixedClock`` the test may move."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from services.common.clock import FixedClock
from services.common.context import SERVICE_NAMES
from services.common.migrations import migrate_all
from tests.fixtures.app import ArchiveServer, StartServer
from tests.fixtures.postgres import PostgresCluster
from tests.fixtures.s3 import S3Server, unique_bucket

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
