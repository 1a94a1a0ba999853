"""The restore drill (reliability.md, promise 10), on SQLite with the directory store and
on PostgreSQL with SeaweedFS S3 (Object Lock on; the backup in another bucket of it):
an archive is filled (an OCR'd scan, a loan, a destruction), backed up with ``archive
backup`` while a second batch is being filed, restored with ``archive restore`` into an
empty place and served on another port. One drill per backend (module-scoped); each test
checks one thing the restored archive must hold.

The scale-out archive has its OCR in an ``archive worker`` process, on the system clock:
its second batch is still queued when the backup is taken (the server's clock has moved
half a year on for the destruction), which the restore must carry over as well.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.common.clock import FixedClock
from services.common.config import load_settings
from services.common.migrations import migrate_all
from services.common.objectstore import original_key
from services.common.parts import SERVICE_NAMES
from tests.e2e.backup.support import (
    all_pages,
    archive_cli,
    audit_entries,
    environment,
    filing,
    search_hits,
)
from tests.e2e.ingest.support import ingest, metadata, scanned_png
from tests.e2e.retention.support import Archive, eventually, head
from tests.fixtures.app import ArchiveServer, launch_archive_server
from tests.fixtures.postgres import PostgresCluster
from tests.fixtures.s3 import S3Server, unique_bucket
from tests.support.processes import ARCHIVE

pytestmark = pytest.mark.ocr

BACKENDS = ["sqlite-directory", "postgresql-seaweedfs",
            "sqlite-directory-onto-postgresql-seaweedfs"]
"""Where the archive is backed up from and restored into: the same backend, or an archive
begun on the embedded defaults moved onto PostgreSQL and S3 (README, Running at scale)."""
SECRET_KEY = "test-secret-key-" + "x" * 32
QUERIES = ["维修", "漏水", "来函", "卫生间", "申请"]


class Place:
    """Where one archive keeps its data, as ``ARCHIVE_*`` settings."""

    def __init__(self, request: pytest.FixtureRequest, root: Path, backend: str) -> None:
        self.embedded = backend == "sqlite-directory"
        self.settings = {"data_dir": str(root), "secret_key": SECRET_KEY}
        if self.embedded:
            return
        cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
        s3: S3Server = request.getfixturevalue("seaweedfs_s3")
        database = cluster.create_owned_database()
        self.settings |= {"database_url": database.app_url,
                          "migration_database_url": database.owner_url,
                          "s3_endpoint": s3.endpoint, "s3_access_key": s3.access_key,
                          "s3_secret_key": s3.secret_key, "s3_bucket": unique_bucket("drill"),
                          "backup_s3_endpoint": s3.endpoint,
                          "backup_s3_access_key": s3.access_key,
                          "backup_s3_secret_key": s3.secret_key}
        self.owner_url, self.app_role = database.owner_url, database.app_role

    def migrate(self) -> None:
        if not self.embedded:
            migrate_all(dict.fromkeys(SERVICE_NAMES, self.owner_url), app_role=self.app_role)

    def serve(self, clock: FixedClock) -> ArchiveServer:
        overrides = {k: v for k, v in self.settings.items() if k != "data_dir"}
        return launch_archive_server(Path(self.settings["data_dir"]), clock=clock, **overrides)


@contextmanager
def worker(place: Place, registry_url: str, scratch: Path) -> Iterator[None]:
    """``archive worker``: OCR apart from the servers, as scale-out runs it."""
    env = environment({**place.settings, "registry_url": registry_url,
                       "data_dir": str(scratch)})
    process = subprocess.Popen([*ARCHIVE, "worker",
                                "--concurrency", "1"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass
class Drill:
    source: Archive
    restored: ArchiveServer
    source_place: Place
    restored_place: Place
    scans: list[dict[str, Any]]
    destroyed: list[dict[str, Any]]
    kept: dict[str, Any]
    loan_id: str
    register: dict[str, Any]
    entries_before_backup: int
    backup: subprocess.CompletedProcess[str]
    restore: subprocess.CompletedProcess[str]

    def on_source(self, username: str = "qian") -> httpx.Client:
        return self.source.as_(username)

    def on_restored(self, username: str = "qian") -> httpx.Client:
        if username not in self.restored.tokens:
            self.restored.login(username)
        return self.restored.client(self.restored.tokens[username])


def _move(client: httpx.Client, loan_id: str, move: str, body: Any = None) -> None:
    response = client.post(f"/registry/loans/{loan_id}/{move}", json=body)
    assert response.status_code == 200, response.text


def _lend(archive: Archive, document_id: str) -> str:
    """A paper loan through its approvals, issued, acknowledged and returned (B3–B5)."""
    response = archive.as_("li").post("/registry/loans", json={
        "documents": [document_id], "kind": "paper", "purpose": "核对维修记录",
        "reason": "业主来电询问"})
    assert response.status_code == 201, response.text
    loan_id = str(response.json()["loan_id"])
    for approver in ("zhou", "wang"):
        _move(archive.as_(approver), loan_id, "approve", {"note": "同意"})
    _move(archive.as_("wang"), loan_id, "issue")
    _move(archive.as_("li"), loan_id, "acknowledge")
    _move(archive.as_("wang"), loan_id, "return", {"intact": True})
    return loan_id


@pytest.fixture(scope="module", params=BACKENDS)
def drill(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[Drill]:
    source_backend, _, target_backend = request.param.partition("-onto-")
    root = tmp_path_factory.mktemp(f"drill-{request.param}")
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    place = Place(request, root / "source", source_backend)
    place.migrate()
    with ExitStack() as stack:
        server = place.serve(clock)
        stack.callback(server.server.stop)
        if not place.embedded:
            stack.enter_context(worker(place, server.url, root / "worker"))
        archive = Archive.open(server, clock)
        server.add_user("root", "admin")  # who reads /ready as said
        wang = archive.as_("wang")
        # One scan: a second (in the other script) was OCR's cost again, and restored the
        # same kinds of files.
        scans = [ingest(wang, scanned_png(root, "simplified"), metadata(title="维修申请"))]
        assert [scan["status"] for scan in scans] == ["done"], scans
        doomed = [archive.file(household=f"A-12{n:02d}") for n in range(2)]
        kept = archive.file(household="A-1299", filed_at="2025-03-01")
        loan_id = _lend(archive, scans[0]["document_id"])
        sweep = archive.approved(doomed)
        clock.advance(timedelta(days=184))
        register = archive.executed(archive.witnessed_register(sweep))
        entries_before = len(audit_entries(archive.as_("qian")))
        destination = (str(root / "backup") if place.embedded
                       else f"s3://{unique_bucket('backups')}/nightly")
        with filing(wang, root / "second-batch"):
            backup = archive_cli(place.settings, "backup", destination)
        target = Place(request, root / "restored", target_backend or source_backend)
        restore = archive_cli(target.settings, "restore", destination)
        restored = target.serve(FixedClock(clock.now()))
        stack.callback(restored.server.stop)
        yield Drill(source=archive, restored=restored, source_place=place,
                    restored_place=target, scans=scans,
                    destroyed=doomed, kept=kept, loan_id=loan_id, register=register,
                    entries_before_backup=entries_before, backup=backup, restore=restore)


def test_backup_and_restore_succeed_and_the_restore_says_it_is_clean(drill: Drill) -> None:
    assert drill.backup.returncode == 0, drill.backup.stderr
    assert drill.restore.returncode == 0, drill.restore.stdout + drill.restore.stderr
    said = drill.restore.stdout
    assert "every original matches the catalogue" in said
    assert "audit log intact" in said


def test_the_restore_says_when_the_backup_began_and_how_many_uploads_are_still_unread(
        drill: Drill) -> None:
    said = drill.restore.stdout
    assert "the archive as it was when that backup began, " in said
    unread = re.search(r"^(\d+) uploads were still being read", said, re.MULTILINE)
    if not drill.source_place.embedded:
        # The worker, on the system clock, claims none of the second batch: at least the
        # two letters acknowledged before the backup began are queued in its snapshot.
        assert unread is not None, said
        assert int(unread.group(1)) >= 2


def test_every_document_filed_before_the_backup_is_restored_as_it_was(drill: Drill) -> None:
    documents = [*drill.scans, *drill.destroyed, drill.kept]
    for document in documents:
        path = f"/registry/documents/{document['document_id']}"
        assert drill.on_restored().get(path).json() == drill.on_source().get(path).json()


def test_restored_documents_are_those_of_the_snapshot_each_with_its_text(drill: Drill
                                                                         ) -> None:
    restored = all_pages(drill.on_restored(), "/registry/documents/")
    source = all_pages(drill.on_source(), "/registry/documents/")
    source_ids = {doc["document_id"] for doc in source}
    by_sha256 = {doc["sha256"]: doc for doc in source}
    assert {doc["sha256"] for doc in restored} <= by_sha256.keys()
    # A second-batch letter whose job the ingest snapshot holds unfinished and the registry
    # snapshot holds unfiled is filed again by the restored archive: the same bytes, a new id.
    refiled = [doc for doc in restored if doc["document_id"] not in source_ids]
    assert all(doc["title"].startswith("第二批来函") for doc in refiled), refiled
    for document in restored:
        if document["status"] != "active" or document["pages"] == 0:
            continue
        ours = drill.on_restored().get(f"/ingest/documents/{document['document_id']}/text")
        theirs = drill.on_source().get(
            f"/ingest/documents/{by_sha256[document['sha256']]['document_id']}/text")
        assert ours.json() == theirs.json()


def test_the_ocr_text_of_the_scans_is_restored(drill: Drill) -> None:
    for scan in drill.scans:
        text = drill.on_restored().get(f"/ingest/documents/{scan['document_id']}/text")
        assert text.status_code == 200, text.text
        assert "维修" in text.json()["pages"][0]["text"] or "維修" in text.json()["pages"][0][
            "text"]


def test_the_loan_is_restored_with_every_step(drill: Drill) -> None:
    path = f"/registry/loans/{drill.loan_id}"
    restored = drill.on_restored("wang").get(path).json()
    assert restored == drill.on_source("wang").get(path).json()
    assert restored["status"] == "returned"


def test_the_destruction_register_is_restored_and_destroyed_originals_stay_gone(
        drill: Drill) -> None:
    path = f"/registry/destructions/{drill.register['destruction_id']}"
    restored = drill.on_restored().get(path).json()
    assert restored == drill.on_source().get(path).json()
    assert restored["status"] == "executed"
    settings = load_settings(environment(drill.restored_place.settings), env_file=None)
    for document in drill.destroyed:
        assert head(settings, original_key(document["sha256"])) is None


def test_the_audit_log_is_restored_entry_for_entry(drill: Drill) -> None:
    restored = audit_entries(drill.on_restored())
    source = audit_entries(drill.on_source())
    common = 0
    while common < min(len(restored), len(source)) and restored[common] == source[common]:
        common += 1
    assert common >= drill.entries_before_backup
    assert ("fixity_check", "service:restore") in {
        (entry["action"], entry["username"]) for entry in restored[common:]}


def test_search_finds_the_same_documents_in_the_restored_archive(drill: Drill) -> None:
    eventually(lambda: drill.on_source("root").get("/ready").json()["checks"][
        "search.consumer"] == "lag 0 events", what="the source's index did not catch up")
    eventually(lambda: drill.on_restored("root").get("/ready").json()["checks"][
        "search.consumer"] == "lag 0 events", what="the restored index did not catch up")

    def agree(query: str) -> bool:
        """Both find the same bytes (a refiled letter has a new id; see above) among those
        the restored archive holds."""
        ours, held = found(drill.on_restored(), query)
        theirs, _ = found(drill.on_source(), query)
        return ours == theirs & held

    # The second batch's last letters may still be read after the cursors caught up (their
    # text comes with a later event), on either side: the two agree once both are indexed.
    for query in QUERIES:
        eventually(lambda query=query: agree(query),
                   what=f"the restored archive and its source disagree on {query}")
    assert search_hits(drill.on_restored(), "维修") >= {s["document_id"] for s in drill.scans}


def found(client: httpx.Client, query: str) -> tuple[set[str], set[str]]:
    """The SHA-256s of the documents ``query`` finds, and of every document held (listed
    after the search, so it names every hit)."""
    hits = search_hits(client, query)
    held = {doc["document_id"]: doc["sha256"]
            for doc in all_pages(client, "/registry/documents/")}
    return {held[hit] for hit in hits}, set(held.values())


def test_fixity_and_audit_verify_are_clean_on_the_restored_archive(drill: Drill) -> None:
    verify = archive_cli(drill.restored_place.settings, "audit", "verify")
    assert verify.returncode == 0, verify.stderr
    with drill.on_restored() as client:
        run = client.post("/ingest/fixity").json()

        def finished() -> dict[str, Any] | None:
            current: dict[str, Any] = client.get(f"/ingest/fixity/{run['run_id']}").json()
            return current if current["status"] != "running" else None

        done = eventually(finished, what="the fixity run did not finish")
    assert (done["status"], done["findings"]) == ("done", [])
