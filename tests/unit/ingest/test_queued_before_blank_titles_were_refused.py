"""A job queued before a title of blanks alone was refused (``Title``: something visible
in it) still reads, and files: its blank title says nothing, so the file's name does."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

from services.common.contracts.registry import NewDocument
from services.ingest.jobs import Job
from services.ingest.pool import Extracted
from services.ingest.worker import job_payload, registration_of

QUEUED = datetime(2024, 5, 31, 9, tzinfo=UTC)


def test_a_job_queued_with_a_blank_title_reads_and_files_the_file_name() -> None:
    job = Job(job_id="j1", sha256="a" * 64, status="queued", attempts=0, max_attempts=3,
              run_after=QUEUED, created_at=QUEUED, updated_at=QUEUED, payload={
                  "metadata": {"category": "repair", "title": "\u3000\u200b"},
                  "media_type": "application/pdf", "size_bytes": 10, "uploaded_by": "li",
                  "original_filename": "报修单.pdf",
                  "defaults": {"title": "报修单", "filed_at": "2024-05-31",
                               "security": "ordinary", "personal_info": False}})

    new = registration_of(job, job_payload(job), Extracted.of([]))
    # What the registry decodes, with the rule for what is written now.
    sent = msgspec.json.decode(msgspec.json.encode(new), type=NewDocument)

    assert (sent.title, sent.defaults and sent.defaults.title) == (None, "报修单")
