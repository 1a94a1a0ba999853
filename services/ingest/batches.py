"""Upload batches (上传批次): the files someone sent together from the digitising page,
kept in ingest's database so that closing the tab loses nothing. The jobs are the
server's; a batch only remembers which file became which job, or why it was refused.

A batch is its creator's: anyone else is answered as if it did not exist. Its files'
states are read from their jobs each time (``queued``, ``running`` with the pages read so
far, ``done``, ``failed`` with the reason), plus ``duplicate`` (the same bytes were filed
already) and ``refused`` (the upload itself was refused: the reason and its code).
"""

from __future__ import annotations

import uuid
from datetime import datetime

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.auth import Principal
from services.common.clock import Clock
from services.common.contracts.ingest import (
    Batch,
    BatchFile,
    BatchFileStatus,
    BatchSummary,
    FileKind,
)
from services.common.db import UtcDateTime, connect, read_only, transaction
from services.common.errors import NotFound
from services.ingest.jobs import Job, JobQueue, metadata

RECENT_BATCHES = 10

batches = sa.Table(
    "ingest_batches", metadata,
    sa.Column("batch_id", sa.String(36), primary_key=True),
    sa.Column("created_by", sa.String(128), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)
batch_files = sa.Table(
    "ingest_batch_files", metadata,
    sa.Column("batch_id", sa.String(36), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("job_id", sa.String(36)),
    sa.Column("duplicate", sa.Boolean, nullable=False),
    sa.Column("error_code", sa.String(64)),
    sa.Column("error", sa.Text),
    sa.Column("manifest_line", sa.Integer),
    sa.Column("manifest_value", sa.String(255)),
    sa.Column("fields", sa.JSON),
    sa.Column("seems", sa.String(16)),
)


class Batches:
    """The batches and their files, in ingest's database."""

    def __init__(self, engine: AsyncEngine, queue: JobQueue, clock: Clock) -> None:
        self.engine = engine
        self._reader = read_only(engine)
        self.queue = queue
        self.clock = clock

    async def create(self, principal: Principal) -> Batch:
        batch_id, now = str(uuid.uuid4()), self.clock.now()
        async with transaction(self.engine) as conn:
            await conn.execute(batches.insert().values(
                batch_id=batch_id, created_by=principal.username, created_at=now))
        return await self.get(principal, batch_id)

    async def check(self, principal: Principal, batch_id: str) -> None:
        """``NotFound`` unless the batch is the caller's."""
        await self._owned(principal, batch_id)

    async def add_file(self, batch_id: str, filename: str, *, job_id: str | None = None,
                       duplicate: bool = False, error_code: str | None = None,
                       error: str | None = None, line: int | None = None,
                       value: str | None = None, fields: list[str] | None = None,
                       seems: FileKind | None = None) -> None:
        """Append a file to a batch (its owner checked first, ``check``): uploaded (its
        ``job_id``), or refused (``error_code``, ``error``; a manifest row refused: its
        ``line`` and the ``value`` written there; with ``job_id`` and ``fields`` when its
        bytes are that job's, filed otherwise; ``seems``: what a file of a type not taken
        seems to be)."""
        async with transaction(self.engine) as conn:
            last = (await conn.execute(sa.select(sa.func.max(batch_files.c.position))
                                       .where(batch_files.c.batch_id == batch_id))).scalar()
            await conn.execute(batch_files.insert().values(
                batch_id=batch_id, position=(last or 0) + 1, filename=filename[-255:],
                job_id=job_id, duplicate=duplicate, error_code=error_code, error=error,
                manifest_line=line, manifest_value=value, fields=fields, seems=seems))

    async def get(self, principal: Principal, batch_id: str) -> Batch:
        created_by, created_at = await self._owned(principal, batch_id)
        async with connect(self._reader) as conn:
            rows = (await conn.execute(sa.select(batch_files)
                                       .where(batch_files.c.batch_id == batch_id)
                                       .order_by(batch_files.c.position))).mappings().all()
        jobs = await self.queue.many([row["job_id"] for row in rows if row["job_id"]])
        files = [_file(row, jobs.get(row["job_id"] or "")) for row in rows]
        return Batch(batch_id=batch_id, created_by=created_by, created_at=created_at,
                     files=files, summary=summarise(files))

    async def recent(self, principal: Principal, *, limit: int = RECENT_BATCHES
                     ) -> list[Batch]:
        """The caller's latest batches, newest first."""
        async with connect(self._reader) as conn:
            ids = (await conn.execute(
                sa.select(batches.c.batch_id).where(batches.c.created_by == principal.username)
                .order_by(batches.c.created_at.desc(), batches.c.batch_id).limit(limit)
            )).scalars().all()
        return [await self.get(principal, batch_id) for batch_id in ids]

    async def _owned(self, principal: Principal, batch_id: str) -> tuple[str, datetime]:
        async with connect(self._reader) as conn:
            row = (await conn.execute(sa.select(batches.c.created_by, batches.c.created_at)
                                      .where(batches.c.batch_id == batch_id))).first()
        if row is None or row.created_by != principal.username:
            raise NotFound(f"no batch {batch_id}", code="unknown_batch")
        return row.created_by, row.created_at


def _file(row: sa.RowMapping, job: Job | None) -> BatchFile:
    base = BatchFile(position=row["position"], filename=row["filename"], status="refused",
                     job_id=row["job_id"], error=row["error"], error_code=row["error_code"],
                     line=row["manifest_line"], value=row["manifest_value"],
                     fields=row["fields"], seems=row["seems"])
    if row["error_code"] is not None:
        # Refused, though its bytes are a job's: that job's document is the one to correct.
        return msgspec.structs.replace(base, document_id=job.document_id if job else None)
    if job is None:
        return base
    status: BatchFileStatus = job.status
    if row["duplicate"] and job.status == "done":
        status = "duplicate"
    return msgspec.structs.replace(
        base, status=status, document_id=job.document_id, pages=job.pages,
        pages_read=job.pages_read if job.status == "running" else None,
        pages_total=job.pages_total if job.status == "running" else None,
        review_pages=job.review_pages,
        error=job.error if job.status == "failed" else None,
        error_code=job.error_code if job.status == "failed" else None)


def summarise(files: list[BatchFile]) -> BatchSummary:
    count = {status: sum(1 for file in files if file.status == status)
             for status in ("queued", "running", "done", "failed", "duplicate", "refused")}
    done = [file for file in files if file.status == "done"]
    return BatchSummary(
        files=len(files), waiting=count["queued"] + count["running"], done=count["done"],
        duplicates=count["duplicate"], failed=count["failed"] + count["refused"],
        pages=sum(file.pages or 0 for file in done),
        review_pages=sum(file.review_pages or 0 for file in done),
        finished=count["queued"] + count["running"] == 0)
