"""Fixity runs in ingest's database: one running at a time, progress saved as it goes,
a run whose process died failed when the next starts."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from services.common.clock import Clock
from services.common.contracts.ingest import FixityRun, FixityTrigger
from services.common.db import connect, read_only, struct_of, transaction
from services.common.errors import Conflict, NotFound
from services.ingest.fixity.tables import fixity_runs
from services.ingest.jobs import jobs

STALE_AFTER = timedelta(minutes=10)
"""A running run with no progress saved for this long lost its process."""

RUN_COLUMNS = [column for column in fixity_runs.c if column.name != "running_slot"]


class FixityRuns:
    """The runs, in ingest's database."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self.engine = engine
        self._reader = read_only(engine)
        self.clock = clock

    async def start(self, *, trigger: FixityTrigger, started_by: str) -> tuple[FixityRun, bool]:
        """A new running run, and True; or the one already running, and False."""
        now = self.clock.now()
        async with transaction(self.engine) as conn:
            await conn.execute(
                fixity_runs.update()
                .where(fixity_runs.c.status == "running",
                       fixity_runs.c.updated_at < now - STALE_AFTER)
                .values(status="failed", running_slot=None, finished_at=now,
                        error="interrupted: its process stopped; a later run checks again"))
        for _ in range(3):  # the running one may finish between our insert and our read
            run_id = str(uuid.uuid4())
            try:
                async with transaction(self.engine) as conn:
                    await conn.execute(fixity_runs.insert().values(
                        run_id=run_id, status="running", trigger=trigger,
                        started_by=started_by, started_at=now, updated_at=now,
                        documents_total=0, documents_checked=0, bytes_hashed=0, findings=[],
                        running_slot=1))
            except IntegrityError:
                running = await self._running()
                if running is not None:
                    return running, False
                continue
            return await self.get(run_id), True
        raise Conflict("fixity runs keep starting and finishing at once; try again",
                       code="fixity_busy")

    async def save(self, run: FixityRun) -> None:
        """Progress so far (and keeps the run from looking stale)."""
        async with transaction(self.engine) as conn:
            await conn.execute(fixity_runs.update().where(fixity_runs.c.run_id == run.run_id)
                               .values(**_progress(run), updated_at=self.clock.now()))

    async def finish(self, run: FixityRun, *, error: str | None = None) -> None:
        now = self.clock.now()
        async with transaction(self.engine) as conn:
            await conn.execute(fixity_runs.update().where(fixity_runs.c.run_id == run.run_id)
                               .values(**_progress(run), updated_at=now, finished_at=now,
                                       status="failed" if error else "done", error=error,
                                       running_slot=None))

    async def get(self, run_id: str) -> FixityRun:
        async with connect(self._reader) as conn:
            row = (await conn.execute(
                sa.select(*RUN_COLUMNS).where(fixity_runs.c.run_id == run_id))).first()
        if row is None:
            raise NotFound(f"no fixity run {run_id!r}", code="unknown_fixity_run")
        return _run(row._mapping)

    async def list(self, *, limit: int, offset: int) -> list[FixityRun]:
        """Newest first."""
        query = (sa.select(*RUN_COLUMNS).order_by(fixity_runs.c.started_at.desc(),
                                                 fixity_runs.c.run_id)
                 .limit(limit).offset(offset))
        async with connect(self._reader) as conn:
            return [_run(row._mapping) for row in await conn.execute(query)]

    async def last_finished(self) -> FixityRun | None:
        """The newest run that finished its check (``done``), with its findings."""
        query = (sa.select(*RUN_COLUMNS).where(fixity_runs.c.status == "done")
                 .order_by(fixity_runs.c.finished_at.desc()).limit(1))
        async with connect(self._reader) as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else _run(row._mapping)

    async def last_check_due_from(self) -> datetime | None:
        """When the schedule counts from: the start of the last run that checked (done) or
        is checking (running, not stale), else the first upload's (before any upload there
        is nothing to check). A failed run checked nothing, so it is not counted."""
        counted = sa.or_(fixity_runs.c.status == "done",
                         sa.and_(fixity_runs.c.status == "running",
                                 fixity_runs.c.updated_at >= self.clock.now() - STALE_AFTER))
        async with connect(self._reader) as conn:
            last = (await conn.execute(sa.select(sa.func.max(fixity_runs.c.started_at))
                                       .where(counted))).scalar_one_or_none()
            if last is None:
                last = (await conn.execute(sa.select(sa.func.min(jobs.c.created_at))
                                           )).scalar_one_or_none()
        return last if isinstance(last, datetime) else None

    async def scheduled_failures_since(self, since: datetime) -> tuple[int, datetime | None]:
        """How many scheduled runs started at ``since`` or later failed, and when the last
        of them finished (None if none did)."""
        query = (sa.select(sa.func.count(), sa.func.max(fixity_runs.c.finished_at))
                 .where(fixity_runs.c.trigger == "scheduled",
                        fixity_runs.c.status == "failed", fixity_runs.c.started_at >= since))
        async with connect(self._reader) as conn:
            failures, last = (await conn.execute(query)).one()
        return int(failures), last if isinstance(last, datetime) else None

    async def _running(self) -> FixityRun | None:
        async with connect(self._reader) as conn:
            row = (await conn.execute(
                sa.select(*RUN_COLUMNS).where(fixity_runs.c.status == "running"))).first()
        return None if row is None else _run(row._mapping)


def _progress(run: FixityRun) -> dict[str, Any]:
    return dict(documents_total=run.documents_total, documents_checked=run.documents_checked,
                bytes_hashed=run.bytes_hashed,
                findings=msgspec.to_builtins(run.findings),
                documents_without_previews=run.documents_without_previews)


def _run(row: Any) -> FixityRun:
    return struct_of(row, FixityRun)
