"""Originals are locked in the object store until their ``disposal_due`` (S3 Object Lock,
COMPLIANCE mode, on SeaweedFS; enforced by the directory store embedded), and an
appraisal that keeps a document, a move-out or a corrected filing date that moves its due
date later extends the lock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import msgspec
import pytest
from minio import Minio
from minio.error import S3Error

from services.common.errors import Conflict
from services.common.objectstore import ObjectStore, original_key
from services.ingest.models import pages_key
from services.ingest.purge import STATE_KEY, FollowerState
from tests.e2e.retention.conftest import BACKENDS, served_on
from tests.e2e.retention.support import Archive, head, with_store
from tests.support.waiting import eventually

FILED_RECENTLY = "2025-03-01"
"""A repair record filed then is due 2035-03-01: after the test's clock and the real date."""
LOCKED_UNTIL = datetime(2035, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="module", params=BACKENDS)
def shared(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Archive]:
    """One server a backend for the tests that never move its clock nor change its
    schedule: each files documents of its own and looks at their locks alone. Only the
    appraisal test's document is due at the clock, so its sweep holds that one alone."""
    with served_on(request, tmp_path_factory, "object-lock") as archive:
        yield archive


def _locked_until(archive: Archive, sha256: str, until: datetime) -> None:
    settings = archive.server.settings
    eventually(lambda: (info := head(settings, original_key(sha256))) is not None
               and info.retain_until == until, what=f"the original was not locked until {until}")


def test_a_filed_original_is_locked_until_its_disposal_due(shared: Archive) -> None:
    archive = shared
    document = archive.file(filed_at=FILED_RECENTLY)
    _locked_until(archive, document["sha256"], LOCKED_UNTIL)
    assert document["disposal_due"] == "2035-03-01"


def test_deleting_a_locked_original_before_its_date_is_refused(shared: Archive) -> None:
    archive = shared
    document = archive.file(filed_at=FILED_RECENTLY)
    key = original_key(document["sha256"])
    _locked_until(archive, document["sha256"], LOCKED_UNTIL)
    with pytest.raises(Conflict) as refused:
        with_store(archive.server.settings, lambda store: store.delete(key))
    assert refused.value.code == "object_locked"
    assert head(archive.server.settings, key) is not None


def test_keeping_a_document_at_appraisal_extends_its_lock(shared: Archive) -> None:
    archive = shared
    document = archive.file(filed_at="2015-03-01")  # due 2025: in the past, not locked
    archive.approved([document], decision="keep", keep_until="2040-01-01")
    _locked_until(archive, document["sha256"], datetime(2040, 1, 1, tzinfo=UTC))


def test_a_move_out_extends_the_lock_of_the_closed_part_s_originals(shared: Archive) -> None:
    """R1: the clock of the occupant's documents restarts at the move-out, later."""
    archive = shared
    with archive.as_("wang") as client:
        created = client.post("/registry/households", json={
            "household": "C-0101", "occupant": "刘洋", "moved_in": "2020-01-01"})
    assert created.status_code == 201, created.text
    document = archive.file(household="C-0101", filed_at=FILED_RECENTLY)
    _locked_until(archive, document["sha256"], LOCKED_UNTIL)
    with archive.as_("wang") as client:
        moved = client.post("/registry/households/C-0101/move-out",
                            json={"moved_out": "2026-06-30"})
    assert moved.status_code == 200, moved.text
    _locked_until(archive, document["sha256"], datetime(2036, 6, 30, tzinfo=UTC))


@pytest.mark.parametrize("changes", [{}, {"security": "confidential"}],
                         ids=["date", "date_and_security"])
def test_correcting_a_filing_date_extends_the_lock(shared: Archive,
                                                  changes: dict[str, str]) -> None:
    """Raising protection in the same correction makes it a ``security_changed`` event."""
    archive = shared
    document = archive.file(filed_at=FILED_RECENTLY)
    _locked_until(archive, document["sha256"], LOCKED_UNTIL)
    with archive.as_("wang") as client:
        corrected = client.post(f"/registry/documents/{document['document_id']}/corrections",
                                json={"changes": {"filed_at": "2026-03-01", **changes},
                                      "reason": "日期录错"})
    assert corrected.status_code == 201, corrected.text
    _locked_until(archive, document["sha256"], datetime(2036, 3, 1, tzinfo=UTC))


@pytest.mark.parametrize("shared", ["postgresql-seaweedfs"], indirect=True)
def test_the_s3_store_itself_refuses_to_delete_the_locked_version(shared: Archive) -> None:
    archive = shared
    document = archive.file(filed_at=FILED_RECENTLY)
    key = original_key(document["sha256"])
    _locked_until(archive, document["sha256"], LOCKED_UNTIL)
    settings = archive.server.settings
    assert settings.s3_endpoint
    assert settings.s3_access_key
    assert settings.s3_secret_key
    client = Minio(urlsplit(settings.s3_endpoint).netloc, access_key=settings.s3_access_key,
                   secret_key=settings.s3_secret_key, secure=False)
    [version] = [item.version_id for item in client.list_objects(
        settings.s3_bucket, prefix=key, include_version=True)]
    with pytest.raises(S3Error) as refused:
        client.remove_object(settings.s3_bucket, key, version_id=version)
    kept = client.get_object(settings.s3_bucket, key, version_id=version)
    try:
        assert kept.read().startswith(b"%PDF-1.7 scan")
    finally:
        kept.close()
        kept.release_conn()
    assert refused.value.code == "AccessDenied"


def test_a_destroyed_original_still_locked_waits_for_its_lock(archive: Archive) -> None:
    document = archive.file(filed_at=FILED_RECENTLY)
    _locked_until(archive, document["sha256"], LOCKED_UNTIL)
    with archive.as_("qian") as client:  # a shorter schedule makes it due before its lock
        schedule = client.get("/registry/retention/schedule").json()
        changed = client.put("/registry/retention/schedule", json={
            "classes": schedule["classes"], "years": {"long": 30, "short": 1}})
    assert changed.status_code == 200, changed.text
    sweep = archive.approved([document])
    archive.clock.advance(timedelta(days=184))
    archive.executed(archive.witnessed_register(sweep))
    settings = archive.server.settings
    eventually(lambda: head(settings, pages_key(document["sha256"])) is None,
               what="the derived text was not deleted")
    state = eventually(lambda: _deferred(archive), what="the original was not deferred")
    assert state == {document["sha256"]: LOCKED_UNTIL}
    assert head(settings, original_key(document["sha256"])) is not None


def _deferred(archive: Archive) -> dict[str, datetime]:
    async def read(store: ObjectStore) -> bytes:
        return await store.read(STATE_KEY)

    return msgspec.json.decode(with_store(archive.server.settings, read),
                               type=FollowerState).deferred
