"""``/ready`` of an archive whose uploads are read by ``archive worker`` processes apart
(``ARCHIVE_DATABASE_URL`` set): uploads waiting with no worker taking them, the state of an
archive moved onto PostgreSQL whose operator started no worker, is said to the admin, with
what to start. Before, ``ingest.workers`` said "apart" however long the uploads waited, and
``archive ingest --wait`` waited without a word. The server and PostgreSQL are real; the
clock is the server's injected one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from services.common.clock import FixedClock
from services.common.migrations import migrate_all
from services.common.parts import SERVICE_NAMES
from tests.e2e.ingest.support import digital_pdf, metadata, upload
from tests.fixtures.app import StartServer
from tests.fixtures.postgres import PostgresCluster


def test_uploads_no_worker_takes_are_said_under_ingest_workers(
        start_archive_server: StartServer, postgres_cluster: PostgresCluster,
        tmp_path: Path) -> None:
    url = postgres_cluster.url(postgres_cluster.create_database())
    migrate_all(dict.fromkeys(SERVICE_NAMES, url))
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    server = start_archive_server(clock=clock, database_url=url)
    admin = server.client(server.add_user("root", "admin"))
    archivist = server.client(server.add_user("wang", "archivist"))
    uploaded = upload(archivist, digital_pdf(tmp_path), metadata())
    assert uploaded.json()["status"] == "queued", uploaded.text

    def workers() -> str:
        return str(admin.get("/ready").json()["checks"]["ingest.workers"])

    clock.advance(timedelta(seconds=60))
    assert workers() == "apart (run 'archive worker')"  # a worker may be about to take it
    clock.advance(timedelta(minutes=2))
    assert workers() == (
        "degraded: 1 upload waiting 3 min for a worker, and none being read: start 'archive "
        "worker' (ARCHIVE_DATABASE_URL naming this database, ARCHIVE_REGISTRY_URL this "
        "server), or see why the running ones take no jobs in their log")
    anyone = server.client().get("/ready").json()
    assert anyone["status"] == "ready"  # the archive serves; its uploads wait
    assert anyone["checks"]["ingest.workers"] == "degraded; an admin's token on /ready shows why"
