"""Servers for the retention end-to-end tests at a fixed time, on each backend:
SQLite with the directory store, and PostgreSQL with SeaweedFS S3 (Object Lock on)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from services.common.clock import FixedClock
from services.common.migrations import migrate_all
from services.common.parts import SERVICE_NAMES
from tests.e2e.retention.support import START, Archive
from tests.fixtures.app import StartServer, launch_archive_server
from tests.fixtures.postgres import PostgresCluster
from tests.fixtures.s3 import S3Server, unique_bucket

BACKENDS = ["sqlite-directory", "postgresql-seaweedfs"]


def start_on(request: pytest.FixtureRequest, start: StartServer, backend: str) -> Archive:
    clock = FixedClock(START)
    if backend == "sqlite-directory":
        return Archive.open(start(clock=clock), clock)
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    s3: S3Server = request.getfixturevalue("seaweedfs_s3")
    url = cluster.url(cluster.create_database())
    migrate_all(dict.fromkeys(SERVICE_NAMES, url))
    server = start(clock=clock, database_url=url, s3_endpoint=s3.endpoint,
                   s3_access_key=s3.access_key, s3_secret_key=s3.secret_key,
                   s3_bucket=unique_bucket("retention"))
    return Archive.open(server, clock)


@contextlib.contextmanager
def served_on(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
              name: str) -> Iterator[Archive]:
    """``start_on`` for a module-scoped fixture parametrised over ``BACKENDS``: a server of
    its own in a directory named after ``name``, stopped when the block ends."""
    archive = start_on(request, lambda **settings: launch_archive_server(
        tmp_path_factory.mktemp(name), **settings), request.param)
    try:
        yield archive
    finally:
        archive.server.server.stop()


@pytest.fixture(params=BACKENDS)
def archive(request: pytest.FixtureRequest, start_archive_server: StartServer) -> Archive:
    return start_on(request, start_archive_server, request.param)
