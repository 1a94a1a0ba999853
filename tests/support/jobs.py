"""Ingest jobs followed over HTTP as ``archive ingest --wait`` follows them (the benchmarks
file hundreds of documents and time how long they take)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import msgspec

from services.cli.ingest import finished_jobs
from services.common.contracts.ingest import JobView


def finished_jobs_of(client: httpx.Client, job_ids: list[str]) -> Iterator[JobView]:
    """Each of the jobs ``job_ids`` once it is done or failed, asked about through
    ``client`` (signed in as whoever uploaded them) a few at a time (``finished_jobs``)."""

    def job(job_id: str) -> JobView:
        return msgspec.json.decode(client.get(f"/ingest/jobs/{job_id}").content, type=JobView)

    return finished_jobs(job, job_ids)
