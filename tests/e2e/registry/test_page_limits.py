"""Every listing pages by ``limit`` up to the maximum its schema documents: asked for
more, it answers 400 (a client reading page by page would otherwise take a page cut
short without saying so for the last one); asked for the maximum, it answers it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fixtures.app import ArchiveServer, module_archive_server
from tests.support import loopback

server = module_archive_server()

SERVICE_ROUTES = {"/registry/fixity/documents"}
"""Read by ingest with a service token only."""


def _paged_listings(server: ArchiveServer) -> dict[str, int]:
    schema = loopback.get(f"{server.url}/schema/openapi.json").json()
    return {path: int(parameter["schema"]["maximum"])
            for path, operations in schema["paths"].items()
            for parameter in operations.get("get", {}).get("parameters", [])
            if parameter["name"] == "limit"}


@pytest.fixture(scope="module")
def tokens(server: ArchiveServer) -> dict[str, str]:
    chief = server.add_user("chief", "archivist", "manager", "compliance", "admin",
                            "director", "center_head", clearance="secret")
    return {"person": chief, "service": server.service_token()}


def test_the_listings_say_their_maximum_and_the_lists_of_summaries_stop_at_500(
        server: ArchiveServer) -> None:
    maxima = _paged_listings(server)
    assert len(maxima) >= 15
    summaries = ["handovers", "transfers", "sweeps", "destructions", "holds", "inventories",
                 "discrepancies", "condition-checks", "corrections"]
    assert {maxima[f"/registry/{name}"] for name in summaries} == {500}
    assert maxima["/registry/documents"] == maxima["/registry/loans"] == 1000


def test_each_listing_answers_its_maximum_and_refuses_one_more(
        server: ArchiveServer, tokens: dict[str, str]) -> None:
    answers: dict[str, Any] = {}
    for path, maximum in _paged_listings(server).items():
        token = tokens["service" if path in SERVICE_ROUTES else "person"]
        with server.client(token) as client:
            at_most = client.get(path, params={"limit": maximum})
            beyond = client.get(path, params={"limit": maximum + 1})
        problem = beyond.json()
        answers[path] = (at_most.status_code, beyond.status_code, problem.get("code"),
                         [error["key"] for error in problem.get("errors", [])])
    assert answers == dict.fromkeys(answers, (200, 400, "invalid_request", ["limit"]))
