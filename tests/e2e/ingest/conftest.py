"""What the ingest end-to-end modules share: ``archivist``, a client signed in as an
archivist on the module's own ``server`` (each module makes the server it needs)."""

from __future__ import annotations

import httpx
import pytest

from tests.fixtures.app import ArchiveServer


@pytest.fixture(scope="module")
def archivist(server: ArchiveServer) -> httpx.Client:
    return server.client(server.add_user("li.archivist", "archivist"))
