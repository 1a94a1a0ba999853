"""A sweep through to destruction over HTTP, on SQLite with the directory store and on
PostgreSQL with SeaweedFS S3: what remains afterwards, and what is gone.

One flow per backend (module-scoped); each test checks one consequence of it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pypdfium2
import pytest

from services.common.clock import FixedClock
from services.common.migrations import migrate_all
from services.common.objectstore import original_key
from services.common.parts import SERVICE_NAMES
from services.ingest.models import page_image_key, pages_key, previews_key
from tests.e2e.retention.conftest import BACKENDS
from tests.e2e.retention.support import START, Archive, head
from tests.fixtures.app import launch_archive_server
from tests.fixtures.postgres import PostgresCluster
from tests.fixtures.s3 import S3Server, unique_bucket
from tests.support.waiting import eventually

TITLE = "卫生间漏水维修记录"


@dataclass
class Flow:
    archive: Archive
    destroyed: list[dict[str, Any]]
    kept: dict[str, Any]
    register: dict[str, Any]


def _found(client: httpx.Client, query: str) -> set[str]:
    response = client.get("/search/documents", params={"q": query, "size": 50})
    assert response.status_code == 200, response.text
    return {hit["document_id"] for hit in response.json()["hits"]}


def _launch(request: pytest.FixtureRequest, tmp: pytest.TempPathFactory, backend: str
            ) -> Archive:
    clock = FixedClock(START)
    if backend == "sqlite-directory":
        return Archive.open(launch_archive_server(tmp.mktemp("flow"), clock=clock), clock)
    cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
    s3: S3Server = request.getfixturevalue("seaweedfs_s3")
    url = cluster.url(cluster.create_database())
    migrate_all(dict.fromkeys(SERVICE_NAMES, url))
    server = launch_archive_server(
        tmp.mktemp("flow"), clock=clock, database_url=url, s3_endpoint=s3.endpoint,
        s3_access_key=s3.access_key, s3_secret_key=s3.secret_key,
        s3_bucket=unique_bucket("flow"))
    return Archive.open(server, clock)


@pytest.fixture(scope="module", params=BACKENDS)
def flow(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Flow]:
    archive = _launch(request, tmp_path_factory, request.param)
    try:
        doomed = [archive.file(household=f"A-12{n:02d}") for n in range(2)]
        kept = archive.file(household="A-1299", filed_at="2025-03-01")  # due 2035
        with archive.as_("qian") as client:
            eventually(lambda: _found(client, TITLE) >= {d["document_id"] for d in doomed},
                       what="search did not index the documents")
        sweep = archive.approved(doomed)
        archive.clock.advance(timedelta(days=184))
        register = archive.executed(archive.witnessed_register(sweep))
        yield Flow(archive=archive, destroyed=doomed, kept=kept, register=register)
    finally:
        archive.server.server.stop()


def test_every_item_of_the_register_reads_destroyed_with_date_and_witnesses(
        flow: Flow) -> None:
    items = flow.register["items"]
    assert [(i["document_id"], i["state"], i["label"]) for i in items] == [
        (d["document_id"], "destroyed", "已销毁") for d in flow.destroyed]
    assert {i["destroyed_at"][:10] for i in items} == {"2030-07-13"}
    assert [w["username"] for w in flow.register["witnesses"]] == ["sun", "wang"]


def test_the_catalogue_keeps_a_tombstone_of_each_destroyed_document(flow: Flow) -> None:
    with flow.archive.as_("qian") as client:
        for document in flow.destroyed:
            record = client.get(f"/registry/documents/{document['document_id']}").json()
            tombstone = client.get(
                f"/registry/documents/{document['document_id']}/destruction").json()
            assert (record["status"], record["archive_no"]) == ("destroyed",
                                                                document["archive_no"])
            assert (tombstone["destruction_id"], tombstone["witnesses"]) == (
                flow.register["destruction_id"], ["sun", "wang"])


def test_the_originals_and_derived_files_leave_the_object_store(flow: Flow) -> None:
    settings = flow.archive.server.settings
    for document in flow.destroyed:
        for key in _stored_keys(document["sha256"]):
            eventually(lambda key=key: head(settings, key) is None,  # type: ignore[misc]
                       what=f"{key} was not deleted")
    assert all(head(settings, key) is not None for key in _stored_keys(flow.kept["sha256"]))


def _stored_keys(sha256: str) -> list[str]:
    return [original_key(sha256), pages_key(sha256), previews_key(sha256),
            page_image_key(sha256, 1, "preview"), page_image_key(sha256, 1, "thumbnail")]


def test_search_no_longer_finds_the_destroyed_documents(flow: Flow) -> None:
    destroyed = {d["document_id"] for d in flow.destroyed}
    with flow.archive.as_("qian") as client:
        remaining = eventually(lambda: (found := _found(client, TITLE)) and
                               not found & destroyed and found,
                               what="search still finds destroyed documents")
    assert flow.kept["document_id"] in remaining


def test_the_register_prints_as_csv_with_each_item_destroyed(flow: Flow) -> None:
    with flow.archive.as_("zhao") as client:
        response = client.get(
            f"/registry/destructions/{flow.register['destruction_id']}/register.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response.headers["content-type"].startswith("text/csv")
    assert [(r["档号"], r["状态"], r["销毁日期"], r["监销人"]) for r in rows] == [
        (d["archive_no"], "已销毁", "2030-07-13", "sun、wang") for d in flow.destroyed]


def test_the_register_prints_as_pdf_listing_each_item(flow: Flow) -> None:
    with flow.archive.as_("qian") as client:
        response = client.get(
            f"/registry/destructions/{flow.register['destruction_id']}/register.pdf")
    text = "".join(page.get_textpage().get_text_range()
                   for page in pypdfium2.PdfDocument(response.content))
    assert response.headers["content-type"] == "application/pdf"
    assert all(d["archive_no"] in text for d in flow.destroyed)
    assert text.count("已销毁") >= len(flow.destroyed)


def test_the_feed_carries_one_destroyed_event_per_document(flow: Flow) -> None:
    with flow.archive.server.client(flow.archive.server.service_token()) as client:
        changes = client.get("/registry/changes", params={"limit": 5000}).json()["changes"]
    destroyed = [c["event"]["document"]["document_id"] for c in changes
                 if c["event"]["kind"] == "document_destroyed"]
    assert sorted(destroyed) == sorted(d["document_id"] for d in flow.destroyed)


def test_the_audit_log_still_verifies_after_the_destruction(flow: Flow) -> None:
    with flow.archive.as_("qian") as client:
        report = client.get("/registry/audit/verify").json()
        entries = client.get("/registry/audit",
                             params={"document_id": flow.destroyed[0]["document_id"]}).json()
    assert (report["intact"], report["broken_at"]) == (True, None)
    assert [e["action"] for e in entries if e["action"] in (
        "appraised", "approved_for_destruction", "destroyed")] == [
        "appraised", "appraised", "approved_for_destruction", "destroyed"]
