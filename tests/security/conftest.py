"""A real ``archive serve`` for the attack tests, on each backend: SQLite with the directory
store, and PostgreSQL with SeaweedFS S3 (Object Lock on), migrated as the tables' owner
and served as a role of its own, as deployed. Each attack test takes ``secured`` and runs
once per backend; the clock is a ``FixedClock`` the test may move.

A server takes seconds to start, and most attacks need nothing of the archive but what they
file themselves. A module marked ``shared_server`` runs its tests on one server per backend,
each test with documents, households and holds of its own, so that none sees another's and
the order does not matter; a test of it marked ``own_server`` (one that counts everything
in the archive, or moves the clock so that others would see it) still gets a fresh one.
Without either mark, every test gets a fresh server."""

from __future__ import annotations

import functools
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest

from services.common.clock import FixedClock
from services.common.migrations import migrate_all
from services.common.parts import SERVICE_NAMES
from tests.fixtures.app import ArchiveServer, StartServer, launch_archive_server
from tests.fixtures.postgres import OwnedDatabase, PostgresCluster
from tests.fixtures.s3 import S3Server, unique_bucket
from tests.support.processes import ARCHIVE, clean_environment

if TYPE_CHECKING:
    from tests.security.support import People

BACKENDS = ["sqlite-directory", "postgresql-seaweedfs"]
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "shared_server: the module's tests share a server "
                                       "per backend (tests/security/conftest.py)")
    config.addinivalue_line("markers", "own_server: this test of a shared_server module "
                                       "gets a fresh server")


@dataclass
class Secured:
    """The server under attack, its backend's name and the clock it runs on."""

    server: ArchiveServer
    backend: str
    clock: FixedClock
    owner_url: str | None = None
    """PostgreSQL as the tables' owner (what a database administrator holds)."""
    _cast: People | None = field(default=None, repr=False)
    _worker: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def cast(self) -> People:
        """The cast of ``tests.security.support`` on this server, made once: a shared
        server's users are everyone's."""
        if self._cast is None:
            from tests.security.support import People

            self._cast = People(self)
        return self._cast

    def run_worker(self) -> None:
        """Uploads get extracted on either backend: with a database URL, ingest runs no
        workers of its own (scale-out), so an ``archive worker`` runs beside the server
        (one, started on first use, until the server stops)."""
        settings = self.server.settings
        if settings.database_url is None or self._worker is not None:
            return
        environment = clean_environment()
        environment.update({
            "ARCHIVE_DATABASE_URL": settings.database_url,
            "ARCHIVE_S3_ENDPOINT": settings.s3_endpoint or "",
            "ARCHIVE_S3_ACCESS_KEY": settings.s3_access_key or "",
            "ARCHIVE_S3_SECRET_KEY": settings.s3_secret_key or "",
            "ARCHIVE_S3_BUCKET": settings.s3_bucket,
            "ARCHIVE_REGISTRY_URL": self.server.url,
            "ARCHIVE_SECRET_KEY": settings.signing_key(),
            "ARCHIVE_DATA_DIR": str(settings.data_dir.with_name(
                settings.data_dir.name + "-worker"))})
        self._worker = subprocess.Popen([*ARCHIVE, "worker", "--concurrency", "1"],
                                        env=environment, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)

    def close(self) -> None:
        """Close the cast's clients and stop the worker (the server is stopped by whoever
        started it)."""
        if self._cast is not None:
            self._cast.close()
        if self._worker is not None:
            self._worker.terminate()
            self._worker.wait(timeout=30)


@functools.cache
def _migrated_template(cluster: PostgresCluster) -> tuple[str, OwnedDatabase]:
    """A database migrated as deployed (its owner's role, the services' role granted),
    made once per test process: each server's database is a copy of it (``CREATE DATABASE
    … TEMPLATE``, a fraction of a second; migrating every service, a few seconds)."""
    template = cluster.create_owned_database()
    migrate_all(dict.fromkeys(SERVICE_NAMES, template.owner_url), app_role=template.app_role)
    return template.owner_url.rsplit("/", 1)[1], template


def _owned_copy(cluster: PostgresCluster) -> OwnedDatabase:
    """A new database migrated as deployed, owned by the template's roles."""
    name, template = _migrated_template(cluster)
    copy = "t_" + uuid.uuid4().hex[:12]
    owner = template.owner_url.split("//", 1)[1].split(":", 1)[0]
    cluster.psql(f"CREATE DATABASE {copy} TEMPLATE {name} OWNER {owner}")
    return OwnedDatabase(owner_url=template.owner_url.rsplit("/", 1)[0] + "/" + copy,
                         app_url=template.app_url.rsplit("/", 1)[0] + "/" + copy,
                         app_role=template.app_role)


def start_secured(request: pytest.FixtureRequest, start: StartServer, backend: str,
                  **overrides: Any) -> Secured:
    clock = FixedClock(START)
    if backend == "sqlite-directory":
        return Secured(start(clock=clock, **overrides), backend, clock)
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    s3: S3Server = request.getfixturevalue("seaweedfs_s3")
    database = _owned_copy(cluster)
    server = start(clock=clock, database_url=database.app_url, s3_endpoint=s3.endpoint,
                   s3_access_key=s3.access_key, s3_secret_key=s3.secret_key,
                   s3_bucket=unique_bucket("security"), **overrides)
    return Secured(server, backend, clock, owner_url=database.owner_url)


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Module-scoped, so that a module's tests run backend by backend and a shared server
    is started once for each."""
    return str(request.param)


@pytest.fixture(scope="module")
def start_shared(request: pytest.FixtureRequest, backend: str,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], Secured]]:
    """Starts servers on ``backend`` that live as long as the module's tests on it."""
    started: list[Secured] = []

    def launch(*, clock: FixedClock, **overrides: Any) -> ArchiveServer:
        return launch_archive_server(tmp_path_factory.mktemp("shared") / "data",
                                     clock=clock, **overrides)

    def start() -> Secured:
        started.append(start_secured(request, launch, backend))
        return started[-1]

    yield start
    for secured in started:
        secured.close()
        secured.server.server.stop()


@pytest.fixture(scope="module")
def shared_secured(start_shared: Callable[[], Secured]) -> Secured:
    """One server on ``backend`` for the tests of a ``shared_server`` module."""
    return start_shared()


@pytest.fixture
def secured(request: pytest.FixtureRequest, backend: str,
            start_archive_server: StartServer) -> Iterator[Secured]:
    if (request.node.get_closest_marker("shared_server") is not None
            and request.node.get_closest_marker("own_server") is None):
        yield request.getfixturevalue("shared_secured")
        return
    fresh = start_secured(request, start_archive_server, backend)
    yield fresh
    fresh.close()


@pytest.fixture
def people(secured: Secured) -> People:
    """The cast of ``tests.security.support`` on the server under attack."""
    return secured.cast


@pytest.fixture
def ingest_worker(secured: Secured) -> None:
    """Uploads get extracted on either backend (``Secured.run_worker``)."""
    secured.run_worker()
