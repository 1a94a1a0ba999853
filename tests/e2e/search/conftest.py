"""Servers for the search end-to-end tests, on each index backend.

``BACKENDS`` are Tantivy (the embedded default) and the Elasticsearch API served by
osmem-server behind a ``CompatibilityProxy`` (``tests.fixtures.elasticsearch``), so the
app runs its production code unchanged. Each server gets a fresh osmem, since every
server uses the same index alias.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.search.support import launch_services
from tests.fixtures.app import ArchiveServer

BACKENDS = ["tantivy", "elasticsearch-osmem"]


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The index backend a test module runs on (each module runs once per backend)."""
    return str(request.param)


@pytest.fixture(scope="session")
def backend_settings(fresh_elasticsearch: Callable[[], str]) -> Callable[[str], dict[str, str]]:
    """Server settings (``launch_archive_server`` keywords) for a fresh index of a backend."""

    def settings(backend: str) -> dict[str, str]:
        if backend == "tantivy":
            return {}
        return {"elasticsearch_url": fresh_elasticsearch()}

    return settings


@pytest.fixture
def backend_server(backend: str, backend_settings: Callable[[str], dict[str, str]],
                   tmp_path: Path) -> Iterator[ArchiveServer]:
    """A test's own server of registry, ingest and search on the module's backend, its
    data under ``tmp_path / "data"``; stopped at the test's end."""
    archive = launch_services(tmp_path / "data", ("registry", "ingest", "search"),
                              **backend_settings(backend))
    yield archive
    archive.server.stop()


@pytest.fixture
def registry_and_ingest(tmp_path: Path) -> Iterator[ArchiveServer]:
    """A test's own server of the registry and ingest alone, for a test that runs its own
    feed consumer over them (no search service of the server's own following the feed
    too), data under ``tmp_path / "data"``; stopped at the test's end."""
    archive = launch_services(tmp_path / "data", ("registry", "ingest"))
    yield archive
    archive.server.stop()
