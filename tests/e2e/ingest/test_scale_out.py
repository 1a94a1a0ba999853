"""Scale-out: PostgreSQL, SeaweedFS S3, and extraction in a separate ``archive worker``."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.common.migrations import migrate_all
from services.common.parts import SERVICE_NAMES
from tests.e2e.ingest.support import digital_pdf, ingest, metadata, scanned_png, upload
from tests.fixtures.app import ArchiveServer, launch_archive_server
from tests.fixtures.postgres import PostgresCluster
from tests.fixtures.s3 import S3Server, unique_bucket
from tests.support.cer import character_error_rate
from tests.support.processes import ARCHIVE, clean_environment, setting_variables
from tests.support.rendering import LINES

pytestmark = pytest.mark.ocr


@pytest.fixture(scope="module")
def settings(postgres_cluster: PostgresCluster, seaweedfs_s3: S3Server) -> dict[str, str]:
    url = postgres_cluster.url(postgres_cluster.create_database())
    migrate_all({name: url for name in SERVICE_NAMES})
    return {"database_url": url, "s3_endpoint": seaweedfs_s3.endpoint,
            "s3_access_key": seaweedfs_s3.access_key,
            "s3_secret_key": seaweedfs_s3.secret_key, "s3_bucket": unique_bucket()}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, settings: dict[str, str]
           ) -> Iterator[ArchiveServer]:
    archive = launch_archive_server(tmp_path_factory.mktemp("scale-out"), **settings)
    yield archive
    archive.server.stop()


@pytest.fixture(scope="module")
def worker(server: ArchiveServer, settings: dict[str, str],
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[subprocess.Popen[bytes]]:
    environment = clean_environment(
        setting_variables(settings), ARCHIVE_REGISTRY_URL=server.url,
        ARCHIVE_SECRET_KEY=server.settings.signing_key(),
        ARCHIVE_DATA_DIR=str(tmp_path_factory.mktemp("worker")))
    process = subprocess.Popen([*ARCHIVE, "worker",
                                "--concurrency", "1"], env=environment,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    yield process
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("files")


@pytest.fixture(scope="module")
def scan_job(archivist: httpx.Client, worker: subprocess.Popen[bytes],
             files: Path) -> dict[str, Any]:
    return ingest(archivist, scanned_png(files, "traditional"))


def test_api_server_runs_no_workers_of_its_own(server: ArchiveServer) -> None:
    with server.client(server.add_user("root", "admin")) as admin:
        ready = admin.get("/ready").json()
    assert ready["checks"]["ingest.workers"].startswith("apart")


def test_separate_worker_extracts_and_files_the_scan(
        archivist: httpx.Client, scan_job: dict[str, Any]) -> None:
    assert scan_job["status"] == "done", scan_job
    text = archivist.get(f"/ingest/documents/{scan_job['document_id']}/text").json()
    expected = "\n".join(LINES["traditional"][:3])
    assert character_error_rate(expected, text["pages"][0]["text"], fold_width=True) < 0.03


def test_digital_pdf_skips_ocr_on_postgresql_and_s3(
        archivist: httpx.Client, worker: subprocess.Popen[bytes], files: Path) -> None:
    job = ingest(archivist, digital_pdf(files, pages=3))
    text = archivist.get(f"/ingest/documents/{job['document_id']}/text").json()
    assert {page["method"] for page in text["pages"]} == {"text_layer"}


def test_original_is_streamed_back_from_s3(archivist: httpx.Client,
                                           scan_job: dict[str, Any]) -> None:
    response = archivist.get(f"/ingest/documents/{scan_job['document_id']}/original")
    assert hashlib.sha256(response.content).hexdigest() == scan_job["sha256"]


def test_same_bytes_again_return_the_existing_document(
        archivist: httpx.Client, scan_job: dict[str, Any], files: Path) -> None:
    again = upload(archivist, scanned_png(files, "traditional"), metadata())
    assert (again.status_code, again.json()["document_id"]) == (200, scan_job["document_id"])
