"""The feed consumer through the running services: freshness, and catching up after the
search service was stopped while documents were filed and destroyed (on each backend)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.search.support import (
    destroy,
    found_ids,
    launch_services,
    lose_server_index,
    notice,
    readiness,
    register_letters,
    remove_server_alias,
    search,
    server_indices,
    wait_until_found,
)
from tests.fixtures.app import ArchiveServer
from tests.support.waiting import eventually


@pytest.fixture
def launched() -> Iterator[list[ArchiveServer]]:
    """Servers a test launched; stopped at its end (those still running)."""
    servers: list[ArchiveServer] = []
    yield servers
    for server in servers:
        if server.server.thread.is_alive():
            server.server.stop()


def test_filed_document_is_found_within_two_seconds(backend_server: ArchiveServer) -> None:
    staff = backend_server.client(backend_server.add_user("li", "staff"))
    (document_id,) = register_letters(backend_server, [notice("电梯年检")])
    filed = time.monotonic()  # the registry has filed it
    eventually(lambda: found_ids(staff, q="年检") == {document_id}, timeout_s=5)
    assert time.monotonic() - filed <= 2.0


def test_a_renumbered_document_is_found_by_its_former_number_and_its_new_one(
        backend_server: ArchiveServer) -> None:
    """D11: an archivist who searches the number on the paper still finds the document
    after a correction of its category gave it another."""
    archivist = backend_server.client(backend_server.add_user("wang", "archivist"))
    staff = backend_server.client(backend_server.add_user("li", "staff"))
    (document_id,) = register_letters(backend_server, [notice("装修")])
    former = archivist.get(f"/registry/documents/{document_id}").json()["archive_no"]
    corrected = archivist.post(f"/registry/documents/{document_id}/corrections",
                               json={"changes": {"category": "decoration"},
                                     "reason": "类别录错"})
    assert corrected.status_code == 201, corrected.text
    current = archivist.get(f"/registry/documents/{document_id}").json()["archive_no"]
    assert (former, current) == ("2024-correspondence-A-1201-0001",
                                 "2024-decoration-A-1201-0001")
    eventually(lambda: [(hit["archive_no"], hit["match"]) for hit in
                        search(staff, q=current)["hits"]] == [(current, "all")])
    # Every term of the former number, not most of them (the year, household, sequence).
    assert [(hit["document_id"], hit["match"]) for hit in search(staff, q=former)["hits"]] == [
        (document_id, "all")]


def test_restarted_search_catches_up_with_documents_filed_and_destroyed_meanwhile(
        backend: str, backend_settings: Callable[[str], dict[str, str]], tmp_path: Path,
        launched: list[ArchiveServer]) -> None:
    registry = launch_services(tmp_path / "registry", ("registry", "ingest"))
    launched.append(registry)
    peers = {"registry_url": registry.url, "ingest_url": registry.url,
             **backend_settings(backend)}
    search = launch_services(tmp_path / "search", ("search",), **peers)
    launched.append(search)
    staff_token = registry.add_user("li", "staff")
    kept, doomed = register_letters(registry, [notice("停水"), notice("停电")])
    wait_until_found(search.client(staff_token), {kept, doomed}, q="通知")

    search.server.stop()
    late_kept, late_doomed = register_letters(registry,
                                              [notice("消防演习"), notice("绿化修剪")])
    destroy(registry, doomed)
    destroy(registry, late_doomed)
    restarted = launch_services(tmp_path / "search", ("search",), **peers)
    launched.append(restarted)

    client = restarted.client(staff_token)
    assert wait_until_found(client, {kept, late_kept}, q="通知") == {kept, late_kept}
    # A page is searchable as soon as it is indexed, a moment before the consumer
    # records its cursor; only then does the lag read 0.
    admin = restarted.client(registry.add_user("root", "admin"))
    eventually(lambda: readiness(admin)["search.consumer"] == "lag 0 events")


def test_a_lost_index_is_made_again_and_filled_with_every_document(
        backend_server: ArchiveServer) -> None:
    staff = backend_server.client(backend_server.add_user("li", "staff"))
    admin = backend_server.client(backend_server.add_user("root", "admin"))
    filed = set(register_letters(backend_server, [notice("停水"), notice("停电")]))
    wait_until_found(staff, filed, q="通知")
    refusals: set[tuple[int, str]] = set()

    def all_found() -> bool:
        response = staff.get("/search/documents", params={"q": "通知"})
        if response.status_code != 200:
            refusals.add((response.status_code, response.json()["code"]))
            return False
        return {hit["document_id"] for hit in response.json()["hits"]} == filed

    lose_server_index(backend_server)

    # The watch finds it within 5 s; meanwhile a search is refused, saying why.
    eventually(all_found, timeout_s=20, interval_s=0.05)
    assert refusals <= {(503, "index_missing")}
    eventually(lambda: "; documents: 2;" in readiness(admin)["search.index"])


@pytest.mark.parametrize("backend", ["elasticsearch-osmem"], indirect=True)  # Tantivy: no alias
def test_an_index_whose_alias_was_removed_is_made_again_and_then_deleted(
        backend_server: ArchiveServer) -> None:
    staff = backend_server.client(backend_server.add_user("li", "staff"))
    filed = set(register_letters(backend_server, [notice("停水"), notice("停电")]))
    wait_until_found(staff, filed, q="通知")
    (left_behind,) = remove_server_alias(backend_server)

    # The watch finds the alias gone within 5 s; the new index is filled from the feed,
    # and once it holds every document the one left behind is deleted.
    eventually(lambda: left_behind not in server_indices(backend_server), timeout_s=20,
               interval_s=0.2)
    alias = backend_server.settings.elasticsearch_index
    assert [alias in aliases for aliases in server_indices(backend_server).values()] == [True]
    assert found_ids(staff, q="通知") == filed
