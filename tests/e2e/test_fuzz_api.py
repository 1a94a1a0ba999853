"""reliability.md promise 1: a schema-driven fuzz (Schemathesis) of every operation finds no
5xx. Runs as an admin who also holds every other role, so handlers really execute."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.fixtures.app import ArchiveServer, launch_archive_server

EXAMPLES_PER_OPERATION = 20


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArchiveServer]:
    archive = launch_archive_server(Path(tmp_path_factory.mktemp("fuzz")))
    archive.add_user("fuzz", "admin", "archivist", "manager", "compliance", "director",
                     "center_head", clearance="secret", department="archive")
    yield archive
    archive.server.stop()


def fuzz_operation(operation: Any, archive: ArchiveServer, token: str) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=archive.url,
                               headers={"Authorization": f"Bearer {token}"},
                               checks=[not_a_server_error])

    run()


def test_no_operation_answers_a_server_error(fuzzed_server: ArchiveServer) -> None:
    schema = schemathesis.openapi.from_url(f"{fuzzed_server.url}/schema/openapi.json")
    token = fuzzed_server.tokens["fuzz"]
    failures: dict[str, str] = {}
    fuzzed = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        fuzzed += 1
        try:
            fuzz_operation(operation, fuzzed_server, token)
        except Exception as exc:  # collected so one run reports every failing operation
            failures[operation.label] = str(exc)[:2000]
    assert fuzzed >= 5
    assert failures == {}
