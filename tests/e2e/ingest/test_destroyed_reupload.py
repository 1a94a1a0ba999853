"""R6 and D6 at the door: the bytes of a destroyed document uploaded again are refused
(409 ``destroyed``) before they are stored, so nothing of them stays in the object store
(stored, they would be locked from that moment)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from services.common.clock import FixedClock
from services.common.objectstore import open_object_store, original_key
from tests.e2e.ingest.support import digital_pdf, ingest, metadata, upload
from tests.e2e.search.support import destroy
from tests.fixtures.app import ArchiveServer, StartServer
from tests.support.waiting import eventually


def original_stored(server: ArchiveServer, sha256: str) -> bool:
    store = open_object_store(server.settings)
    return asyncio.run(store.head(original_key(sha256))) is not None


def test_reuploading_a_destroyed_document_is_refused_and_not_kept(
        start_archive_server: StartServer, tmp_path: Path) -> None:
    clock = FixedClock(datetime.now(UTC))
    server = start_archive_server(clock=clock)
    token = server.add_user("wang", "archivist", department="archive")
    pdf = digital_pdf(tmp_path)
    past_retention = metadata(filed_at="2010-03-01")  # repair: short, 10 years (R1)
    with server.client(token) as client:
        job = ingest(client, pdf, past_retention)
        assert job["status"] == "done"
        # No destruction comes sooner after the upload than the six months' wait (R5),
        # which is as long as an original is locked from the moment it is written.
        clock.advance(timedelta(days=server.settings.destruction_wait_days + 1))
        destroy(server, job["document_id"])
        eventually(lambda: not original_stored(server, job["sha256"]), timeout_s=30,
                   interval_s=0.2, what="the destroyed original was not deleted")

        again = upload(client, pdf, past_retention)

    assert again.status_code == 409
    assert again.json()["code"] == "destroyed"
    assert not original_stored(server, job["sha256"])
