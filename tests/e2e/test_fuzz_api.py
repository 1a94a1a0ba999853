"""reliability.md promise 1 (issue 14): a schema-driven fuzz (Schemathesis) of every
operation with every check Schemathesis has, ``ignored_auth`` among them, as an admin who
also holds every other role (so handlers really run) and as an ordinary member of staff
(so refusals are exercised): no 5xx, and no status, content type, header or body the
schema does not document; no operation that answers without a valid token.

One allowance: a request the schema calls valid may still be refused with a documented
400 or 422 (``positive_data_acceptance``). The schema cannot state every domain rule (a
date within 1900–2199, a complete retention schedule, a query with something to search
for), and the schema Litestar derives drops a few constraints the decoder enforces (the
length of a list's items, a minimum of 0 on an optional parameter).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.fixtures.app import ArchiveServer, launch_archive_server

EXAMPLES_PER_OPERATION = 8
"""Cases a run tries of each operation, per identity: 12 took 2 minutes of the suite's
20-minute budget on two cores; deeper fuzzing is for a run of its own."""
IDENTITIES: dict[str, tuple[tuple[str, ...], str]] = {
    "fuzz": (("admin", "archivist", "manager", "compliance", "director", "center_head"),
             "secret"),
    "plain": (("staff",), "ordinary"),
}
VALID_BUT_REFUSED = ["2xx", "3xx", "400", "401", "403", "404", "409", "422", "429"]


@pytest.fixture(scope="module")
def fuzzed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArchiveServer]:
    archive = launch_archive_server(Path(tmp_path_factory.mktemp("fuzz")))
    for username, (roles, clearance) in IDENTITIES.items():
        archive.add_user(username, *roles, clearance=clearance, department="archive")
    yield archive
    archive.server.stop()


def fuzz_operation(operation: Any, archive: ArchiveServer, token: str) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=archive.url,
                               headers={"Authorization": f"Bearer {token}"})

    run()


@pytest.mark.parametrize("identity", list(IDENTITIES))
def test_every_operation_answers_only_what_its_schema_documents(
        fuzzed_server: ArchiveServer, identity: str) -> None:
    schema = schemathesis.openapi.from_url(f"{fuzzed_server.url}/schema/openapi.json")
    schema.config.checks.positive_data_acceptance.expected_statuses = VALID_BUT_REFUSED
    token = fuzzed_server.tokens[identity]
    failures: dict[str, str] = {}
    fuzzed = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        fuzzed += 1
        try:
            fuzz_operation(operation, fuzzed_server, token)
        # Schemathesis reports failures as a BaseExceptionGroup; every failing operation
        # is collected, so one run reports them all.
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures[operation.label] = str(exc)[:2000]
    assert fuzzed >= 60
    assert failures == {}
