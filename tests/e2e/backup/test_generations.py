"""Backup generations on embedded defaults: what a second backup copies, what a killed
one leaves, what a restore refuses and what it leaves out."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import signal
import sqlite3
import threading
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import msgspec
import pytest
from elasticsearch import AsyncElasticsearch
from minio import Minio

from services.backup.backup import run_backup
from services.backup.models import BackupReport, Manifest, Silent
from services.backup.restore import run_restore
from services.common.clock import SystemClock
from services.common.config import Settings, load_settings
from services.common.objectstore import ObjectStore, original_key
from services.ingest.models import pages_key
from services.search.index.elasticsearch_index import ElasticsearchIndex
from tests.e2e.backup.support import (
    archive_cli,
    environment,
    file_directly,
    latest_generation,
    search_hits,
    start_cli,
)
from tests.e2e.retention.support import locked_original, with_store
from tests.fixtures.app import ArchiveServer, StartServer
from tests.fixtures.elasticsearch import unique_alias
from tests.fixtures.postgres import free_port
from tests.fixtures.s3 import S3Server, unique_bucket
from tests.support.waiting import eventually

SECRET_KEY = "test-secret-key-" + "x" * 32
KILL_TIMEOUT_S = 120.0


def _settings(root: Path, **more: str) -> dict[str, str]:
    return {"data_dir": str(root), "secret_key": SECRET_KEY, **more}


def _backup(archive: ArchiveServer, destination: Path) -> BackupReport:
    return asyncio.run(run_backup(archive.settings, str(destination), clock=SystemClock()))


def _manifest(destination: Path, generation: str) -> Manifest:
    return msgspec.json.decode((destination / "generations" / f"{generation}.json")
                               .read_bytes(), type=Manifest)


def _content(manifest: Manifest) -> int:
    return sum(o.key.startswith(("originals/", "derived/")) for o in manifest.objects)


def _blobs(destination: Path) -> set[str]:
    return {path.name for path in (destination / "blobs").glob("*/*")}


@pytest.fixture
def archive(start_archive_server: StartServer) -> ArchiveServer:
    server = start_archive_server()
    server.add_user("wang", "archivist")
    return server


def test_a_second_backup_copies_only_what_changed(archive: ArchiveServer, tmp_path: Path
                                                  ) -> None:
    _second_backup_copies_only_what_changed(archive, tmp_path / "backup")


def test_a_second_backup_of_a_locked_bucket_sees_an_extended_retention(
        start_archive_server: StartServer, seaweedfs_s3: S3Server, tmp_path: Path) -> None:
    """Object Lock: a retention change shows in no listing; the store's retention notes
    say which objects to look at again."""
    archive = start_archive_server(
        s3_endpoint=seaweedfs_s3.endpoint, s3_access_key=seaweedfs_s3.access_key,
        s3_secret_key=seaweedfs_s3.secret_key, s3_bucket=unique_bucket("generations"))
    assert with_store(archive.settings, lambda store: store.write_once())
    _second_backup_copies_only_what_changed(archive, tmp_path / "backup")


def _second_backup_copies_only_what_changed(archive: ArchiveServer, destination: Path
                                            ) -> None:
    documents = [file_directly(archive, number) for number in range(20)]
    first = _backup(archive, destination)
    new = file_directly(archive, 100)
    revised = documents[0]["sha256"]
    kept_longer = original_key(documents[1]["sha256"])
    until = datetime(2090, 1, 1, tzinfo=UTC)

    async def revise(store: ObjectStore) -> None:
        await store.put_bytes(pages_key(revised), b'{"number":1,"text":"revised"}\n')
        await store.set_retention(kept_longer, until)  # as a disposal date put off does

    with_store(archive.settings, revise)
    second = _backup(archive, destination)

    before = _manifest(destination, first.generation)
    after = _manifest(destination, second.generation)
    changed = {o.key for o in after.objects if o.sha256 not in before.blobs()}
    assert {key for key in changed if key.startswith(("originals/", "derived/"))} == {
        original_key(new["sha256"]), pages_key(new["sha256"]), pages_key(revised)}
    assert second.objects_copied == len({o.sha256 for o in after.objects} - before.blobs())
    # The new document's original, page text and list of page images.
    assert _content(after) == _content(before) + 3
    assert first.objects_copied == len({o.sha256 for o in before.objects})
    [extended] = [o for o in after.objects if o.key == kept_longer]
    assert extended.retain_until == until


def test_an_incremental_from_the_journal_records_what_a_whole_listing_would(
        archive: ArchiveServer, tmp_path: Path) -> None:
    """The embedded store's journal names what changed since the last backup; every
    other object is taken as that backup recorded it. The generation must say of every
    object what a backup listing the whole store says."""
    documents = [file_directly(archive, number) for number in range(6)]
    # A lock landing between the two backups compared below would tell them apart.
    for document in documents:
        locked_original(archive.settings, document["sha256"])
    incremental = tmp_path / "incremental"
    _backup(archive, incremental)
    locked_original(archive.settings, file_directly(archive, 100)["sha256"])

    async def change(store: ObjectStore) -> None:
        await store.put_bytes(pages_key(documents[0]["sha256"]), b'{"number":1}\n')
        await store.set_retention(original_key(documents[1]["sha256"]),
                                  datetime(2090, 1, 1, tzinfo=UTC))
        await store.delete(pages_key(documents[2]["sha256"]))

    with_store(archive.settings, change)
    progress = _Stages()
    report = asyncio.run(run_backup(archive.settings, str(incremental), clock=SystemClock(),
                                    progress=progress))
    whole = _backup(archive, tmp_path / "whole")

    def described(destination: Path, generation: str) -> set[tuple[object, ...]]:
        # Content only: the incremental's own record of itself (state/) is newer in whole.
        return {(o.key, o.sha256, o.size, o.content_type, o.retain_until)
                for o in _manifest(destination, generation).objects
                if o.key.startswith(("originals/", "derived/"))}

    assert "checking changed files" in progress.stages
    assert "listing stored files" not in progress.stages
    assert described(incremental, report.generation) == described(tmp_path / "whole",
                                                                  whole.generation)


@pytest.mark.parametrize("earlier", [False, True], ids=["listing", "journal"])
def test_an_object_deleted_while_the_snapshots_are_taken_starts_the_pass_again(
        archive: ArchiveServer, tmp_path: Path, earlier: bool) -> None:
    """A destruction carried out meanwhile may delete what the snapshots name: the pass
    is taken again, whether the store was listed (a first backup) or its journal read."""
    documents = [file_directly(archive, number) for number in range(3)]
    destination = tmp_path / "backup"
    if earlier:
        _backup(archive, destination)
    doomed = pages_key(documents[0]["sha256"])
    progress = _Stages(delete_at_snapshots=(archive.settings, doomed))
    report = asyncio.run(run_backup(archive.settings, str(destination), clock=SystemClock(),
                                    progress=progress))

    assert report.passes == 2
    assert any("taking the snapshot again" in note for note in progress.notes)
    kept = {o.key for o in _manifest(destination, report.generation).objects}
    assert doomed not in kept
    assert {pages_key(d["sha256"]) for d in documents[1:]} <= kept


class _Stages(Silent):
    """Remembers the stages; deletes one object as the snapshots are first taken (the
    databases' snapshot stage begins), as a destruction running meanwhile would."""

    def __init__(self, delete_at_snapshots: tuple[Settings, str] | None = None) -> None:
        super().__init__()
        self.stages: list[str] = []
        self.delete_at_snapshots = delete_at_snapshots

    def stage(self, description: str, *, total: int | None,
              unit: Literal["bytes", "files"]) -> None:
        self.stages.append(description)
        if description.startswith("snapshotting") and self.delete_at_snapshots:
            settings, key = self.delete_at_snapshots
            self.delete_at_snapshots = None
            # The backup's own loop runs this: the deletion goes through a store of its own.
            deleting = threading.Thread(
                target=with_store, args=(settings, lambda store: store.delete(key)))
            deleting.start()
            deleting.join()


def test_a_killed_backup_leaves_the_previous_one_restorable_and_the_next_run_resumes(
        archive: ArchiveServer, tmp_path: Path) -> None:
    early = [file_directly(archive, number) for number in range(3)]
    destination = tmp_path / "backup"
    first = _backup(archive, destination)
    late = [file_directly(archive, 100 + n, size=2_000_000) for n in range(40)]
    settings = _settings(Path(archive.settings.data_dir))
    blobs_before = len(_blobs(destination))
    process = start_cli(settings, "backup", str(destination))

    def copied_a_few() -> bool:
        assert process.poll() is None, process.communicate()
        return len(_blobs(destination)) >= blobs_before + 6

    # Databases first (3 blobs), then objects: kill once a few of the new ones are in.
    eventually(copied_a_few, timeout_s=KILL_TIMEOUT_S, interval_s=0.005,
               what="the backup copied nothing")
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    left = _blobs(destination)

    assert latest_generation(destination) == first.generation
    restored = _settings(tmp_path / "restored")
    restore = archive_cli(restored, "restore", str(destination))
    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert f"restored generation {first.generation}" in restore.stdout
    assert "every original matches the catalogue" in restore.stdout

    resumed = _backup(archive, destination)
    manifest = _manifest(destination, resumed.generation)
    needed = {o.sha256 for o in manifest.objects if o.key.startswith("originals/")}
    assert {d["sha256"] for d in [*early, *late]} <= needed
    reused = {o.sha256 for o in manifest.objects} & (left - _manifest(
        destination, first.generation).blobs())
    assert reused, "the killed run copied nothing the next could reuse"
    assert resumed.objects_copied == len({o.sha256 for o in manifest.objects}
                                         - left)


def test_originals_nothing_names_are_left_out_of_the_restore(archive: ArchiveServer,
                                                             tmp_path: Path) -> None:
    """An original uploaded after the snapshot is, to the restored databases, one no
    record or job names: an orphan stored beside the archive stands for it."""
    file_directly(archive, 1)
    orphan = b"%PDF-1.7 uploaded after the snapshot"

    async def store_orphan(store: ObjectStore) -> None:
        await store.put_bytes(original_key(hashlib.sha256(orphan).hexdigest()), orphan)

    with_store(archive.settings, store_orphan)
    destination = tmp_path / "backup"
    _backup(archive, destination)
    target = load_settings(environment(_settings(tmp_path / "restored")), env_file=None)
    report = asyncio.run(run_restore(target, str(destination), clock=SystemClock()))
    assert (report.left_out, report.damaged, report.fixity_findings) == (1, [], [])


def test_a_restore_into_a_data_directory_in_use_is_refused(archive: ArchiveServer,
                                                          tmp_path: Path) -> None:
    """Served (the archive runs on it), or holding an archive (its database copied to a
    directory nothing serves)."""
    file_directly(archive, 1)
    destination = tmp_path / "backup"
    _backup(archive, destination)
    data_dir = Path(archive.settings.data_dir)
    served = archive_cli(_settings(data_dir), "restore", str(destination))
    idle = tmp_path / "idle"
    idle.mkdir()
    with closing(sqlite3.connect(data_dir / "registry.db")) as live, \
            closing(sqlite3.connect(idle / "registry.db")) as copy:
        live.backup(copy)
    filled = archive_cli(_settings(idle), "restore", str(destination))
    assert (served.returncode, filled.returncode) == (1, 1)
    assert "data_dir_in_use" in served.stderr
    assert "restore_target_not_empty" in filled.stderr


def test_a_damaged_file_in_the_backup_is_named_and_the_restore_is_not_clean(
        archive: ArchiveServer, tmp_path: Path) -> None:
    document = file_directly(archive, 1)
    destination = tmp_path / "backup"
    _backup(archive, destination)
    blob = destination / "blobs" / document["sha256"][:2] / document["sha256"]
    blob.write_bytes(b"bit rot")
    restore = archive_cli(_settings(tmp_path / "restored"), "restore", str(destination))
    assert restore.returncode == 1
    assert f"originals/{document['sha256']} is damaged" in restore.stderr


def test_a_key_the_backup_left_out_must_be_given_and_be_the_same(
        start_archive_server: StartServer, tmp_path: Path) -> None:
    key = "audit-key-" + "k" * 40
    archive = start_archive_server(audit_key=key)
    archive.add_user("wang", "archivist")
    file_directly(archive, 1)
    destination = tmp_path / "backup"
    report = _backup(archive, destination)
    without = archive_cli(_settings(tmp_path / "without"), "restore", str(destination))
    wrong = archive_cli(_settings(tmp_path / "wrong", audit_key="another-" + "k" * 40),
                        "restore", str(destination))
    right = archive_cli(_settings(tmp_path / "right", audit_key=key), "restore",
                        str(destination))

    assert "audit_key" in report.keys_left_out
    assert (without.returncode, wrong.returncode, right.returncode) == (2, 2, 0)
    assert "set ARCHIVE_AUDIT_KEY" in without.stderr
    assert "ARCHIVE_AUDIT_KEY is not the key this backup was made with" in wrong.stderr
    assert not (tmp_path / "without" / "registry.db").exists()
    # The restored index fills itself from the feed as it is rebuilt: nothing to report.
    assert "feed cursor" not in right.stdout + right.stderr


def _files_in(directory: Path) -> list[str]:
    return sorted(str(path.relative_to(directory)) for path in directory.rglob("*")
                  if path.is_file())


def test_a_backup_in_a_format_this_release_does_not_read_is_refused(
        archive: ArchiveServer, tmp_path: Path) -> None:
    file_directly(archive, 1)
    destination = tmp_path / "backup"
    report = _backup(archive, destination)
    manifest = destination / "generations" / f"{report.generation}.json"
    raw = manifest.read_bytes().replace(b'"format":1,', b'"format":2,', 1)
    manifest.write_bytes(raw)
    latest = json.loads((destination / "latest.json").read_text())
    latest["manifest_sha256"] = hashlib.sha256(raw).hexdigest()
    (destination / "latest.json").write_text(json.dumps(latest))

    target = tmp_path / "restored"
    refused = archive_cli(_settings(target), "restore", str(destination))
    assert refused.returncode == 1
    assert "is in format 2; this release of archive reads format 1 only" in refused.stderr
    assert "backup_format_unknown" in refused.stderr
    assert not target.exists() or _files_in(target) == []


def test_a_damaged_database_file_stops_the_restore_before_it_writes_anything(
        archive: ArchiveServer, tmp_path: Path) -> None:
    file_directly(archive, 1)
    destination = tmp_path / "backup"
    report = _backup(archive, destination)
    [registry] = [dump for dump in _manifest(destination, report.generation).databases
                  if dump.name == "registry"]
    blob = destination / "blobs" / registry.sha256[:2] / registry.sha256
    blob.write_bytes(blob.read_bytes()[: registry.size // 2])

    target = tmp_path / "restored"
    for _attempt in range(2):  # the second is refused for the same reason, not another
        restore = archive_cli(_settings(target), "restore", str(destination))
        assert restore.returncode == 1
        assert "the registry database in the backup is damaged" in restore.stderr
        assert "nothing was written" in restore.stderr
        assert "restore_target_not_empty" not in restore.stderr
    assert not target.exists() or _files_in(target) == []


def test_a_restore_stopped_midway_removes_what_it_wrote(archive: ArchiveServer,
                                                        tmp_path: Path) -> None:
    """The databases load, then will not migrate (a newer release wrote them): the keys
    and databases the restore wrote are removed, and the next attempt meets the same
    cause rather than a target no longer empty."""
    file_directly(archive, 1)
    registry_db = Path(archive.settings.data_dir) / "registry.db"
    with closing(sqlite3.connect(registry_db)) as db, db:
        db.execute("DELETE FROM alembic_version_registry")
        db.execute("INSERT INTO alembic_version_registry VALUES ('registry_0012_future')")
    destination = tmp_path / "backup"
    _backup(archive, destination)

    target = tmp_path / "restored"
    for _attempt in range(2):
        restore = archive_cli(_settings(target), "restore", str(destination))
        assert restore.returncode == 1
        [line] = restore.stderr.strip().splitlines()[-1:]
        assert "written by a newer release of archive (revision registry_0012_future)" in line
        assert f"removed what it had written in {target}" in line
        assert "restore_target_not_empty" not in restore.stderr
        assert _files_in(target) == []


def test_a_restore_into_an_elasticsearch_index_in_use_is_refused_before_it_writes(
        start_archive_server: StartServer, fresh_elasticsearch: Callable[[], str],
        seaweedfs_s3: S3Server, tmp_path: Path) -> None:
    """Two archives on one Elasticsearch: the restore must not move the live one's alias."""
    url, alias = fresh_elasticsearch(), unique_alias("live")
    elasticsearch = {"elasticsearch_url": url, "elasticsearch_index": alias}
    live = start_archive_server(**elasticsearch)
    document = file_directly(live, 1)
    eventually(lambda: asyncio.run(_held(url, alias)) == 1,
               what="the document was not indexed")
    behind_alias = asyncio.run(_behind(url, alias))
    destination = tmp_path / "backup"
    _backup(live, destination)

    # Restored into a bucket of its own, not there yet: a refused restore makes none.
    bucket = _s3_target(seaweedfs_s3, "restored")
    target = tmp_path / "restored"
    refused = archive_cli(_settings(target, **elasticsearch, **bucket), "restore",
                          str(destination))
    assert refused.returncode == 1
    assert "restore_target_not_empty" in refused.stderr
    assert "ARCHIVE_ELASTICSEARCH_URL already holds 1 documents" in refused.stderr
    assert "set ARCHIVE_ELASTICSEARCH_INDEX to a new name" in refused.stderr
    assert not target.exists()
    assert not _bucket_exists(seaweedfs_s3, bucket["s3_bucket"])
    assert asyncio.run(_behind(url, alias)) == behind_alias

    apart = {**elasticsearch, "elasticsearch_index": unique_alias("restored")}
    restored = archive_cli(_settings(target, **apart), "restore", str(destination))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "search index rebuilt: 1 document" in restored.stdout
    assert asyncio.run(_behind(url, alias)) == behind_alias
    with live.client(live.service_token()) as client:
        assert document["document_id"] in search_hits(client, "来函")


async def _held(url: str, alias: str) -> int:
    index = ElasticsearchIndex.from_url(url, alias=alias)
    try:
        return await index.held()
    finally:
        await index.close()


async def _behind(url: str, alias: str) -> set[str]:
    """The indices the alias names."""
    async with AsyncElasticsearch(url) as client:
        return set((await client.indices.get_alias(name=alias)).body)


def _s3_target(server: S3Server, name: str) -> dict[str, str]:
    """Settings for an archive on ``server``, in a new bucket (not made)."""
    return {"s3_endpoint": server.endpoint, "s3_access_key": server.access_key,
            "s3_secret_key": server.secret_key, "s3_bucket": unique_bucket(name)}


def _lock_of(archive: ArchiveServer, sha256: str) -> datetime | None:
    async def read(store: ObjectStore) -> datetime | None:
        info = await store.head(original_key(sha256))
        return None if info is None else info.retain_until

    return with_store(archive.settings, read)


def _bucket_exists(server: S3Server, bucket: str) -> bool:
    client = Minio(urlsplit(server.endpoint).netloc, access_key=server.access_key,
                   secret_key=server.secret_key, secure=False, region=server.region)
    return client.bucket_exists(bucket)


def test_a_refused_restore_leaves_no_data_directory_and_no_bucket(
        start_archive_server: StartServer, seaweedfs_s3: S3Server, tmp_path: Path) -> None:
    """README: a restore checks all it can before it writes anything. Each refusal (no
    backup there; a key the backup left out not given) leaves the target as it was: the
    data directory and the bucket it names are not made."""
    key = "audit-key-" + "k" * 40
    archive = start_archive_server(audit_key=key)
    document = file_directly(archive, 1)
    eventually(lambda: _lock_of(archive, document["sha256"]) is not None,
               what="the retention follower did not lock the original")
    destination = tmp_path / "backup"
    _backup(archive, destination)

    target, bucket = tmp_path / "restored", _s3_target(seaweedfs_s3, "refused")
    nowhere = tmp_path / "nope"
    no_backup = archive_cli(_settings(target, **bucket), "restore", str(nowhere))
    no_key = archive_cli(_settings(target, **bucket), "restore", str(destination))

    assert (no_backup.returncode, no_key.returncode) == (1, 2)
    assert "no_backup" in no_backup.stderr
    assert "set ARCHIVE_AUDIT_KEY" in no_key.stderr
    assert not target.exists()
    assert not nowhere.exists()
    assert not _bucket_exists(seaweedfs_s3, bucket["s3_bucket"])

    right = archive_cli(_settings(target, audit_key=key, **bucket), "restore",
                        str(destination))
    assert right.returncode == 0, right.stdout + right.stderr
    assert _bucket_exists(seaweedfs_s3, bucket["s3_bucket"])


def test_s3_backup_errors_name_the_backup_variables(archive: ArchiveServer,
                                                    seaweedfs_s3: S3Server) -> None:
    file_directly(archive, 1)
    data_dir = Path(archive.settings.data_dir)
    destination = f"s3://{unique_bucket('named')}/nightly"
    right = {"backup_s3_endpoint": seaweedfs_s3.endpoint,
             "backup_s3_access_key": seaweedfs_s3.access_key,
             "backup_s3_secret_key": seaweedfs_s3.secret_key}
    for wrong, named in (({"backup_s3_secret_key": "not-the-secret-key"},
                          "check ARCHIVE_BACKUP_S3_ACCESS_KEY, ARCHIVE_BACKUP_S3_SECRET_KEY"),
                         ({"backup_s3_endpoint": f"http://127.0.0.1:{free_port()}"},
                          "check ARCHIVE_BACKUP_S3_ENDPOINT")):
        backup = archive_cli(_settings(data_dir, **{**right, **wrong}), "backup",
                             destination)
        assert backup.returncode == 1
        assert named in backup.stderr
        assert "ARCHIVE_S3_" not in backup.stderr
