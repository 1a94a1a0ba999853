"""Benchmark what the access decisions of issue 14 add to the paths they guard.

    .venv/bin/python bench/access_checks.py
    .venv/bin/python bench/access_checks.py --jobs 100 --reads 50

Serves the archive on embedded defaults over HTTP (SQLite, directory store, one OCR
process per core), uploads ``--jobs`` one-page digital PDFs (half confidential) as an
archivist cleared for confidential and waits for their jobs. Then it times, ``--reads``
times each, the median of: a page of ingest's job list read by that archivist (one
visibility question to the registry per page) and by a service token (no question), and
a direct filing in the registry by the archivist (which asks ingest whether the bytes
were uploaded) and by a service token (which does not). Prints a markdown table.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.fixtures.app import launch_archive_server
from tests.support.rendering import write_digital_pdf

JOB_TIMEOUT_S = 600.0


def median_ms(call: Callable[[], httpx.Response], reads: int) -> float:
    times = []
    for _ in range(reads):
        start = time.perf_counter()
        call().raise_for_status()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def upload_all(client: httpx.Client, root: Path, jobs: int) -> None:
    for number in range(jobs):
        pdf = write_digital_pdf(root / f"d{number}.pdf", [[f"测量文档 第{number}号 维修记录"]])
        metadata = {"household": "A-1201", "category": "repair", "title": f"维修记录 {number}",
                    "filed_at": "2024-05-18",
                    "security": "confidential" if number % 2 else "ordinary"}
        client.post("/ingest/documents", data={"metadata": json.dumps(metadata)},
                    files={"file": (pdf.name, pdf.read_bytes(), "application/pdf")}
                    ).raise_for_status()


def wait_done(client: httpx.Client, jobs: int) -> None:
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while time.monotonic() < deadline:
        listed = client.get("/ingest/jobs", params={"limit": 1000}).json()
        if sum(job["status"] == "done" for job in listed) == jobs:
            return
        time.sleep(1)
    raise SystemExit(f"the {jobs} jobs did not finish within {JOB_TIMEOUT_S:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=50, help="uploads (default 50)")
    parser.add_argument("--reads", type=int, default=30, help="timed calls each (default 30)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="access-bench-"))
    archive = launch_archive_server(root / "data")
    try:
        user = archive.client(archive.add_user("wang", "archivist", clearance="confidential"))
        service = archive.client(archive.service_token())
        upload_all(user, root, args.jobs)
        wait_done(service, args.jobs)
        serial = itertools.count()

        def filing(**extra: str) -> dict[str, object]:
            content = f"bench filing {next(serial)}".encode()
            return {"sha256": hashlib.sha256(content).hexdigest(), "household": "A-1202",
                    "category": "repair", "title": "维修记录", "filed_at": "2024-01-01",
                    "media_type": "application/pdf", "size_bytes": len(content), **extra}

        page = {"limit": 100}
        rows = [
            ("job list page (100), archivist", median_ms(
                lambda: user.get("/ingest/jobs", params=page), args.reads)),
            ("job list page (100), service token", median_ms(
                lambda: service.get("/ingest/jobs", params=page), args.reads)),
            ("direct filing, archivist", median_ms(
                lambda: user.post("/registry/documents", json=filing()), args.reads)),
            ("direct filing, service token", median_ms(
                lambda: service.post("/registry/documents", json=filing(filed_by="wang")),
                args.reads)),
        ]
        print(f"| call ({args.jobs} jobs, {args.reads} reads) | median ms |")
        print("| --- | ---: |")
        for name, value in rows:
            print(f"| {name} | {value:.1f} |")
    finally:
        archive.server.stop()


if __name__ == "__main__":
    main()
