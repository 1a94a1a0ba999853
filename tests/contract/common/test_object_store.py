"""Contract of the object store, run against every implementation.

``store`` runs each test on: a local directory; SeaweedFS S3 with a bucket the store
creates (Object Lock on); SeaweedFS S3 with a bucket made beforehand without Object Lock
(retention then enforced by the store itself); MinIO in a container (skipped without
Docker). Every test gets a fresh directory or bucket.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import msgspec
import pytest
from minio import Minio
from minio.commonconfig import COMPLIANCE
from minio.error import S3Error
from minio.retention import Retention

from services.common.clock import FixedClock
from services.common.config import Settings
from services.common.errors import (
    ConfigError,
    Conflict,
    DependencyUnavailable,
    NotFound,
    PayloadTooLarge,
    ValidationFailed,
)
from services.common.objectstore import (
    CHUNK_BYTES,
    STORE_REFUSED,
    Listed,
    ObjectStore,
    open_object_store,
    original_key,
    store_original,
)
from services.common.objectstore.directory import JOURNAL, DirectoryObjectStore
from services.common.objectstore.s3 import LISTING_SETTLE, RETENTION_NOTES, S3ObjectStore
from tests.fixtures.s3 import S3Server, unique_bucket
from tests.support import loopback

S3_STORES = ["s3-seaweedfs-locked", "s3-seaweedfs-unlocked", "s3-minio"]
LOCKED_S3_STORES = ["s3-seaweedfs-locked", "s3-minio"]


@dataclass
class S3Bucket:
    """A store over a fresh bucket, with a raw client to look behind the store's back."""

    store: S3ObjectStore
    client: Minio
    name: str


def _server(request: pytest.FixtureRequest, kind: str) -> S3Server:
    fixture = "minio_s3" if kind == "s3-minio" else "seaweedfs_s3"
    server: S3Server = request.getfixturevalue(fixture)
    return server


def _s3_bucket(request: pytest.FixtureRequest, kind: str, tmp_path: Path, *,
               listing_settle: timedelta = LISTING_SETTLE) -> S3Bucket:
    server = _server(request, kind)
    client = Minio(urlsplit(server.endpoint).netloc, access_key=server.access_key,
                   secret_key=server.secret_key, secure=False, region=server.region)
    name = unique_bucket()
    if kind == "s3-seaweedfs-unlocked":
        client.make_bucket(name)
    store = S3ObjectStore(endpoint=server.endpoint, access_key=server.access_key,
                          secret_key=server.secret_key, bucket=name, region=server.region,
                          spool_dir=tmp_path / "spool", listing_settle=listing_settle)
    return S3Bucket(store=store, client=client, name=name)


@pytest.fixture(params=["directory", *S3_STORES])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "directory":
        return DirectoryObjectStore(tmp_path / "objects", spool_dir=tmp_path / "spool")
    return _s3_bucket(request, request.param, tmp_path).store


@pytest.fixture(params=S3_STORES)
def s3_bucket(request: pytest.FixtureRequest, tmp_path: Path) -> S3Bucket:
    return _s3_bucket(request, request.param, tmp_path)


@pytest.fixture(params=LOCKED_S3_STORES)
def locked_bucket(request: pytest.FixtureRequest, tmp_path: Path) -> S3Bucket:
    return _s3_bucket(request, request.param, tmp_path)


def in_an_hour() -> datetime:
    return (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)


async def fetch(store: ObjectStore, key: str) -> list[bytes]:
    return [chunk async for chunk in store.get(key)]


async def pieces(data: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start:start + size]


# Round trips

async def test_put_bytes_then_read_returns_the_same_bytes(store: ObjectStore) -> None:
    await store.put_bytes("text/abc/page-1.json", "维修 invoice".encode())
    assert await store.read("text/abc/page-1.json") == "维修 invoice".encode()


async def test_read_range_returns_those_bytes_alone(store: ObjectStore) -> None:
    data = "第1页\n第2页：维修\n第3页\n".encode()
    await store.put_bytes("derived/abc/pages.jsonl", data)
    second = data.index("第2页".encode())
    length = data.index(b"\n", second) - second
    assert await store.read_range("derived/abc/pages.jsonl", second, length) == \
        "第2页：维修".encode()
    assert await store.read_range("derived/abc/pages.jsonl", 0, 0) == b""


async def test_head_of_a_file_put_reports_its_sha256(store: ObjectStore, tmp_path: Path
                                                    ) -> None:
    """What a stored text's index is matched by (``services/ingest/page_index.py``)."""
    path = tmp_path / "pages.jsonl"
    path.write_bytes("第1页\n".encode() * 1000)
    await store.put_file("derived/abc/pages.jsonl", path)
    info = await store.head("derived/abc/pages.jsonl")
    assert info is not None
    assert info.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


async def test_read_range_past_the_end_gives_what_there_is(store: ObjectStore) -> None:
    await store.put_bytes("derived/abc/pages.jsonl", b"0123456789")
    assert await store.read_range("derived/abc/pages.jsonl", 7, 100) == b"789"
    assert await store.read_range("derived/abc/pages.jsonl", 10, 5) == b""
    assert await store.read_range("derived/abc/pages.jsonl", 50, 5) == b""


async def test_read_range_of_a_missing_key_raises_not_found(store: ObjectStore) -> None:
    for length in (0, 10):
        with pytest.raises(NotFound):
            await store.read_range("derived/abc/missing.jsonl", 0, length)


async def test_read_range_of_a_large_object_reads_from_its_middle(store: ObjectStore) -> None:
    data = os.urandom(3 * CHUNK_BYTES + 17)
    await store.put_bytes("derived/abc/large.bin", data)
    start = 2 * CHUNK_BYTES - 5
    assert await store.read_range("derived/abc/large.bin", start, 1000) == \
        data[start:start + 1000]


async def test_head_reports_size_content_type_and_sha256(store: ObjectStore) -> None:
    await store.put_bytes("previews/abc/1.png", b"png-bytes", content_type="image/png")
    info = await store.head("previews/abc/1.png")
    assert info is not None
    assert (info.size, info.content_type, info.sha256, info.retain_until) == (
        9, "image/png", hashlib.sha256(b"png-bytes").hexdigest(), None)


async def test_head_of_a_missing_key_is_none(store: ObjectStore) -> None:
    assert await store.head("text/missing") is None


async def test_read_of_a_missing_key_raises_not_found(store: ObjectStore) -> None:
    with pytest.raises(NotFound):
        await store.read("text/missing")


async def test_get_of_a_missing_key_raises_not_found(store: ObjectStore) -> None:
    with pytest.raises(NotFound):
        await fetch(store, "text/missing")


async def test_delete_removes_the_object(store: ObjectStore) -> None:
    await store.put_bytes("text/abc", b"x")
    await store.delete("text/abc")
    assert await store.head("text/abc") is None


async def test_delete_of_a_missing_key_is_a_no_op(store: ObjectStore) -> None:
    await store.delete("text/never-stored")
    assert await store.head("text/never-stored") is None


async def test_derived_artifact_can_be_replaced(store: ObjectStore) -> None:
    await store.put_bytes("text/abc", b"first OCR run")
    await store.put_bytes("text/abc", b"second OCR run")
    assert await store.read("text/abc") == b"second OCR run"


async def _listing(store: ObjectStore, prefix: str,
                   known: dict[str, Listed] | None = None) -> dict[str, Listed]:
    return {found.key: found async for found in store.listing(prefix, known=known)}


async def _keys(store: ObjectStore, prefix: str) -> list[str]:
    return sorted([key async for key in store.keys(prefix)])


async def test_keys_lists_every_key_under_a_prefix_and_nothing_else(store: ObjectStore) -> None:
    shas = sorted(hashlib.sha256(bytes([n])).hexdigest() for n in range(3))
    for sha in shas:
        await store.put_bytes(original_key(sha), b"original")
        await store.put_bytes(f"derived/{sha}/pages.jsonl", b"{}")
    await store.put_bytes("originals-not/abc", b"a sibling, not under the prefix")
    assert await _keys(store, "originals/") == [original_key(sha) for sha in shas]
    assert await _keys(store, f"derived/{shas[0]}/") == [f"derived/{shas[0]}/pages.jsonl"]
    assert await _keys(store, "derived/") == sorted(f"derived/{sha}/pages.jsonl"
                                                     for sha in shas)


async def test_keys_leaves_out_deleted_objects(store: ObjectStore) -> None:
    await store.put_bytes("text/kept", b"x")
    await store.put_bytes("text/gone", b"x")
    await store.delete("text/gone")
    assert await _keys(store, "text/") == ["text/kept"]


async def test_keys_of_a_prefix_nothing_has_is_empty(store: ObjectStore) -> None:
    assert await _keys(store, "originals/") == []


async def test_listing_says_of_every_object_under_a_prefix_what_head_says(
    store: ObjectStore,
) -> None:
    until = in_an_hour()
    sha = hashlib.sha256(b"scan").hexdigest()
    await store.put_bytes(original_key(sha), b"scan", content_type="application/pdf",
                          retain_until=until)
    await store.put_bytes(f"derived/{sha}/pages.jsonl", b"{}", content_type="application/x-ndjson")
    await store.put_bytes("derived-not/abc", b"a sibling, not under the prefix")
    await store.set_retention(original_key(sha), until + timedelta(days=1))
    listed = await _listing(store, "")
    assert set(listed) == {original_key(sha), f"derived/{sha}/pages.jsonl", "derived-not/abc"}
    for key, found in listed.items():
        assert found.info == await store.head(key)
    assert listed[original_key(sha)].info.retain_until == until + timedelta(days=1)
    assert list(await _listing(store, "derived/")) == [f"derived/{sha}/pages.jsonl"]


async def test_listing_leaves_out_deleted_objects(store: ObjectStore) -> None:
    await store.put_bytes("text/kept", b"x")
    await store.put_bytes("text/gone", b"x")
    await store.delete("text/gone")
    assert list(await _listing(store, "text/")) == ["text/kept"]


@pytest.fixture(params=["directory", "s3-seaweedfs-unlocked", "s3-seaweedfs-locked"])
def marking_store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    """Stores that trust a listing's markers at once, not only for objects written a
    while before it (as they do outside tests)."""
    if request.param == "directory":
        return DirectoryObjectStore(tmp_path / "objects", spool_dir=tmp_path / "spool",
                                    settle_ns=0)
    return _s3_bucket(request, request.param, tmp_path, listing_settle=timedelta(0)).store


async def test_a_listing_given_the_previous_one_reuses_what_did_not_change(
    marking_store: ObjectStore,
) -> None:
    sha = hashlib.sha256(b"scan").hexdigest()
    await marking_store.put_bytes(original_key(sha), b"scan", retain_until=in_an_hour())
    await marking_store.put_bytes(f"derived/{sha}/pages.jsonl", b"{}")
    first = await _listing(marking_store, "")
    again = await _listing(marking_store, "", known=first)
    assert set(again) == set(first)
    for key, found in again.items():
        assert found.info == await marking_store.head(key)
    # Reused as they were: no sidecar read, no HEAD (with Object Lock too, where the
    # retention notes stand for what a listing does not show).
    assert all(again[key] is first[key] for key in first)


async def test_a_listing_given_the_previous_one_sees_every_change(
    store: ObjectStore,
) -> None:
    await _sees_every_change(store)


async def test_directory_markers_tell_apart_changes_in_one_clock_tick(tmp_path: Path) -> None:
    await _sees_every_change(DirectoryObjectStore(tmp_path / "objects", settle_ns=0))


async def test_a_locked_bucket_listing_sees_a_retention_change_by_its_note(
    request: pytest.FixtureRequest, tmp_path: Path,
) -> None:
    bucket = _s3_bucket(request, "s3-seaweedfs-locked", tmp_path, listing_settle=timedelta(0))
    await _sees_every_change(bucket.store)


async def test_changes_name_every_key_put_retained_or_deleted_since_a_position(
    store: ObjectStore,
) -> None:
    """A store either keeps a journal that names every change, or says it keeps none
    (``None``: a backup lists it instead)."""
    sha = hashlib.sha256(b"scan").hexdigest()
    await store.put_bytes(original_key(sha), b"scan")
    await store.put_bytes("text/gone", b"x")
    start = await store.changes(None)
    if start is None:
        assert isinstance(store, S3ObjectStore)  # several writers, no one file to append
        return
    assert start.keys is None
    await store.put_bytes("text/new", b"x")
    await store.set_retention(original_key(sha), in_an_hour())
    await store.delete("text/gone")
    later = await store.changes(start.position)
    assert later is not None
    assert later.keys == {"text/new", original_key(sha), "text/gone"}
    assert (await store.changes(later.position)) == msgspec.structs.replace(
        later, keys=frozenset())


async def test_changes_since_a_position_the_journal_does_not_hold_are_unknown(
    tmp_path: Path,
) -> None:
    store = DirectoryObjectStore(tmp_path / "objects")
    other = DirectoryObjectStore(tmp_path / "other")
    await store.put_bytes("text/a", b"x")
    elsewhere = await other.changes(None)
    now = await store.changes(None)
    journal_id, _, end = now.position.rpartition(":")
    for since in (elsewhere.position, f"{journal_id}:{int(end) + 1}", "not a position"):
        assert (await store.changes(since)).keys is None


async def test_a_long_journal_is_started_again_and_older_positions_become_unknown(
    tmp_path: Path,
) -> None:
    store = DirectoryObjectStore(tmp_path / "objects", journal_rotate_bytes=100)
    first = await store.changes(None)
    for number in range(10):
        await store.put_bytes(f"text/{number}", b"x")
    rotated = await store.changes(first.position)
    assert rotated.keys == {f"text/{number}" for number in range(10)}
    assert (await store.changes(first.position)).keys is None
    await store.put_bytes("text/after", b"x")
    assert (await store.changes(rotated.position)).keys == {"text/after"}


async def test_a_journal_line_torn_by_a_crash_is_no_key(tmp_path: Path) -> None:
    store = DirectoryObjectStore(tmp_path / "objects")
    start = await store.changes(None)
    await store.put_bytes("text/whole", b"x")
    with (tmp_path / "objects" / JOURNAL).open("ab") as journal:
        journal.write(b"text/\xff\x00torn")
    assert (await store.changes(start.position)).keys == {"text/whole"}


async def test_retention_notes_are_not_objects_and_go_with_their_object(
    locked_bucket: S3Bucket,
) -> None:
    store = locked_bucket.store
    sha = hashlib.sha256(b"scan").hexdigest()
    await store.put_bytes(original_key(sha), b"scan", retain_until=in_an_hour())
    await store.set_retention(original_key(sha), in_an_hour() + timedelta(days=1))
    await store.put_bytes("text/noted", b"x")
    locked_bucket.client.put_object(locked_bucket.name, RETENTION_NOTES + "text/noted",
                                    io.BytesIO(b"-"), 1)
    assert [key async for key in store.keys("")] == [original_key(sha), "text/noted"]
    assert set(await _listing(store, "")) == {original_key(sha), "text/noted"}
    await store.delete("text/noted")
    notes = [item.object_name for item in locked_bucket.client.list_objects(
        locked_bucket.name, prefix=RETENTION_NOTES, recursive=True, include_version=True)]
    assert notes == [RETENTION_NOTES + original_key(sha)] * len(notes)


async def test_directory_gives_no_marker_to_a_file_changed_just_before_the_listing(
    tmp_path: Path,
) -> None:
    store = DirectoryObjectStore(tmp_path / "objects")
    await store.put_bytes("text/new", b"x")
    assert (await _listing(store, ""))["text/new"].marker is None


async def _sees_every_change(store: ObjectStore) -> None:
    sha = hashlib.sha256(b"scan").hexdigest()
    until = in_an_hour()
    await store.put_bytes(original_key(sha), b"scan", retain_until=until)
    await store.put_bytes(f"derived/{sha}/pages.jsonl", b"{}")
    await store.put_bytes("text/gone", b"x")
    first = await _listing(store, "")
    await store.set_retention(original_key(sha), until + timedelta(days=1))
    await store.put_bytes(f"derived/{sha}/pages.jsonl", b'{"page": 1}',
                          content_type="application/x-ndjson")
    await store.delete("text/gone")
    await store.put_bytes("text/new", b"y")
    again = await _listing(store, "", known=first)
    assert set(again) == {original_key(sha), f"derived/{sha}/pages.jsonl", "text/new"}
    for key, found in again.items():
        assert found.info == await store.head(key)
    assert again[original_key(sha)].info.retain_until == until + timedelta(days=1)
    assert again[f"derived/{sha}/pages.jsonl"].info.size == len(b'{"page": 1}')


async def test_concurrent_puts_each_store_their_object(store: ObjectStore) -> None:
    contents = {original_key(hashlib.sha256(data).hexdigest()): data
                for data in (os.urandom(30_000) for _ in range(12))}
    await asyncio.gather(*(store.put_bytes(key, data) for key, data in contents.items()),
                         *(store.put_bytes(f"text/{n}", b"%d" % n) for n in range(12)))
    for key, data in contents.items():
        assert await store.read(key) == data
        info = await store.head(key)
        assert info is not None
        assert info.sha256 == key.removeprefix("originals/")
    assert [await store.read(f"text/{n}") for n in range(12)] == [b"%d" % n for n in range(12)]


async def test_download_writes_the_bytes_to_a_file_and_says_their_hash(
    store: ObjectStore, tmp_path: Path
) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    await store.put_bytes("scans/big", data)
    sha256, size = await store.download("scans/big", tmp_path / "copy")
    assert (tmp_path / "copy").read_bytes() == data
    assert (sha256, size) == (hashlib.sha256(data).hexdigest(), len(data))


async def test_download_of_a_missing_key_raises_not_found_and_writes_nothing(
    store: ObjectStore, tmp_path: Path
) -> None:
    with pytest.raises(NotFound):
        await store.download("scans/missing", tmp_path / "copy")
    assert not (tmp_path / "copy").exists()


async def test_multi_megabyte_object_streams_in_bounded_chunks(
    store: ObjectStore, tmp_path: Path
) -> None:
    data = os.urandom(6 * 1024 * 1024 + 123)
    source = tmp_path / "scan.pdf"
    source.write_bytes(data)
    await store.put_file("scans/big", source, content_type="application/pdf")
    chunks = await fetch(store, "scans/big")
    assert len(chunks) > 1
    assert max(len(chunk) for chunk in chunks) <= CHUNK_BYTES
    assert b"".join(chunks) == data


async def test_presigned_url_reads_the_object(store: ObjectStore) -> None:
    await store.put_bytes("previews/abc/1.png", b"preview")
    url = await store.presign("previews/abc/1.png", expires_s=60)
    if url.startswith("file://"):
        body = Path(url2pathname(urlsplit(url).path)).read_bytes()
    else:
        body = loopback.get(url).content
    assert body == b"preview"


async def test_presign_of_a_missing_key_raises_not_found(store: ObjectStore) -> None:
    with pytest.raises(NotFound):
        await store.presign("previews/missing", expires_s=60)


async def test_check_describes_the_store(store: ObjectStore) -> None:
    assert (await store.check()).split()[0] in ("directory", "s3")


# Originals: content-addressed, deduplicated, immutable (D6)

async def test_store_original_keys_the_upload_by_its_sha256(store: ObjectStore) -> None:
    data = os.urandom(300_000)
    stored = await store_original(store, pieces(data, 64 * 1024), max_bytes=10**6,
                                  spool_dir=store.spool_dir)
    assert (stored.sha256, stored.size, stored.created) == (
        hashlib.sha256(data).hexdigest(), len(data), True)
    assert await store.read(original_key(stored.sha256)) == data


async def test_second_upload_of_the_same_bytes_is_not_created_again(store: ObjectStore) -> None:
    data = os.urandom(10_000)
    await store_original(store, pieces(data, 4096), max_bytes=10**6, spool_dir=store.spool_dir)
    again = await store_original(store, pieces(data, 1000), max_bytes=10**6,
                                 spool_dir=store.spool_dir)
    assert again.created is False


async def test_upload_over_max_bytes_is_refused_and_leaves_no_spooled_file(
    store: ObjectStore, tmp_path: Path
) -> None:
    spool = tmp_path / "upload-spool"
    data = os.urandom(300_000)
    with pytest.raises(PayloadTooLarge):
        await store_original(store, pieces(data, 100_000), max_bytes=250_000, spool_dir=spool)
    assert list(spool.iterdir()) == []


async def test_upload_that_breaks_off_leaves_no_spooled_file(
    store: ObjectStore, tmp_path: Path
) -> None:
    async def broken_off() -> AsyncIterator[bytes]:
        yield b"%PDF-1.7 first part"
        raise ConnectionResetError("client went away")

    spool = tmp_path / "upload-spool"
    with pytest.raises(ConnectionResetError):
        await store_original(store, broken_off(), max_bytes=10**6, spool_dir=spool)
    assert list(spool.iterdir()) == []


async def test_concurrent_uploads_of_the_same_bytes_store_one_original(
    store: ObjectStore,
) -> None:
    data = os.urandom(200_000)
    first, second = await asyncio.gather(*(
        store_original(store, pieces(data, 50_000), max_bytes=10**6, spool_dir=store.spool_dir)
        for _ in range(2)))
    assert first.sha256 == second.sha256
    assert await store.read(first.key) == data


async def test_upload_over_max_bytes_stores_nothing(store: ObjectStore, tmp_path: Path) -> None:
    data = os.urandom(300_000)
    with pytest.raises(PayloadTooLarge):
        await store_original(store, pieces(data, 100_000), max_bytes=250_000,
                             spool_dir=tmp_path / "spool")
    assert await store.head(original_key(hashlib.sha256(data).hexdigest())) is None


async def test_second_put_of_identical_original_is_a_no_op(store: ObjectStore) -> None:
    key = original_key(hashlib.sha256(b"scan").hexdigest())
    await store.put_bytes(key, b"scan", content_type="application/pdf")
    await store.put_bytes(key, b"scan", content_type="application/pdf")
    assert await store.read(key) == b"scan"


async def test_different_bytes_under_an_existing_original_are_refused(store: ObjectStore) -> None:
    key = original_key(hashlib.sha256(b"scan").hexdigest())
    await store.put_bytes(key, b"scan")
    with pytest.raises(Conflict) as refused:
        await store.put_bytes(key, b"tampered")
    assert refused.value.code == "immutable_original"


async def test_refused_overwrite_leaves_the_original_intact(store: ObjectStore) -> None:
    key = original_key(hashlib.sha256(b"scan").hexdigest())
    await store.put_bytes(key, b"scan")
    with pytest.raises(Conflict):
        await store.put_bytes(key, b"tampered")
    assert await store.read(key) == b"scan"


# Retention

async def test_delete_before_retain_until_is_refused(store: ObjectStore) -> None:
    await store.put_bytes("originals/retained", b"contract", retain_until=in_an_hour())
    with pytest.raises(Conflict) as refused:
        await store.delete("originals/retained")
    assert refused.value.code == "object_locked"


async def test_retained_object_is_still_readable_after_a_refused_delete(
    store: ObjectStore,
) -> None:
    await store.put_bytes("originals/retained", b"contract", retain_until=in_an_hour())
    with pytest.raises(Conflict):
        await store.delete("originals/retained")
    assert await store.read("originals/retained") == b"contract"


async def test_head_reports_retain_until(store: ObjectStore) -> None:
    until = in_an_hour()
    await store.put_bytes("originals/retained", b"contract", retain_until=until)
    info = await store.head("originals/retained")
    assert info is not None
    assert info.retain_until == until


async def test_set_retention_extends_retain_until(store: ObjectStore) -> None:
    await store.put_bytes("originals/retained", b"contract", retain_until=in_an_hour())
    later = in_an_hour() + timedelta(days=30)
    await store.set_retention("originals/retained", later)
    info = await store.head("originals/retained")
    assert info is not None
    assert info.retain_until == later


async def test_set_retention_never_shortens(store: ObjectStore) -> None:
    until = in_an_hour() + timedelta(days=1)
    await store.put_bytes("originals/retained", b"contract", retain_until=until)
    await store.set_retention("originals/retained", in_an_hour())
    info = await store.head("originals/retained")
    assert info is not None
    assert info.retain_until == until


async def test_set_retention_locks_an_object_stored_without_retention(
    store: ObjectStore,
) -> None:
    await store.put_bytes("originals/plain", b"contract")
    await store.set_retention("originals/plain", in_an_hour())
    with pytest.raises(Conflict):
        await store.delete("originals/plain")


async def test_set_retention_of_a_missing_key_raises_not_found(store: ObjectStore) -> None:
    with pytest.raises(NotFound):
        await store.set_retention("originals/missing", in_an_hour())


async def test_lock_original_locks_the_bytes_only_if_they_hash_to_its_key(
    store: ObjectStore,
) -> None:
    """A put-back by hand leaves an original unlocked: it is locked once its bytes are
    hashed again and found its own; other bytes under its key are not locked."""
    sound = b"the original"
    sha256, altered = hashlib.sha256(sound).hexdigest(), hashlib.sha256(b"lost").hexdigest()
    await store.put_bytes(original_key(sha256), sound)
    await store.put_bytes(original_key(altered), b"not the bytes its key names")
    until = in_an_hour()

    assert await store.lock_original(sha256, until)
    assert not await store.lock_original(altered, until)
    locked, left = await store.head(original_key(sha256)), await store.head(original_key(altered))
    assert locked is not None
    assert left is not None
    assert (locked.retain_until, left.retain_until) == (until, None)
    with pytest.raises(NotFound):
        await store.lock_original(hashlib.sha256(b"never stored").hexdigest(), until)


async def test_lock_original_locks_only_the_newest_version_and_only_its_own_bytes(
    locked_bucket: S3Bucket,
) -> None:
    """On S3 a put-back is a new version over the altered one (``mc cp``): only the
    version hashed is locked; bytes that are not the original's are never locked."""
    sound = b"the original"
    sha256 = hashlib.sha256(sound).hexdigest()
    key = original_key(sha256)
    assert await locked_bucket.store.write_once()  # makes the bucket
    client, bucket = locked_bucket.client, locked_bucket.name
    altered = client.put_object(bucket, key, io.BytesIO(b"altered"), 7).version_id
    until = in_an_hour()

    assert not await locked_bucket.store.lock_original(sha256, until)
    assert retention_of(client, bucket, key, altered) is None
    put_back = client.put_object(bucket, key, io.BytesIO(sound), len(sound)).version_id
    assert await locked_bucket.store.lock_original(sha256, until)

    retention = retention_of(client, bucket, key, put_back)
    assert retention is not None
    assert (retention.mode, retention.retain_until_date) == (COMPLIANCE, until)
    assert retention_of(client, bucket, key, altered) is None


def retention_of(client: Minio, bucket: str, key: str, version: str | None) -> Retention | None:
    """The version's lock; ``None`` without one (SeaweedFS says so with an error of its
    own, which the client does not take for "none")."""
    try:
        return client.get_object_retention(bucket, key, version_id=version)
    except S3Error as exc:
        if exc.code == "ObjectLockConfigurationNotFoundError":
            return None
        raise


async def test_identical_original_put_again_extends_its_retention(store: ObjectStore) -> None:
    await store.put_bytes("originals/retained", b"contract", retain_until=in_an_hour())
    later = in_an_hour() + timedelta(days=2)
    await store.put_bytes("originals/retained", b"contract", retain_until=later)
    info = await store.head("originals/retained")
    assert info is not None
    assert info.retain_until == later


async def test_naive_retention_instant_is_refused(store: ObjectStore) -> None:
    with pytest.raises(ValidationFailed):
        await store.put_bytes("originals/x", b"x", retain_until=datetime(2099, 1, 1))


# Keys

@pytest.mark.parametrize("key", [
    "../etc/passwd", "/etc/passwd", "originals/../secret", "text/./a", "text//a", "text/",
    "", "Text/A", "text/a b", "text/%2e%2e", "text/a\x00",
])
async def test_key_outside_the_allowed_form_is_refused(store: ObjectStore, key: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await store.put_bytes(key, b"x")
    assert refused.value.code == "invalid_object_key"


# Unreachable stores

def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_unreachable_s3_raises_dependency_unavailable_naming_the_endpoint(
    tmp_path: Path,
) -> None:
    endpoint = f"http://127.0.0.1:{_closed_port()}"
    store = S3ObjectStore(endpoint=endpoint, access_key="k", secret_key="s", bucket="archive",
                          spool_dir=tmp_path)
    with pytest.raises(DependencyUnavailable, match=endpoint):
        await store.check()


async def test_s3_refusing_the_keys_is_said_as_a_refusal_not_an_outage(
        seaweedfs_s3: S3Server, tmp_path: Path) -> None:
    """A wrong secret stops the start (ingest's ``check_store_keys``); waiting cannot help."""
    store = S3ObjectStore(endpoint=seaweedfs_s3.endpoint, access_key=seaweedfs_s3.access_key,
                          secret_key="not-the-secret", bucket=unique_bucket(),
                          spool_dir=tmp_path)
    with pytest.raises(DependencyUnavailable) as refused:
        await store.check()
    assert refused.value.code == STORE_REFUSED
    assert "refused access" in refused.value.detail
    assert "ARCHIVE_S3_SECRET_KEY" in refused.value.detail


async def test_unusable_directory_raises_dependency_unavailable_naming_it(
    tmp_path: Path,
) -> None:
    not_a_directory = tmp_path / "objects"
    not_a_directory.write_text("a file where the store's directory should be")
    store = DirectoryObjectStore(not_a_directory)
    with pytest.raises(DependencyUnavailable, match=str(not_a_directory)):
        await store.check()


# S3: versions and Object Lock

async def test_delete_removes_every_version(s3_bucket: S3Bucket) -> None:
    await s3_bucket.store.put_bytes("text/abc", b"first")
    await s3_bucket.store.put_bytes("text/abc", b"second")
    await s3_bucket.store.delete("text/abc")
    left = list(s3_bucket.client.list_objects(s3_bucket.name, prefix="text/",
                                              include_version=True))
    assert left == []


async def test_store_creates_its_bucket_with_object_lock(locked_bucket: S3Bucket) -> None:
    assert "(write-once: object lock, compliance mode)" in await locked_bucket.store.check()
    assert await locked_bucket.store.write_once()


async def test_the_directory_store_says_it_is_not_write_once(tmp_path: Path) -> None:
    store = DirectoryObjectStore(tmp_path / "objects")
    assert not await store.write_once()
    assert "not write-once" in await store.check()
    assert "ARCHIVE_S3_ENDPOINT" in await store.check()


async def test_store_original_locks_the_original_as_it_writes_it(store: ObjectStore) -> None:
    until = in_an_hour()
    stored = await store_original(store, pieces(b"a scan", 3), max_bytes=100,
                                  spool_dir=store.spool_dir, retain_until=until)
    info = await store.head(stored.key)
    assert info is not None
    assert info.retain_until == until
    with pytest.raises(Conflict) as refused:
        await store.delete(stored.key)
    assert refused.value.code == "object_locked"


async def test_store_original_stores_nothing_its_admission_refuses(store: ObjectStore) -> None:
    async def refuse(sha256: str) -> None:
        raise Conflict(f"not {sha256[:8]}", code="destroyed")

    with pytest.raises(Conflict):
        await store_original(store, pieces(b"destroyed bytes", 4), max_bytes=100,
                             spool_dir=store.spool_dir, admit=refuse)
    assert [key async for key in store.keys("originals/")] == []


async def test_a_retention_already_past_locks_nothing_and_is_no_error(
    locked_bucket: S3Bucket,
) -> None:
    """S3 refuses a lock date already past by its own clock; such a date locks nothing."""
    past = datetime.now(UTC) - timedelta(days=1)
    await locked_bucket.store.put_bytes("originals/late", b"contract", retain_until=past)
    await locked_bucket.store.set_retention("originals/late", past)
    info = await locked_bucket.store.head("originals/late")
    assert info is not None
    assert info.retain_until is None
    await locked_bucket.store.delete("originals/late")


async def test_retained_original_is_compliance_locked_in_the_bucket(
    locked_bucket: S3Bucket,
) -> None:
    until = in_an_hour()
    await locked_bucket.store.put_bytes("originals/retained", b"contract", retain_until=until)
    retention = locked_bucket.client.get_object_retention(locked_bucket.name,
                                                         "originals/retained")
    assert (retention.mode, retention.retain_until_date) == (COMPLIANCE, until)


async def test_server_itself_refuses_deleting_a_locked_version(locked_bucket: S3Bucket) -> None:
    await locked_bucket.store.put_bytes("originals/retained", b"contract",
                                        retain_until=in_an_hour())
    version = locked_bucket.client.stat_object(locked_bucket.name,
                                               "originals/retained").version_id
    with pytest.raises(S3Error):
        locked_bucket.client.remove_object(locked_bucket.name, "originals/retained",
                                           version_id=version)


async def test_locked_version_hidden_by_a_delete_marker_still_refuses_delete(
    locked_bucket: S3Bucket,
) -> None:
    await locked_bucket.store.put_bytes("originals/retained", b"contract",
                                        retain_until=in_an_hour())
    locked_bucket.client.remove_object(locked_bucket.name, "originals/retained")  # a marker
    with pytest.raises(Conflict) as refused:
        await locked_bucket.store.delete("originals/retained")
    assert refused.value.code == "object_locked"


async def test_locked_version_is_still_readable_after_a_delete_attempt(
    locked_bucket: S3Bucket,
) -> None:
    await locked_bucket.store.put_bytes("originals/retained", b"contract",
                                        retain_until=in_an_hour())
    with pytest.raises(Conflict):
        await locked_bucket.store.delete("originals/retained")
    versions = [item for item in locked_bucket.client.list_objects(
        locked_bucket.name, prefix="originals/", include_version=True)]
    assert [item.is_delete_marker for item in versions] == [False]
    assert await locked_bucket.store.read("originals/retained") == b"contract"


# Directory: what only a local directory shows

async def test_directory_original_is_read_only_on_disk(tmp_path: Path) -> None:
    store = DirectoryObjectStore(tmp_path / "objects")
    await store.put_bytes("originals/abc", b"scan")
    assert (tmp_path / "objects" / "data" / "originals" / "abc").stat().st_mode & 0o222 == 0


async def test_directory_put_leaves_no_staging_file(tmp_path: Path) -> None:
    store = DirectoryObjectStore(tmp_path / "objects")
    await store.put_bytes("originals/abc", b"scan", retain_until=in_an_hour())
    await store.put_bytes("originals/abc", b"scan", retain_until=in_an_hour())
    await store.put_bytes("text/abc", b"text")
    assert list((tmp_path / "objects" / "tmp").iterdir()) == []


async def test_directory_delete_is_allowed_once_retention_has_passed(tmp_path: Path) -> None:
    clock = FixedClock(datetime(2030, 1, 1, tzinfo=UTC))
    store = DirectoryObjectStore(tmp_path / "objects", clock=clock)
    await store.put_bytes("originals/abc", b"scan", retain_until=datetime(2030, 6, 1, tzinfo=UTC))
    clock.advance(timedelta(days=200))
    await store.delete("originals/abc")
    assert await store.head("originals/abc") is None


# Choosing the implementation

def test_without_s3_endpoint_the_store_is_a_directory_under_data_dir(tmp_path: Path) -> None:
    store = open_object_store(Settings(data_dir=tmp_path))
    assert isinstance(store, DirectoryObjectStore)
    assert store.root == tmp_path / "objects"


async def test_with_s3_endpoint_the_store_is_s3(seaweedfs_s3: S3Server, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, s3_endpoint=seaweedfs_s3.endpoint,
                        s3_access_key=seaweedfs_s3.access_key,
                        s3_secret_key=seaweedfs_s3.secret_key, s3_bucket=unique_bucket())
    store = open_object_store(settings)
    assert (await store.check()).startswith(f"s3 {seaweedfs_s3.endpoint}/")


def test_s3_endpoint_without_credentials_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ARCHIVE_S3_ACCESS_KEY"):
        open_object_store(Settings(data_dir=tmp_path, s3_endpoint="http://127.0.0.1:9"))
