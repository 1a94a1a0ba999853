"""The registry's fixity routes over HTTP, through the client ingest's fixity job uses
(reliability promise 6): the archive-number report and the records paged by id."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import closing
from typing import TypeVar

import pytest

from services.common.clients.registry import RegistryClient
from services.common.contracts.registry import FixityEntry, NumberGap
from tests.e2e.registry.conftest import document_body
from tests.e2e.search.support import destroy
from tests.fixtures.app import ArchiveServer, module_archive_server

T = TypeVar("T")
ROUTES = ["/registry/fixity/numbers", "/registry/fixity/documents"]

server = module_archive_server()
"""For the tests of who may ask and what is refused, which file nothing: the reports are
of the whole catalogue, so the tests that read them have an archive of their own
(``archive_server``)."""


def _ask(server: ArchiveServer, question: Callable[[RegistryClient], Awaitable[T]]) -> T:
    async def run() -> T:
        client = RegistryClient(server.url, service_token=server.service_token,
                                name="registry")
        try:
            return await question(client)
        finally:
            await client.close()

    return asyncio.run(run())


def _file(server: ArchiveServer, count: int, household: str) -> list[dict[str, str]]:
    with server.client(server.service_token()) as client:
        responses = [client.post("/registry/documents", json=document_body(household=household))
                     for _ in range(count)]
    assert [r.status_code for r in responses] == [201] * count
    return [r.json() for r in responses]


def _every_entry(server: ArchiveServer, *, limit: int) -> list[FixityEntry]:
    async def walk(client: RegistryClient) -> list[FixityEntry]:
        entries: list[FixityEntry] = []
        after = None
        while True:
            page = await client.fixity_documents(after, limit=limit)
            entries.extend(page.entries)
            if page.next_after is None:
                return entries
            after = page.next_after

    return _ask(server, walk)


def test_a_filed_catalogue_reports_clean_numbering(archive_server: ArchiveServer) -> None:
    _file(archive_server, 3, "A-1201")
    _file(archive_server, 2, "B-0305")
    report = _ask(archive_server, lambda client: client.fixity_numbers())
    assert (report.series, report.documents, report.clean) == (2, 5, True)


def test_a_record_deleted_in_the_database_shows_its_number_missing(
        archive_server: ArchiveServer) -> None:
    filed = _file(archive_server, 3, "A-1201")
    _file(archive_server, 2, "B-0305")
    database = archive_server.settings.data_dir / "registry.db"
    with closing(sqlite3.connect(database)) as conn, conn:
        conn.execute("DELETE FROM documents WHERE document_id = ?", (filed[1]["document_id"],))
    report = _ask(archive_server, lambda client: client.fixity_numbers())
    assert filed[1]["archive_no"] == "2024-correspondence-A-1201-0002"
    assert report.gaps == [NumberGap(series="2024-correspondence-A-1201", missing=[2])]
    assert (report.documents, report.duplicates, report.counter_mismatches) == (4, [], [])


def test_the_documents_route_pages_through_every_record_once_destroyed_included(
        archive_server: ArchiveServer) -> None:
    filed = _file(archive_server, 4, "A-1201") + _file(archive_server, 3, "B-0305")
    destroy(archive_server, filed[5]["document_id"])
    entries = _every_entry(archive_server, limit=2)
    assert [entry.document_id for entry in entries] == sorted(d["document_id"] for d in filed)
    statuses = {entry.document_id: entry.status for entry in entries}
    assert statuses[filed[5]["document_id"]] == "destroyed"
    assert list(statuses.values()).count("destroyed") == 1


@pytest.mark.parametrize("role", ["admin", "archivist", "compliance"])
def test_the_fixity_routes_answer_the_roles_that_check_fixity(
        server: ArchiveServer, role: str) -> None:
    token = server.add_user(f"zhao.{role}", role, clearance="secret")
    with server.client(token) as client:
        assert [client.get(route).status_code for route in ROUTES] == [200, 200]


def test_the_number_check_needs_secret_clearance(server: ArchiveServer) -> None:
    token = server.add_user("zhao.confidential", "archivist", clearance="confidential")
    with server.client(token) as client:
        refused = client.get("/registry/fixity/numbers")
    assert (refused.status_code, refused.json()["code"]) == (403, "above_clearance")


def test_staff_are_refused_403_and_no_token_401(server: ArchiveServer) -> None:
    staff = server.add_user("li", "staff")
    with server.client(staff) as client:
        refused = [client.get(route) for route in ROUTES]
    with server.client() as client:
        anonymous = [client.get(route).status_code for route in ROUTES]
    assert [(r.status_code, r.json()["code"]) for r in refused] == [(403, "role_required")] * 2
    assert anonymous == [401, 401]


def test_a_limit_above_a_thousand_is_refused(server: ArchiveServer) -> None:
    with server.client(server.service_token()) as client:
        response = client.get("/registry/fixity/documents", params={"limit": 1001})
    assert response.status_code == 400


@pytest.mark.parametrize("after", ["a\x00b", "x" * 37, ""])
def test_a_cursor_that_is_no_document_id_is_refused(server: ArchiveServer, after: str) -> None:
    with server.client(server.service_token()) as client:
        response = client.get("/registry/fixity/documents", params={"after": after})
    assert response.status_code == 400
