"""Nothing deletable early (issue 14, item 4), on both backends: an original is locked from
the moment it is written, until its ``disposal_due`` once filed (a permanent one a century
ahead), and the store's own administrator keys cannot delete it before then on S3 with
Object Lock. The directory store is not write-once, and says so to an admin in ``/ready``;
there the archive's own store refuses.

The tests first move the server's clock to the present: S3 enforces a lock by its own
clock, and the fixture's start date is in the past. They share a server per backend, each
uploading bytes of its own (a fixity run finds every other original locked as filed)."""

from __future__ import annotations

import asyncio
import hashlib
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from minio import Minio
from minio.commonconfig import COMPLIANCE
from minio.error import S3Error
from minio.retention import Retention

from services.common.errors import Conflict
from services.common.objectstore import open_object_store, original_key
from tests.contract.common.test_object_store import retention_of
from tests.e2e.ingest.support import metadata, upload, wait_for_job
from tests.e2e.retention.support import head, locked_original
from tests.security.conftest import Secured
from tests.support.rendering import write_digital_pdf
from tests.support.waiting import eventually

WAIT_S = 30.0

pytestmark = pytest.mark.shared_server


@pytest.fixture
def archivist(secured: Secured) -> httpx.Client:
    """An archivist (``wang``) of the server at the real present, with workers to file
    uploads (on PostgreSQL, an ``archive worker`` of its own, as deployed)."""
    # A minute short of the present: the worker apart claims jobs by the real clock.
    behind = datetime.now(UTC) - secured.clock.now() - timedelta(minutes=1)
    if behind > timedelta(0):
        secured.clock.advance(behind)
    secured.run_worker()
    return secured.cast["wang"]


def _pdf(directory: Path, text: str) -> Path:
    """A one-page PDF with a text layer, its bytes this test's own (``text``)."""
    name = hashlib.sha256(text.encode()).hexdigest()[:16]
    return write_digital_pdf(directory / f"{name}.pdf", [[text]])


def _unless_running(run: dict[str, Any]) -> dict[str, Any] | None:
    return None if run["status"] == "running" else run


def _with_the_stores_keys(secured: Secured) -> Minio:
    """An S3 client holding the keys the archive itself uses: the store's administrator."""
    settings = secured.server.settings
    assert settings.s3_endpoint is not None
    return Minio(urlsplit(settings.s3_endpoint).netloc, access_key=settings.s3_access_key,
                 secret_key=settings.s3_secret_key, secure=False)


def delete_with_the_stores_own_keys(secured: Secured, key: str) -> list[str]:
    """Every way the store's administrator keys have to remove or unlock ``key``; what each
    answered."""
    settings = secured.server.settings
    if settings.s3_endpoint is None:  # the directory: the archive's own store
        async def delete() -> str:
            try:
                await open_object_store(settings).delete(key)
            except Conflict as exc:
                return exc.code
            return "deleted"

        return [asyncio.run(delete())]
    client = _with_the_stores_keys(secured)
    answers = []
    versions = [item.version_id for item in client.list_objects(
        settings.s3_bucket, prefix=key, include_version=True)]
    for version in versions:
        for attempt in (
            lambda v=version: client.remove_object(settings.s3_bucket, key, version_id=v),
            lambda v=version: client.set_object_retention(
                settings.s3_bucket, key, Retention(COMPLIANCE, datetime.now(UTC)
                                                   + timedelta(days=1)), version_id=v),
        ):
            try:
                attempt()
                answers.append("done")
            except S3Error as exc:
                answers.append(exc.code)
    return answers


def _filed(client: httpx.Client, path: Path, **fields: Any) -> dict[str, Any]:
    response = upload(client, path, metadata(**fields))
    assert response.status_code == 202, response.text
    job = wait_for_job(client, response.json()["job_id"])
    assert job["status"] == "done", job
    record: dict[str, Any] = client.get(f"/registry/documents/{job['document_id']}").json()
    return record


def test_an_original_never_filed_is_locked_from_the_moment_it_was_written(
        secured: Secured, archivist: httpx.Client, tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n" + b"not a real pdf " * 100)
    written = secured.clock.now()
    receipt = upload(archivist, corrupt).json()
    job = wait_for_job(archivist, receipt["job_id"])
    wait = timedelta(days=secured.server.settings.destruction_wait_days)
    # S3 keeps retention dates to the second.
    info = locked_original(secured.server.settings, receipt["sha256"],
                           until=written + wait - timedelta(seconds=1))
    answers = delete_with_the_stores_own_keys(secured, original_key(receipt["sha256"]))
    assert (job["status"], job["error_code"]) == ("failed", "corrupt_pdf")
    assert info.retain_until is not None
    assert abs(info.retain_until - (written + wait)) < timedelta(seconds=1)
    assert set(answers) <= {"AccessDenied", "object_locked"}
    assert answers
    assert head(secured.server.settings, original_key(receipt["sha256"])) == info


def test_a_filed_original_stays_locked_until_its_disposal_due(
        secured: Secured, archivist: httpx.Client, tmp_path: Path) -> None:
    record = _filed(archivist, _pdf(tmp_path, "锁定至销毁日 维修申请"), filed_at="2024-05-18")
    due = datetime.fromisoformat(record["disposal_due"]).replace(tzinfo=UTC)
    info = locked_original(secured.server.settings, record["sha256"], until=due)
    answers = delete_with_the_stores_own_keys(secured, original_key(record["sha256"]))
    assert info.retain_until == due
    assert set(answers) <= {"AccessDenied", "object_locked"}
    assert answers
    assert head(secured.server.settings, original_key(record["sha256"])) is not None


def test_a_permanent_original_is_locked_a_century_ahead(
        secured: Secured, archivist: httpx.Client, tmp_path: Path) -> None:
    record = _filed(archivist, _pdf(tmp_path, "房屋租赁合同 永久保存"), category="contract",
                    title="房屋租赁合同")
    info = locked_original(secured.server.settings, record["sha256"],
                           until=secured.clock.now() + timedelta(days=36500))
    assert record["retention_class"] == "permanent"
    assert info.retain_until is not None


def test_ready_says_to_an_admin_whether_originals_are_write_once(secured: Secured) -> None:
    with secured.server.client(secured.server.add_user("root.ready", "admin")) as admin:
        objects = admin.get("/ready").json()["checks"]["ingest.objects"]
    if secured.server.settings.s3_endpoint is None:
        assert "not write-once" in objects
        assert "ARCHIVE_S3_ENDPOINT" in objects
    else:
        assert "write-once: object lock, compliance mode" in objects


def test_fixity_reports_an_original_left_without_its_lock(
        secured: Secured, archivist: httpx.Client, tmp_path: Path) -> None:
    """On a write-once store, an original replaced by an unlocked copy (a new version put
    with the store's keys) is reported; the directory store says it is not write-once,
    so its originals are not expected to be locked."""
    sound = _filed(archivist, _pdf(tmp_path, "完好原件 维修申请"))
    replacing = _pdf(tmp_path, "被替换的原件 维修申请")
    replaced = _filed(archivist, replacing)
    for record in (sound, replaced):
        due = datetime.fromisoformat(record["disposal_due"]).replace(tzinfo=UTC)
        locked_original(secured.server.settings, record["sha256"], until=due)
    settings = secured.server.settings
    if settings.s3_endpoint is not None:
        client = _with_the_stores_keys(secured)
        content = replacing.read_bytes()
        client.put_object(settings.s3_bucket, original_key(replaced["sha256"]),
                          io.BytesIO(content), len(content))
    run = _fixity(archivist)
    unlocked = [finding["document_id"] for finding in run["findings"]
                if finding["kind"] == "original_unlocked"]
    assert unlocked == ([replaced["document_id"]] if settings.s3_endpoint else [])


def _fixity(archivist: httpx.Client) -> dict[str, Any]:
    started = archivist.post("/ingest/fixity").json()
    run: dict[str, Any] = eventually(lambda: _unless_running(archivist.get(
        f"/ingest/fixity/{started['run_id']}").json()), timeout_s=WAIT_S, interval_s=0.2,
        what="the fixity run did not finish")
    assert run["status"] == "done", run
    return run


# Only S3 keeps versions and locks them: the directory store is not write-once, and the
# test of the finding above says a run there expects no lock.
@pytest.mark.parametrize("backend", ["postgresql-seaweedfs"], indirect=True, scope="module")
def test_fixity_locks_an_original_put_back_by_hand_and_no_other_bytes(
        secured: Secured, archivist: httpx.Client, tmp_path: Path) -> None:
    """README, "Putting back one original", on S3: the bytes copied back to
    ``originals/$SHA`` with the store's keys (``mc cp``: a new version) come without a
    lock. The next fixity run hashes them, finds them the catalogue's and locks that
    version until the document's due date, in compliance mode, saying so in its finding;
    the run after finds nothing. Other bytes under an original's key are not locked."""
    settings = secured.server.settings
    scan = _pdf(tmp_path, "放回的原件 维修申请")
    put_back = _filed(archivist, scan)
    altered = _filed(archivist, _pdf(tmp_path, "被改动的原件 维修申请"))
    due = {}
    for record in (put_back, altered):
        due[record["document_id"]] = datetime.fromisoformat(
            record["disposal_due"]).replace(tzinfo=UTC)
        locked_original(settings, record["sha256"], until=due[record["document_id"]])
    client = _with_the_stores_keys(secured)
    content, other = scan.read_bytes(), b"%PDF-1.7 not the original"
    client.put_object(settings.s3_bucket, original_key(put_back["sha256"]),
                      io.BytesIO(content), len(content))
    stray = client.put_object(settings.s3_bucket, original_key(altered["sha256"]),
                              io.BytesIO(other), len(other)).version_id
    try:
        first = _fixity(archivist)
        newest = retention_of(client, settings.s3_bucket, original_key(put_back["sha256"]),
                              None)
        stray_lock = retention_of(client, settings.s3_bucket,
                                  original_key(altered["sha256"]), stray)
        second = _fixity(archivist)
    finally:  # the other tests' runs on this server find the sound original again
        client.remove_object(settings.s3_bucket, original_key(altered["sha256"]),
                             version_id=stray)

    found = {(finding["document_id"], finding["kind"]): finding["detail"]
             for finding in first["findings"]}
    relocked = found[(put_back["document_id"], "original_unlocked")]
    assert relocked.startswith("the original has no lock in a write-once store")
    assert (f"so this run locked it until {due[put_back['document_id']].isoformat()} "
            "(compliance mode)") in relocked
    assert newest is not None
    assert (newest.mode, newest.retain_until_date) == (COMPLIANCE, due[put_back["document_id"]])
    assert (altered["document_id"], "original_altered") in found
    assert "locked it" not in found[(altered["document_id"], "original_unlocked")]
    assert stray_lock is None
    assert [finding for finding in second["findings"]
            if finding["document_id"] == put_back["document_id"]] == []
