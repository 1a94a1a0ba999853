"""The durable job queue (rows in the ingest service's database).

Contract (``JobQueue``):
- ``enqueue`` is idempotent by the original's SHA-256: one job per original, ever; the
  same bytes again return the existing job (a failed one is queued again).
- ``claim`` hands a job to exactly one worker with a lease (``lease_s``), which the worker
  renews while it works. A job whose lease expired (its worker died) is claimable again;
  each claim counts an attempt. ``expire_leases`` ends at once the leases of workers
  known to be dead (a restarted process's own), so their jobs need not wait out the lease.
  PostgreSQL claims with ``FOR UPDATE SKIP LOCKED`` so many workers never contend;
  SQLite write transactions are ``BEGIN IMMEDIATE`` and therefore already serialised;
  reads (``get``, ``list``…) take no lock, so polling a job never delays a worker.
- ``complete``/``retry``/``fail`` act only while the caller still holds the lease, so a
  worker that lost its lease cannot overwrite the outcome of the one that took over.
- ``retry`` puts a job back after a pause (``retry_pause_s``: doubling, with jitter);
  after ``max_attempts`` it fails, and says which it did.
- ``waiting`` records on a running job what it waits for (a registry away); the attempt
  goes on and is not counted again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Literal

import msgspec
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.common.clock import Clock
from services.common.contracts.ingest import JOB_STATUSES, JobProgress, JobStatus
from services.common.db import UtcDateTime, connect, read_only, struct_of, transaction
from services.common.errors import NotFound
from services.common.tasks import retry_pause_s

metadata = sa.MetaData()
jobs = sa.Table(
    "ingest_jobs", metadata,
    sa.Column("job_id", sa.String(36), primary_key=True),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("max_attempts", sa.Integer, nullable=False),
    sa.Column("run_after", UtcDateTime, nullable=False),
    sa.Column("lease_owner", sa.String(128)),
    sa.Column("lease_expires_at", UtcDateTime),
    sa.Column("error", sa.Text),
    sa.Column("error_code", sa.String(64)),
    sa.Column("document_id", sa.String(36)),
    sa.Column("pages", sa.Integer),
    sa.Column("pages_read", sa.Integer),
    sa.Column("pages_total", sa.Integer),
    sa.Column("review_pages", sa.Integer),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("finished_at", UtcDateTime),
)

IN_CLAUSE_ROWS = 500
"""Values of one ``IN`` list (SQLite allows 32 766 bound values, PostgreSQL 65 535)."""

RETRY_INITIAL_S = 5.0
RETRY_MAX_S = 600.0

RetryOutcome = Literal["queued", "failed"]


class Job(JobProgress, kw_only=True):
    job_id: str
    sha256: str
    payload: dict[str, Any]
    status: JobStatus
    attempts: int
    max_attempts: int
    run_after: datetime
    lease_owner: str | None = None
    lease_expires_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None = None


class JobQueue:
    def __init__(self, engine: AsyncEngine, clock: Clock, *, max_attempts: int) -> None:
        self.engine = engine
        self._reader = read_only(engine)
        self.clock = clock
        self.max_attempts = max_attempts

    async def enqueue(self, sha256: str, payload: dict[str, Any]) -> tuple[Job, bool]:
        """The job for this original, and whether it was created now."""
        now = self.clock.now()
        values = dict(job_id=str(uuid.uuid4()), sha256=sha256, payload=payload, status="queued",
                      attempts=0, max_attempts=self.max_attempts, run_after=now,
                      created_at=now, updated_at=now)
        try:
            async with transaction(self.engine) as conn:
                row = (await conn.execute(jobs.insert().values(**values).returning(*jobs.c))
                       ).one()
            return _job(row), True
        except IntegrityError:
            pass
        existing = await self.by_sha256(sha256)
        if existing is None:  # pragma: no cover - the unique index guarantees a row
            raise NotFound(f"no job for {sha256}")
        if existing.status == "failed":
            async with transaction(self.engine) as conn:
                await conn.execute(jobs.update().where(jobs.c.job_id == existing.job_id).values(
                    status="queued", attempts=0, run_after=now, error=None, error_code=None,
                    payload=payload, updated_at=now, finished_at=None))
            return await self.get(existing.job_id), True
        return existing, False

    async def claim(self, worker: str, *, lease_s: float) -> Job | None:
        now = self.clock.now()
        async with transaction(self.engine) as conn:
            row = await self._claimable(conn, now)
            if row is None:
                return None
            if row.status == "running" and row.attempts >= row.max_attempts:
                await self._finish_failed(conn, row.job_id, now, code="worker_died",
                                          error=f"the worker died {row.attempts} times on "
                                                "this document; see the worker log")
                return None
            claimed = (await conn.execute(
                jobs.update().where(jobs.c.job_id == row.job_id).values(
                    status="running", lease_owner=worker, attempts=row.attempts + 1,
                    lease_expires_at=now + timedelta(seconds=lease_s), updated_at=now)
                .returning(*jobs.c))).one()
        return _job(claimed)

    async def _claimable(self, conn: AsyncConnection, now: datetime) -> Any:
        claimable = sa.or_(
            sa.and_(jobs.c.status == "queued", jobs.c.run_after <= now),
            sa.and_(jobs.c.status == "running", jobs.c.lease_expires_at <= now),
        )
        query = sa.select(jobs.c.job_id, jobs.c.status, jobs.c.attempts, jobs.c.max_attempts
                          ).where(claimable).order_by(jobs.c.run_after).limit(1)
        if conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return (await conn.execute(query)).first()

    async def extend_lease(self, job_id: str, worker: str, *, lease_s: float) -> bool:
        now = self.clock.now()
        async with transaction(self.engine) as conn:
            result = await conn.execute(jobs.update().where(*self._held(job_id, worker)).values(
                lease_expires_at=now + timedelta(seconds=lease_s), updated_at=now))
        return result.rowcount == 1

    async def expire_leases(self, dead: Callable[[str], bool]) -> list[str]:
        """End now the leases held by workers ``dead`` says are gone; their jobs are then
        claimed again at once (the interrupted attempt counts, so a document that kills its
        worker every time still ends ``failed``). Returns the jobs concerned."""
        now = self.clock.now()
        async with connect(self._reader) as conn:
            held = (await conn.execute(sa.select(jobs.c.job_id, jobs.c.lease_owner).where(
                jobs.c.status == "running", jobs.c.lease_expires_at > now))).all()
        expired: list[str] = []
        for job_id, owner in held:
            if owner is None or not dead(owner):
                continue
            async with transaction(self.engine) as conn:
                result = await conn.execute(jobs.update().where(*self._held(job_id, owner))
                                            .values(lease_expires_at=now, updated_at=now))
            if result.rowcount == 1:
                expired.append(job_id)
        return expired

    async def complete(self, job_id: str, worker: str, *, document_id: str, pages: int,
                       review_pages: int = 0) -> bool:
        now = self.clock.now()
        async with transaction(self.engine) as conn:
            result = await conn.execute(jobs.update().where(*self._held(job_id, worker)).values(
                status="done", document_id=document_id, pages=pages, pages_read=pages,
                review_pages=review_pages, lease_owner=None,
                lease_expires_at=None, error=None, error_code=None, updated_at=now,
                finished_at=now))
        return result.rowcount == 1

    async def progress(self, job_id: str, worker: str, *, pages_read: int,
                       pages_total: int | None) -> None:
        """How many pages the running extraction has read, of how many (the digitising
        page shows it)."""
        async with transaction(self.engine) as conn:
            await conn.execute(jobs.update().where(*self._held(job_id, worker))
                               .values(pages_read=pages_read, pages_total=pages_total))

    async def many(self, job_ids: list[str]) -> dict[str, Job]:
        """The jobs of ``job_ids`` that exist, by id."""
        if not job_ids:
            return {}
        async with connect(self._reader) as conn:
            rows = await conn.execute(sa.select(jobs).where(jobs.c.job_id.in_(job_ids)))
            return {row.job_id: _job(row) for row in rows}

    async def retry(self, job_id: str, worker: str, *, error: str, code: str
                    ) -> RetryOutcome | None:
        """A transient failure: back off and try again (``queued``), or fail after the last
        attempt (``failed``); None if ``worker`` no longer holds the job."""
        now = self.clock.now()
        job = await self.get(job_id)
        async with transaction(self.engine) as conn:
            if job.attempts >= job.max_attempts:
                failed = await self._finish_failed(conn, job_id, now, code=code, worker=worker,
                                                   error=f"{error} (gave up after "
                                                         f"{job.attempts} attempts)")
                return "failed" if failed else None
            result = await conn.execute(jobs.update().where(*self._held(job_id, worker)).values(
                status="queued", run_after=now + _retry_pause(job.attempts), lease_owner=None,
                lease_expires_at=None, error=error, error_code=code, updated_at=now))
        return "queued" if result.rowcount == 1 else None

    async def waiting(self, job_id: str, worker: str, *, error: str | None, code: str | None
                      ) -> None:
        """What the running job waits for (a peer away), shown with it; None once it no
        longer waits. The attempt goes on: nothing else changes."""
        async with transaction(self.engine) as conn:
            await conn.execute(jobs.update().where(*self._held(job_id, worker)).values(
                error=error, error_code=code, updated_at=self.clock.now()))

    async def release(self, job_id: str, worker: str) -> bool:
        """Hand a job back untouched (the worker is shutting down): it is claimable at once
        and the interrupted attempt does not count."""
        now = self.clock.now()
        async with transaction(self.engine) as conn:
            result = await conn.execute(jobs.update().where(*self._held(job_id, worker)).values(
                status="queued", run_after=now, attempts=jobs.c.attempts - 1,
                lease_owner=None, lease_expires_at=None, updated_at=now))
        return bool(result.rowcount == 1)

    async def fail(self, job_id: str, worker: str, *, error: str, code: str) -> bool:
        """A permanent failure: the job ends ``failed`` with a readable reason."""
        async with transaction(self.engine) as conn:
            return await self._finish_failed(conn, job_id, self.clock.now(), code=code,
                                             error=error, worker=worker)

    async def _finish_failed(self, conn: AsyncConnection, job_id: str, now: datetime, *,
                             code: str, error: str, worker: str | None = None) -> bool:
        conditions = self._held(job_id, worker) if worker else (jobs.c.job_id == job_id,)
        result = await conn.execute(jobs.update().where(*conditions).values(
            status="failed", error=error, error_code=code, lease_owner=None,
            lease_expires_at=None, updated_at=now, finished_at=now))
        return bool(result.rowcount == 1)

    @staticmethod
    def _held(job_id: str, worker: str) -> tuple[Any, ...]:
        return (jobs.c.job_id == job_id, jobs.c.lease_owner == worker,
                jobs.c.status == "running")

    async def get(self, job_id: str) -> Job:
        async with connect(self._reader) as conn:
            row = (await conn.execute(sa.select(jobs).where(jobs.c.job_id == job_id))).first()
        if row is None:
            raise NotFound(f"no job {job_id}", code="unknown_job")
        return _job(row)

    async def by_sha256(self, sha256: str) -> Job | None:
        async with connect(self._reader) as conn:
            row = (await conn.execute(sa.select(jobs).where(jobs.c.sha256 == sha256))).first()
        return None if row is None else _job(row)

    async def done_for(self, sha256s: list[str]) -> list[Job]:
        """The finished jobs of those of ``sha256s`` ingest filed."""
        found: list[Job] = []
        async with connect(self._reader) as conn:
            for start in range(0, len(sha256s), IN_CLAUSE_ROWS):
                rows = await conn.execute(sa.select(jobs).where(
                    jobs.c.status == "done",
                    jobs.c.sha256.in_(sha256s[start:start + IN_CLAUSE_ROWS])))
                found.extend(_job(row) for row in rows)
        return found

    async def list(self, *, status: JobStatus | None = None, limit: int = 100,
                   offset: int = 0) -> list[Job]:
        query = sa.select(jobs).order_by(jobs.c.created_at.desc(), jobs.c.job_id)
        if status is not None:
            query = query.where(jobs.c.status == status)
        async with connect(self._reader) as conn:
            rows = await conn.execute(query.limit(limit).offset(offset))
            return [_job(row) for row in rows]

    async def counts(self) -> dict[str, int]:
        async with connect(self._reader) as conn:
            rows = await conn.execute(sa.select(jobs.c.status, sa.func.count())
                                      .group_by(jobs.c.status))
            found = {str(status): int(count) for status, count in rows}
        return {status: found.get(status, 0) for status in JOB_STATUSES}

    async def untaken(self, *, for_s: float) -> tuple[int, datetime] | None:
        """The jobs a worker could have claimed ``for_s`` seconds ago or more, and since
        when the first could, while no job runs on a live lease: nothing is claiming jobs
        from this database (no ``archive worker`` running, or none reaching it). None
        while a job runs (the workers may all be busy) or none has waited so long."""
        now = self.clock.now()
        waiting_since = sa.case((jobs.c.status == "queued", jobs.c.run_after),
                                else_=jobs.c.lease_expires_at)
        async with connect(self._reader) as conn:
            running = (await conn.execute(sa.select(sa.func.count()).where(
                jobs.c.status == "running", jobs.c.lease_expires_at > now))).scalar_one()
            if running:
                return None
            count, since = (await conn.execute(
                sa.select(sa.func.count(), sa.func.min(waiting_since)).where(
                    jobs.c.status.in_(("queued", "running")),
                    waiting_since <= now - timedelta(seconds=for_s)))).one()
        return (int(count), since) if count else None

    async def census(self) -> JobCensus:
        """Per state, how many jobs and when the oldest was created; failed jobs by code
        (``/metrics``)."""
        async with connect(self._reader) as conn:
            states = (await conn.execute(
                sa.select(jobs.c.status, sa.func.count(), sa.func.min(jobs.c.created_at))
                .group_by(jobs.c.status))).all()
            failed = (await conn.execute(
                sa.select(jobs.c.error_code, sa.func.count())
                .where(jobs.c.status == "failed").group_by(jobs.c.error_code))).all()
        return JobCensus(
            counts={str(status): int(count) for status, count, _ in states},
            oldest={str(status): oldest for status, _, oldest in states if oldest is not None},
            failed={str(code or "unknown"): int(count) for code, count in failed})


class JobCensus(msgspec.Struct, frozen=True, kw_only=True):
    counts: dict[str, int]
    oldest: dict[str, datetime]
    """When the oldest job in each state was created."""
    failed: dict[str, int]
    """Failed jobs by ``error_code``."""


def _job(row: sa.Row[Any]) -> Job:
    return struct_of(row._mapping, Job)


def _retry_pause(attempts: int) -> timedelta:
    return timedelta(seconds=retry_pause_s(attempts, initial_s=RETRY_INITIAL_S,
                                           max_s=RETRY_MAX_S))
