"""``GET /metrics`` for an operator: Prometheus's text format, read back with the
Prometheus client library's own parser; each series promised is there, and moves when
what it counts happens. One server at a fixed time for the module; tests that need a
server of their own (a restart, a consumer that cannot keep up) start one."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from services.app import create_app
from services.backup.backup import run_backup
from services.common.auth import TokenCodec
from services.common.clock import FixedClock
from services.common.config import load_settings
from services.common.context import Context
from services.common.migrations import migrate_all
from services.common.objectstore import ObjectStore
from services.common.parts import SERVICE_NAMES
from services.ingest.models import pages_key
from services.server import BackgroundServer, loopback_listener, url_of
from tests.e2e.backup.support import file_directly
from tests.e2e.ingest.support import ingest, scanned_png, upload
from tests.e2e.retention.support import eventually, with_store
from tests.fixtures.app import ArchiveServer, launch_archive_server
from tests.fixtures.postgres import free_port
from tests.support import loopback
from tests.support.processes import ARCHIVE, clean_environment

pytestmark = pytest.mark.ocr

METRICS_TOKEN = "prometheus-scrape-token-" + "p" * 24
SECRET_KEY = "test-secret-key-" + "x" * 32
DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
PROMISED = {
    "archive_jobs", "archive_job_oldest_age_seconds", "archive_ocr_pages",
    "archive_extraction_failures", "archive_jobs_failed", "archive_feed_lag_events",
    "archive_index_documents", "archive_loans_overdue", "archive_loans_escalated",
    "archive_fixity_last_run_timestamp_seconds", "archive_fixity_last_run_findings",
    "archive_backup_last_success_timestamp_seconds", "archive_http_request_duration_seconds",
    "archive_metrics_source_up",
}

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(url: str, token: str = METRICS_TOKEN) -> Samples:
    response = loopback.get(f"{url}/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.text)
            for sample in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def families(url: str) -> set[str]:
    response = loopback.get(f"{url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    return {family.name for family in text_string_to_metric_families(response.text)}


@pytest.fixture(scope="module")
def clock() -> FixedClock:
    return FixedClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, clock: FixedClock
           ) -> Iterator[ArchiveServer]:
    archive = launch_archive_server(tmp_path_factory.mktemp("metrics"), clock=clock,
                                    metrics_token=METRICS_TOKEN)
    for username, roles, department in (("root", ("admin",), None),
                                        ("wang", ("archivist",), "archive"),
                                        ("zhou", ("manager",), "customer_service"),
                                        ("li", ("staff",), "customer_service")):
        archive.add_user(username, *roles, clearance="secret", department=department)
    yield archive
    archive.server.stop()


def as_(server: ArchiveServer, username: str) -> httpx.Client:
    return server.client(server.tokens[username])


def test_metrics_need_the_admin_role_or_the_metrics_token(server: ArchiveServer) -> None:
    with server.client() as anonymous:
        assert anonymous.get("/metrics").status_code == 401
    with as_(server, "li") as staff:
        refused = staff.get("/metrics")
    assert (refused.status_code, refused.json()["code"]) == (403, "role_required")
    with as_(server, "root") as admin:
        assert admin.get("/metrics").status_code == 200
    assert loopback.get(f"{server.url}/metrics",
                     headers={"Authorization": "Bearer " + "p" * 48}).status_code == 401
    scrape(server.url)


def test_every_promised_series_is_there_and_every_source_answered(server: ArchiveServer
                                                                  ) -> None:
    samples = scrape(server.url)
    assert PROMISED - families(server.url) == set()
    for source in ("registry", "ingest", "search"):
        assert value(samples, "archive_metrics_source_up", source=source) == 1.0
    for consumer in ("search", "retention"):
        assert ("archive_feed_lag_events", frozenset({("consumer", consumer)})) in samples


def test_the_deployed_alerts_watch_only_series_the_archive_exposes(server: ArchiveServer
                                                                   ) -> None:
    rules = (DEPLOY / "prometheus" / "alerts.yml").read_text()
    watched = set(re.findall(r"\barchive_[a-z_]+\b", rules))
    assert {"archive_job_oldest_age_seconds", "archive_feed_lag_events",
            "archive_fixity_last_run_findings",
            "archive_backup_last_success_timestamp_seconds"} <= watched
    assert watched - families(server.url) == set()
    scrape_config = (DEPLOY / "prometheus" / "prometheus.yml").read_text()
    assert "metrics_path: /metrics" in scrape_config
    assert "/run/secrets/archive_metrics_token" in scrape_config


def test_a_scan_read_moves_the_done_jobs_and_the_ocr_pages(server: ArchiveServer,
                                                           tmp_path: Path) -> None:
    before = scrape(server.url)
    job = ingest(as_(server, "wang"), scanned_png(tmp_path, "simplified"))
    after = scrape(server.url)
    assert job["status"] == "done", job
    assert value(after, "archive_jobs", state="done") == value(
        before, "archive_jobs", state="done") + 1
    assert value(after, "archive_ocr_pages_total") == value(
        before, "archive_ocr_pages_total") + 1


def test_a_failed_extraction_is_counted_by_its_reason(server: ArchiveServer,
                                                      tmp_path: Path) -> None:
    path = tmp_path / "truncated.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog" + os.urandom(100))
    before = scrape(server.url)
    job = ingest(as_(server, "wang"), path)
    after = scrape(server.url)
    assert (job["status"], job["error_code"]) == ("failed", "corrupt_pdf")
    for name in ("archive_extraction_failures_total", "archive_jobs_failed"):
        assert value(after, name, reason="corrupt_pdf") == value(
            before, name, reason="corrupt_pdf") + 1, name


def test_a_waiting_job_ages_with_the_clock(tmp_path: Path, postgres_url: str) -> None:
    """A scale-out API server runs no workers: its job waits for ``archive worker``."""
    migrate_all(dict.fromkeys(SERVICE_NAMES, postgres_url))
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    archive = launch_archive_server(tmp_path / "api", clock=clock, database_url=postgres_url,
                                    metrics_token=METRICS_TOKEN)
    try:
        archive.add_user("wang", "archivist")
        path = tmp_path / "letter.pdf"
        path.write_bytes(b"%PDF-1.4\n" + os.urandom(64))
        assert upload(as_(archive, "wang"), path).status_code == 202
        waiting = scrape(archive.url)
        clock.advance(timedelta(hours=2))
        later = scrape(archive.url)
    finally:
        archive.server.stop()
    assert value(waiting, "archive_jobs", state="queued") == 1
    assert value(later, "archive_job_oldest_age_seconds", state="queued") == value(
        waiting, "archive_job_oldest_age_seconds", state="queued") + 7200


def test_pages_read_by_a_separate_worker_process_are_counted(tmp_path: Path,
                                                            postgres_url: str) -> None:
    """Scale-out: the API server reads no page itself; ``archive worker`` does, in a
    process that serves no ``/metrics``, and the server's series counts its page."""
    migrate_all(dict.fromkeys(SERVICE_NAMES, postgres_url))
    archive = launch_archive_server(tmp_path / "api", database_url=postgres_url,
                                    metrics_token=METRICS_TOKEN)
    worker = None
    try:
        archive.add_user("wang", "archivist")
        before = scrape(archive.url)
        environment = clean_environment()
        environment.update({"ARCHIVE_DATABASE_URL": postgres_url,
                            "ARCHIVE_DATA_DIR": str(tmp_path / "api"),
                            "ARCHIVE_REGISTRY_URL": archive.url,
                            "ARCHIVE_SECRET_KEY": archive.settings.signing_key()})
        worker = subprocess.Popen([*ARCHIVE, "worker",
                                   "--concurrency", "1"], env=environment,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        job = ingest(as_(archive, "wang"), scanned_png(tmp_path, "simplified"))
        after = scrape(archive.url)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        archive.server.stop()
    assert job["status"] == "done", job
    assert value(after, "archive_ocr_pages_total") == value(
        before, "archive_ocr_pages_total") + 1


def test_requests_are_timed_by_route(server: ArchiveServer) -> None:
    count = "archive_http_request_duration_seconds_count"
    labels = {"route": "/search/documents", "method": "GET"}
    before = value(scrape(server.url), count, **labels)
    with as_(server, "wang") as client:
        for query in ("维修", "漏水"):
            assert client.get("/search/documents", params={"q": query}).status_code == 200
    assert value(scrape(server.url), count, **labels) == before + 2


def test_the_index_size_moves_when_a_document_is_indexed(server: ArchiveServer) -> None:
    before = value(scrape(server.url), "archive_index_documents")
    file_directly(server, 1)
    eventually(lambda: value(scrape(server.url), "archive_index_documents") == before + 1,
               what="the index did not grow by the document")


def test_fixity_time_and_findings_move_with_each_run(server: ArchiveServer,
                                                     clock: FixedClock) -> None:
    document = file_directly(server, 2)

    def checked() -> Samples:
        with as_(server, "root") as admin:
            run = admin.post("/ingest/fixity").json()
            eventually(lambda: admin.get(f"/ingest/fixity/{run['run_id']}").json()[
                "status"] == "done", what="the fixity run did not finish")
        return scrape(server.url)

    clean = checked()
    clock.advance(timedelta(hours=1))

    async def lose_text(store: ObjectStore) -> None:
        await store.delete(pages_key(document["sha256"]))

    with_store(server.settings, lose_text)
    found = checked()
    stamp = "archive_fixity_last_run_timestamp_seconds"
    assert value(found, stamp) == value(clean, stamp) + 3600
    assert value(clean, "archive_fixity_last_run_findings") == 0
    assert value(found, "archive_fixity_last_run_findings") == 1
    assert value(found, "archive_fixity_last_run_findings_by_kind", kind="text_missing") == 1


def test_a_backup_moves_the_last_backup_time(server: ArchiveServer, clock: FixedClock,
                                             tmp_path: Path) -> None:
    stamp = "archive_backup_last_success_timestamp_seconds"
    before = value(scrape(server.url), stamp)
    report = asyncio.run(run_backup(server.settings, str(tmp_path / "backup"), clock=clock))
    assert before < value(scrape(server.url), stamp) == report.finished_at.timestamp()


def test_loans_overdue_and_escalated_move_with_time(tmp_path: Path) -> None:
    """Escalation is checked when the registry starts (and every few minutes): the
    server is started again half a month on."""
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    archive = launch_archive_server(tmp_path / "loans", clock=clock,
                                    metrics_token=METRICS_TOKEN)
    try:
        for username, role in (("wang", "archivist"), ("zhou", "manager"), ("li", "staff")):
            archive.add_user(username, role, department="customer_service")
        document = file_directly(archive, 1)
        with as_(archive, "li") as li:
            loan = li.post("/registry/loans", json={
                "documents": [document["document_id"]], "kind": "paper",
                "purpose": "核对", "reason": "业主来电"}).json()
        for username, move, body in (("zhou", "approve", {"note": "同意"}),
                                     ("wang", "approve", {"note": "同意"}),
                                     ("wang", "issue", None)):
            with as_(archive, username) as client:
                response = client.post(f"/registry/loans/{loan['loan_id']}/{move}", json=body)
                assert response.status_code == 200, response.text
        issued = scrape(archive.url)
        clock.advance(timedelta(days=8))
        late = scrape(archive.url)
    finally:
        archive.server.stop()
    clock.advance(timedelta(days=8))
    again = launch_archive_server(tmp_path / "loans", clock=clock, metrics_token=METRICS_TOKEN)
    try:
        escalated = scrape(again.url)
    finally:
        again.server.stop()
    assert [value(s, "archive_loans_overdue") for s in (issued, late, escalated)] == [0, 1, 1]
    assert [value(s, "archive_loans_escalated") for s in (issued, late, escalated)] == [0, 0, 1]


def test_the_feed_lag_grows_while_a_consumer_cannot_keep_up(server: ArchiveServer,
                                                            tmp_path: Path) -> None:
    """A search service of its own whose ingest is gone: it cannot read the text of what
    is filed, so it stays behind while documents are filed."""
    settings = load_settings({
        "ARCHIVE_DATA_DIR": str(tmp_path / "search"), "ARCHIVE_SECRET_KEY": SECRET_KEY,
        "ARCHIVE_REGISTRY_URL": server.url,
        "ARCHIVE_INGEST_URL": f"http://127.0.0.1:{free_port()}",
        "ARCHIVE_METRICS_TOKEN": METRICS_TOKEN}, env_file=None)
    listener = loopback_listener()
    url = url_of(listener)
    ctx = Context(settings=settings, codec=TokenCodec(SECRET_KEY, ttl_s=3600),
                  clock=server.ctx.clock, self_url=url, hosted=("search",))
    search = BackgroundServer(create_app(ctx), listener)
    search.start()
    try:
        file_directly(server, 99)
        root = {"Authorization": f"Bearer {server.tokens['root']}"}
        eventually(lambda: "stalled" in loopback.get(f"{url}/ready", headers=root).json()[
            "checks"]["search.consumer"], what="the consumer did not stall without ingest")
        before = value(scrape(url), "archive_feed_lag_events", consumer="search")
        for number in range(3):
            file_directly(server, 100 + number)
        after = value(scrape(url), "archive_feed_lag_events", consumer="search")
    finally:
        search.stop()
    assert after >= before + 3
