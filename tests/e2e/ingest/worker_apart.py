"""What the tests of a worker whose peer goes away share: the job a scan makes, and when
that job has ended. Their queue is the ``queue`` of ``conftest.py``."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from PIL.PngImagePlugin import PngInfo

from services.common.objectstore import ObjectStore, store_original
from services.ingest.jobs import Job, JobQueue
from tests.support.rendering import DPI, SIMPLIFIED_LINES, render_page

PAYLOAD = {"metadata": {"category": "repair", "title": "维修", "filed_at": "2024-05-18",
                        "household": "A-1201"},
           "media_type": "image/png", "size_bytes": 1, "uploaded_by": "li.archivist"}

_scans = itertools.count()
"""Each scan bytes of its own (a numbered PNG comment; the page the same): no other test's
job registered them with the registry a module's tests share."""


async def enqueue_scan(queue: JobQueue, store: ObjectStore, spool_dir: Path,
                       tmp_path: Path) -> Job:
    """A one-line scan stored as an upload's original, and its job queued."""
    comment = PngInfo()
    comment.add_text("Comment", f"scan {next(_scans)}")
    scan = tmp_path / "scan.png"
    render_page(SIMPLIFIED_LINES[:1]).save(scan, format="PNG", pnginfo=comment,
                                           dpi=(DPI, DPI))

    async def chunks() -> AsyncIterator[bytes]:
        yield scan.read_bytes()

    stored = await store_original(store, chunks(), max_bytes=10**7, spool_dir=spool_dir)
    job, _ = await queue.enqueue(stored.sha256, PAYLOAD)
    return job


def finished(queue: JobQueue, job: Job) -> Callable[[], Awaitable[Job | None]]:
    """A probe for ``eventually_async``: ``job`` once done or failed."""
    async def probe() -> Job | None:
        now = await queue.get(job.job_id)
        return now if now.status in ("done", "failed") else None
    return probe
