"""Fixity benchmark: how fast a fixity run re-checks an archive.

Files ``--documents`` digital PDFs (a real text layer, so ingest needs no OCR) of about
``--size-kb`` each through a real archive server (embedded: SQLite, directory store), then
times a fixity run over them (``POST /ingest/fixity`` until the run is done): every
original re-hashed against its catalogue record, every page-text file read, archive
numbers checked by the registry. It waits for search to index everything first, so only
the check runs. Reports documents per second and MB re-hashed per second for three runs
back to back, and checks each found nothing.

Run: ``.venv/bin/python bench/fixity.py [--documents 2000] [--size-kb 256] [--s3]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.fixtures.app import launch_archive_server
from tests.fixtures.s3 import running_seaweedfs, unique_bucket
from tests.support.jobs import finished_jobs_of
from tests.support.rendering import LINES, write_digital_pdf


def originals(root: Path, count: int, size_kb: int) -> list[Path]:
    """``count`` PDFs of ``size_kb``: one rendered PDF, each copy padded after ``%%EOF`` with
    its own bytes (readers ignore them), so every copy is a different original."""
    base = write_digital_pdf(root / "base.pdf", [LINES["simplified"][:4]]).read_bytes()
    padding = max(0, size_kb * 1024 - len(base))
    paths = []
    for number in range(count):
        path = root / f"letter-{number:05d}.pdf"
        path.write_bytes(base + b"\n%" + os.urandom(padding // 2).hex().encode()[:padding]
                         + f"\n%{number}\n".encode())
        paths.append(path)
    return paths


def file_all(client: httpx.Client, paths: list[Path]) -> None:
    job_ids = []
    for number, path in enumerate(paths):
        metadata = {"household": f"A-{1201 + number % 50}", "category": "correspondence",
                    "title": path.stem, "filed_at": "2024-05-18"}
        response = client.post("/ingest/documents", data={"metadata": json.dumps(metadata)},
                               files={"file": (path.name, path.read_bytes())})
        response.raise_for_status()
        job_ids.append(response.json()["job_id"])
    for job in finished_jobs_of(client, job_ids):
        if job.status != "done":
            raise RuntimeError(f"job {job.job_id} failed: {job.error}")


def wait_until_indexed(client: httpx.Client) -> None:
    """Until search has indexed everything filed, so no indexing runs beside the check
    (``client``: an admin's, to whom /ready says the lag)."""
    while client.get("/ready").json()["checks"].get("search.consumer") != "lag 0 events":
        time.sleep(0.5)


def timed_run(client: httpx.Client) -> tuple[dict[str, Any], float]:
    started = time.perf_counter()
    run: dict[str, Any] = client.post("/ingest/fixity").json()
    while run["status"] == "running":
        time.sleep(0.05)
        run = client.get(f"/ingest/fixity/{run['run_id']}").json()
    return run, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--size-kb", type=int, default=256)
    parser.add_argument("--s3", action="store_true",
                        help="keep originals in SeaweedFS's S3 (started here), not a directory")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-fixity-"))
    with ExitStack() as stack:
        overrides: dict[str, str] = {}
        if args.s3:
            s3 = stack.enter_context(running_seaweedfs())
            overrides = {"s3_endpoint": s3.endpoint, "s3_access_key": s3.access_key,
                         "s3_secret_key": s3.secret_key, "s3_bucket": unique_bucket("fixity")}
        report(root, args.documents, args.size_kb, overrides)


def report(root: Path, documents: int, size_kb: int, overrides: dict[str, str]) -> None:
    archive = launch_archive_server(root / "server", ocr_workers=os.cpu_count() or 1,
                                    **overrides)
    try:
        (root / "originals").mkdir()
        paths = originals(root / "originals", documents, size_kb)
        client = archive.client(archive.add_user("bench", "archivist"))
        started = time.perf_counter()
        file_all(client, paths)
        wait_until_indexed(archive.client(archive.add_user("bench.admin", "admin")))
        print(f"filed and indexed {len(paths)} documents in "
              f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
        print("| documents | MB re-hashed | seconds | documents/s | MB/s | findings |")
        print("| ---: | ---: | ---: | ---: | ---: | ---: |")
        for _ in range(3):
            run, seconds = timed_run(client)
            megabytes = run["bytes_hashed"] / 1_000_000
            print(f"| {run['documents_checked']} | {megabytes:.0f} | {seconds:.1f} | "
                  f"{run['documents_checked'] / seconds:.0f} | {megabytes / seconds:.0f} | "
                  f"{len(run['findings'])} |")
    finally:
        archive.server.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
